#include "metrics/exposition.h"

#include <charconv>
#include <cstdio>

namespace chat {

namespace {

// One metric family at a time: its header once, then its samples.
class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }

  void sample(std::string_view name, std::string_view labels, std::uint64_t value) {
    begin(name, labels);
    char buffer[24];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    out_.append(buffer, end);
    out_ += '\n';
  }

  void sample(std::string_view name, std::string_view labels, double value) {
    begin(name, labels);
    append_double(value);
    out_ += '\n';
  }

  // A whole family of one unlabelled sample.
  void counter(std::string_view name, std::string_view help, std::uint64_t value) {
    family(name, "counter", help);
    sample(name, "", value);
  }
  void gauge(std::string_view name, std::string_view help, std::uint64_t value) {
    family(name, "gauge", help);
    sample(name, "", value);
  }

  void histogram(std::string_view name, std::string_view help, const LatencyHistogram& h) {
    family(name, "histogram", help);
    const std::string bucket = std::string(name) + "_bucket";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < LatencyHistogram::kBoundsNs.size(); ++i) {
      cumulative += h.bucket(i);
      std::string le = "le=\"";
      le += seconds_text(LatencyHistogram::kBoundsNs[i]);
      le += '"';
      sample(bucket, le, cumulative);
    }
    cumulative += h.bucket(LatencyHistogram::kBoundsNs.size());
    sample(bucket, "le=\"+Inf\"", cumulative);
    sample(std::string(name) + "_sum", "", h.sum_seconds());
    sample(std::string(name) + "_count", "", cumulative);
  }

 private:
  void begin(std::string_view name, std::string_view labels) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      out_ += labels;
      out_ += '}';
    }
    out_ += ' ';
  }

  // The shortest text that reads back as the same double.
  void append_double(double value) {
    char buffer[32];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    out_.append(buffer, end);
  }

  static std::string seconds_text(std::int64_t ns) {
    char buffer[32];
    // Fixed notation ("0.0001", not "1e-04"), as client libraries write le.
    const auto end =
        std::to_chars(buffer, buffer + sizeof buffer, static_cast<double>(ns) / 1e9, std::chars_format::fixed).ptr;
    return std::string(buffer, end);
  }

  std::string& out_;
};

// A label value with its backslash, quote and newline escaped.
std::string quoted(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  out += '"';
  return out;
}

void write_loop(Writer& w, const LoopCounters& c) {
  w.family("chatd_connections_accepted_total", "counter", "Client connections accepted, by listener.");
  w.sample("chatd_connections_accepted_total", "listener=\"plain\"", c.accepted[0]);
  w.sample("chatd_connections_accepted_total", "listener=\"tls\"", c.accepted[1]);
  w.sample("chatd_connections_accepted_total", "listener=\"web\"", c.accepted[2]);
  w.family("chatd_connections_refused_total", "counter", "Client connections turned away before joining, by reason.");
  for (std::size_t i = 0; i < kRefusals; ++i) {
    w.sample("chatd_connections_refused_total", "reason=" + quoted(refusal_label(static_cast<Refusal>(i))),
             c.refused[i]);
  }
  w.counter("chatd_lines_received_total", "Lines read from clients, commands included.", c.lines_received);
  w.counter("chatd_lines_rate_limited_total", "Lines dropped unread by --rate-limit.", c.lines_rate_limited);
  w.counter("chatd_lines_too_long_total", "Lines refused for being longer than --max-line.", c.lines_too_long);
  w.counter("chatd_deliveries_total", "Lines queued for a receiver (one line to N users is N deliveries).",
            c.deliveries);
  w.counter("chatd_lines_skipped_total",
            "Lines a slow reader missed: its --max-queue was full (it is told how many).", c.lines_skipped);
  w.counter("chatd_sent_bytes_total", "Bytes written to client sockets (before TLS encryption).", c.bytes_sent);
  w.family("chatd_disconnects_total", "counter", "Client connections closed, by reason.");
  for (std::size_t i = 1; i < kDisconnects; ++i) {  // not "none"
    w.sample("chatd_disconnects_total", "reason=" + quoted(disconnect_label(static_cast<Disconnect>(i))),
             c.disconnects[i]);
  }
  w.family("chatd_tls_handshakes_total", "counter", "TLS handshakes finished, by result.");
  w.sample("chatd_tls_handshakes_total", "result=\"ok\"", c.tls_handshakes_ok);
  w.sample("chatd_tls_handshakes_total", "result=\"failed\"", c.tls_handshakes_failed);
  w.sample("chatd_tls_handshakes_total", "result=\"timed_out\"", c.tls_handshakes_timed_out);
  w.histogram("chatd_tls_handshake_duration_seconds", "Time from accept to a completed TLS handshake.",
              c.tls_handshake_seconds);
  w.histogram("chatd_loop_iteration_duration_seconds",
              "Time the event loop spends per wake-up, from the poller's return to its next wait (event-loop lag).",
              c.loop_iteration_seconds);
}

