// poll(2): the interest set lives in our array and is handed to the kernel
// on every wait, so each wait costs O(watched fds), but there is no fd limit.
#include <poll.h>

#include <cerrno>

#include "net/pollers/poller.h"

namespace chat {

namespace {

short to_poll(unsigned interest) {
  return static_cast<short>(((interest & kReadable) ? POLLIN : 0) | ((interest & kWritable) ? POLLOUT : 0));
}

class PollPoller final : public Poller {
 public:
  std::error_code add(int fd, unsigned interest) override {
    if (static_cast<std::size_t>(fd) >= slot_of_.size()) slot_of_.resize(static_cast<std::size_t>(fd) + 1, -1);
    slot_of_[static_cast<std::size_t>(fd)] = static_cast<int>(fds_.size());
    fds_.push_back({fd, to_poll(interest), 0});
    return {};
  }

  std::error_code modify(int fd, unsigned interest) override {
    fds_[static_cast<std::size_t>(slot_of_[static_cast<std::size_t>(fd)])].events = to_poll(interest);
    return {};
  }

  void remove(int fd) noexcept override {
    // Swap the last entry into the hole: O(1), order does not matter.
    const auto slot = static_cast<std::size_t>(slot_of_[static_cast<std::size_t>(fd)]);
    fds_[slot] = fds_.back();
    slot_of_[static_cast<std::size_t>(fds_[slot].fd)] = static_cast<int>(slot);
    fds_.pop_back();
    slot_of_[static_cast<std::size_t>(fd)] = -1;
  }

  std::error_code wait(std::vector<PollEvent>& events, int timeout_ms) override {
    events.clear();
    const int n = ::poll(fds_.data(), fds_.size(), timeout_ms);
    if (n < 0) return errno == EINTR ? std::error_code{} : std::error_code(errno, std::system_category());
    int found = 0;
    for (const pollfd& p : fds_) {
      if (found == n) break;
      if (p.revents == 0) continue;
      ++found;
      unsigned ready = 0;
      if (p.revents & (POLLIN | POLLERR | POLLHUP | POLLNVAL)) ready |= kReadable;
      if (p.revents & (POLLOUT | POLLERR | POLLHUP | POLLNVAL)) ready |= kWritable;
      if (p.revents & (POLLERR | POLLHUP | POLLNVAL)) ready |= kHangup;
      events.push_back({p.fd, ready});
    }
    return {};
  }

  std::string_view name() const noexcept override { return "poll"; }

 private:
  std::vector<pollfd> fds_;
  std::vector<int> slot_of_;  // fd -> index in fds_, -1 if not watched
};

}  // namespace

std::unique_ptr<Poller> make_poll_poller(std::error_code&) { return std::make_unique<PollPoller>(); }

}  // namespace chat
