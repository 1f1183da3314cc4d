// chatd's metrics in Prometheus's text exposition format (version 0.0.4):
// a snapshot of numbers in, the body of GET /metrics out. Pure, so every
// name, label and line is unit-tested (tests/unit/metrics/); the names and
// what they mean are listed in docs/OPERATIONS.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "metrics/latency_histogram.h"
#include "metrics/loop_counters.h"

namespace chat {

// The history store's side (--store), read under the store's lock.
struct StoreStats {
  std::uint64_t queued_lines = 0;    // waiting for the writer thread, now
  std::uint64_t dropped_lines = 0;   // refused: the queue was over its bound
  std::uint64_t commit_errors = 0;   // transactions that failed (and are retried)
  LatencyHistogram commit_seconds;   // each transaction, failed ones included
};

// The Redis link's side (--cluster).
struct ClusterStats {
  bool linked = false;                // registered, the mirror loaded
  std::uint64_t events_received = 0;  // other nodes' events applied here
  std::uint64_t events_sent = 0;      // this node's events queued for Redis
  std::uint64_t events_skipped = 0;   // not sent: Redis was behind
};

// The process, from /proc (absent where there is none).
struct ProcessStats {
  double cpu_seconds = 0;         // user + system
  std::uint64_t resident_bytes = 0;
  std::uint64_t virtual_bytes = 0;
  std::uint64_t open_fds = 0;
  std::uint64_t max_fds = 0;      // RLIMIT_NOFILE's soft limit
  double start_time_seconds = 0;  // since the Unix epoch
};

struct MetricsSnapshot {
  std::string_view version;       // chatd_build_info{version="..."}
  const LoopCounters* loop = nullptr;
  std::uint64_t users = 0;        // online, cluster-wide
  std::uint64_t line_users = 0;       // this node's users of the line protocol (plain and TLS ports)
  std::uint64_t websocket_users = 0;  // this node's users of the web port's WebSocket
  std::uint64_t rooms = 0;
  std::uint64_t connections = 0;  // open client connections (handshakes included)
  std::optional<StoreStats> store;
  std::optional<ClusterStats> cluster;
  std::optional<ProcessStats> process;
};

// The body of a scrape. Every family has its # HELP and # TYPE lines;
// labelled families list every label value, zeros included, so a rate()
// never starts from a missing series.
std::string render_metrics(const MetricsSnapshot& snapshot);

// The label value a reason has in chatd_connections_refused_total and
// chatd_disconnects_total.
std::string_view refusal_label(Refusal why);
std::string_view disconnect_label(Disconnect why);

}  // namespace chat