void write_store(Writer& w, const StoreStats& s) {
  w.gauge("chatd_store_queue_lines", "History lines waiting for the store's writer thread.", s.queued_lines);
  w.counter("chatd_store_dropped_lines_total", "History lines not stored: the store's queue was full.",
            s.dropped_lines);
  w.counter("chatd_store_commit_errors_total", "Store transactions that failed (the batch is retried).",
            s.commit_errors);
  w.histogram("chatd_store_commit_duration_seconds", "Time of each store transaction (group commit).",
              s.commit_seconds);
}

void write_cluster(Writer& w, const ClusterStats& s) {
  w.gauge("chatd_cluster_link_up", "1 while this node is registered with Redis and its mirror loaded.",
          s.linked ? 1 : 0);
  w.counter("chatd_cluster_events_received_total", "Other nodes' events received from Redis.", s.events_received);
  w.counter("chatd_cluster_events_sent_total", "This node's events sent to Redis.", s.events_sent);
  w.counter("chatd_cluster_events_skipped_total", "Lines not sent to other nodes: Redis was behind.",
            s.events_skipped);
}

void write_process(Writer& w, const ProcessStats& p) {
  w.family("process_cpu_seconds_total", "counter", "User and system CPU time spent in seconds.");
  w.sample("process_cpu_seconds_total", "", p.cpu_seconds);
  w.gauge("process_resident_memory_bytes", "Resident memory size in bytes.", p.resident_bytes);
  w.gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", p.virtual_bytes);
  w.gauge("process_open_fds", "Number of open file descriptors.", p.open_fds);
  w.gauge("process_max_fds", "Maximum number of open file descriptors.", p.max_fds);
  w.family("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.");
  w.sample("process_start_time_seconds", "", p.start_time_seconds);
}

}  // namespace

std::string_view refusal_label(Refusal why) {
  switch (why) {
    case Refusal::server_full: return "server_full";
    case Refusal::too_many_from_ip: return "too_many_from_ip";
    case Refusal::banned: return "banned";
    case Refusal::out_of_fds: return "out_of_fds";
    case Refusal::tls_handshake_rate: return "tls_handshake_rate";
    case Refusal::tls_setup: return "tls_setup";
    case Refusal::poller: return "poller";
  }
  return "unknown";
}

std::string_view disconnect_label(Disconnect why) {
  switch (why) {
    case Disconnect::none: return "none";
    case Disconnect::quit: return "quit";
    case Disconnect::eof: return "eof";
    case Disconnect::reset: return "reset";
    case Disconnect::stall: return "stall";
    case Disconnect::idle: return "idle";
    case Disconnect::tls_handshake: return "tls_handshake";
    case Disconnect::shutdown: return "shutdown";
    case Disconnect::error: return "error";
    case Disconnect::kicked: return "kicked";
    case Disconnect::banned: return "banned";
    case Disconnect::replaced: return "replaced";
  }
  return "unknown";
}

std::string render_metrics(const MetricsSnapshot& s) {
  std::string out;
  out.reserve(8192);
  Writer w(out);
  w.family("chatd_build_info", "gauge", "Always 1; the version label says which chatd this is.");
  w.sample("chatd_build_info", "version=" + quoted(s.version), std::uint64_t{1});
  w.gauge("chatd_users", "Users online (with --cluster: on every node).", s.users);
  w.family("chatd_users_by_protocol", "gauge", "This node's users online, by the protocol they speak.");
  w.sample("chatd_users_by_protocol", "protocol=\"line\"", s.line_users);
  w.sample("chatd_users_by_protocol", "protocol=\"websocket\"", s.websocket_users);
  w.gauge("chatd_rooms", "Rooms that exist now.", s.rooms);
  w.gauge("chatd_connections", "Open client connections, TLS handshakes in progress included.", s.connections);
  if (s.loop != nullptr) write_loop(w, *s.loop);
  if (s.store) write_store(w, *s.store);
  if (s.cluster) write_cluster(w, *s.cluster);
  if (s.process) write_process(w, *s.process);
  return out;
}

}  // namespace chat
