#include "systemd/service_task.h"

#include <algorithm>

namespace chat {

ServiceTask::ServiceTask(LoopTask* inner, const Notifier& notifier, std::optional<std::chrono::microseconds> watchdog,
                         std::function<std::string()> status)
    : inner_(inner),
      notifier_(notifier),
      watchdog_(watchdog.has_value()),
      period_(watchdog ? std::min<Clock::duration>(*watchdog / 2, kStatusEvery) : kStatusEvery),
      status_(std::move(status)) {}

void ServiceTask::on_event(const PollEvent& event) {
  if (inner_ != nullptr) inner_->on_event(event);
}

void ServiceTask::on_tick(Clock::time_point now) {
  if (inner_ != nullptr) inner_->on_tick(now);
  if (stopping_ || now < next_) return;
  next_ = now + period_;
  notifier_.send((watchdog_ ? "WATCHDOG=1\nSTATUS=" : "STATUS=") + status_());
}

int ServiceTask::timeout_ms(Clock::time_point now) const {
  int mine = -1;
  if (!stopping_) {
    const auto wait = std::chrono::ceil<std::chrono::milliseconds>(next_ - now).count();
    mine = static_cast<int>(std::clamp<long long>(wait, 0, 60'000));
  }
  const int theirs = inner_ != nullptr ? inner_->timeout_ms(now) : -1;
  if (mine < 0) return theirs;
  if (theirs < 0) return mine;
  return std::min(mine, theirs);
}

void ServiceTask::on_shutdown() {
  stopping_ = true;
  if (inner_ != nullptr) inner_->on_shutdown();
}

bool ServiceTask::finished() const { return inner_ == nullptr || inner_->finished(); }

}  // namespace chat
