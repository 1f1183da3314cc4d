// --metrics: what a scrape reports, gathered on the loop's thread from the
// reactor's counters, the chat, the store, the cluster link and /proc,
// then rendered by metrics/exposition.h.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/renderer.h"
#include "metrics/exposition.h"

namespace chat {

class Chat;
class ClusterBus;
class HistoryStore;
class Reactor;

// The process's CPU time, memory, fds and start time from /proc/self;
// nullopt where /proc is missing.
std::optional<ProcessStats> read_process_stats();

// The body of GET /metrics. Each pointer but `reactor` and `chat` may be
// null (no --store, no --cluster). `websocket`: the web port's protocol,
// none without a web port; every other user speaks the line protocol.
class MetricsSource {
 public:
  MetricsSource(std::string_view version, Reactor& reactor, Chat& chat, HistoryStore* store, ClusterBus* cluster,
                std::optional<ProtocolId> websocket)
      : version_(version), reactor_(reactor), chat_(chat), store_(store), cluster_(cluster), websocket_(websocket) {}

  std::string operator()() const;

 private:
  std::string_view version_;
  Reactor& reactor_;
  Chat& chat_;
  HistoryStore* store_;
  ClusterBus* cluster_;
  std::optional<ProtocolId> websocket_;
};

}  // namespace chat
