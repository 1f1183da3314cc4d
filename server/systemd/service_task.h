// What the reactor's loop does for the service manager: WATCHDOG=1 at half
// the watchdog interval and a fresh STATUS=... line, both from the loop
// itself, so a loop that stops turning stops the pings and systemd
// restarts chatd. It wraps the loop's other task (the cluster link, or
// none), since the reactor drives one LoopTask.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "net/loop_task.h"
#include "systemd/notify.h"

namespace chat {

class ServiceTask final : public LoopTask {
 public:
  // `inner`: the task the reactor would drive otherwise (not owned; may be
  // null). `status`: the text after "STATUS=", asked for at each send.
  ServiceTask(LoopTask* inner, const Notifier& notifier, std::optional<std::chrono::microseconds> watchdog,
              std::function<std::string()> status);

  void on_event(const PollEvent& event) override;
  void on_tick(Clock::time_point now) override;
  [[nodiscard]] int timeout_ms(Clock::time_point now) const override;
  void on_shutdown() override;
  [[nodiscard]] bool finished() const override;

  // How often STATUS is refreshed without a watchdog.
  static constexpr std::chrono::seconds kStatusEvery{10};

 private:
  LoopTask* inner_;
  const Notifier& notifier_;
  bool watchdog_;
  Clock::duration period_;
  std::function<std::string()> status_;
  Clock::time_point next_{};
  bool stopping_ = false;
};

}  // namespace chat
