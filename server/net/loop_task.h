// Something besides the connections that the reactor's loop drives: fds of
// its own and timers (the cluster link, server/cluster/cluster_bus.h). The
// reactor holds at most one, null without --cluster.
#pragma once

#include <chrono>

#include "net/pollers/poller.h"

namespace chat {

class LoopTask {
 public:
  using Clock = std::chrono::steady_clock;

  // An event on an fd that is not a connection or a listener.
  virtual void on_event(const PollEvent& event) = 0;
  // Once per loop iteration, after the events: timers, deferred work.
  virtual void on_tick(Clock::time_point now) = 0;
  // How long the loop may sleep for this task's sake; -1: no limit.
  [[nodiscard]] virtual int timeout_ms(Clock::time_point now) const = 0;
  // The server is stopping: say goodbye. finished() tells when the loop may end.
  virtual void on_shutdown() = 0;
  [[nodiscard]] virtual bool finished() const = 0;

 protected:
  ~LoopTask() = default;
};

}  // namespace chat
