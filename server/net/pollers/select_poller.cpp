// select(2): fixed-size bit sets copied in and out on every wait. An fd at
// or above FD_SETSIZE cannot be represented at all, so add() refuses it and
// the reactor turns the client away instead of corrupting memory.
#include <sys/select.h>

#include <algorithm>
#include <cerrno>

#include "net/pollers/poller.h"

namespace chat {

namespace {

class SelectPoller final : public Poller {
 public:
  SelectPoller() {
    FD_ZERO(&read_set_);
    FD_ZERO(&write_set_);
  }

  std::error_code add(int fd, unsigned interest) override {
    if (fd < 0 || fd >= FD_SETSIZE) return std::make_error_code(std::errc::too_many_files_open);
    watched_.push_back(fd);
    set(fd, interest);
    return {};
  }

  std::error_code modify(int fd, unsigned interest) override {
    set(fd, interest);
    return {};
  }

  void remove(int fd) noexcept override {
    FD_CLR(fd, &read_set_);
    FD_CLR(fd, &write_set_);
    if (const auto it = std::find(watched_.begin(), watched_.end(), fd); it != watched_.end()) {
      *it = watched_.back();
      watched_.pop_back();
    }
  }

  std::error_code wait(std::vector<PollEvent>& events, int timeout_ms) override {
    events.clear();
    fd_set readable = read_set_;
    fd_set writable = write_set_;
    int max_fd = -1;
    for (int fd : watched_) max_fd = std::max(max_fd, fd);
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    const int n = ::select(max_fd + 1, &readable, &writable, nullptr, timeout_ms < 0 ? nullptr : &tv);
    if (n < 0) return errno == EINTR ? std::error_code{} : std::error_code(errno, std::system_category());
    for (int fd : watched_) {
      unsigned ready = 0;
      if (FD_ISSET(fd, &readable)) ready |= kReadable;
      if (FD_ISSET(fd, &writable)) ready |= kWritable;
      if (ready != 0) events.push_back({fd, ready});
    }
    return {};
  }

  std::string_view name() const noexcept override { return "select"; }

 private:
  void set(int fd, unsigned interest) {
    if (interest & kReadable) FD_SET(fd, &read_set_); else FD_CLR(fd, &read_set_);
    if (interest & kWritable) FD_SET(fd, &write_set_); else FD_CLR(fd, &write_set_);
  }

  fd_set read_set_;
  fd_set write_set_;
  std::vector<int> watched_;
};

}  // namespace

std::unique_ptr<Poller> make_select_poller(std::error_code&) { return std::make_unique<SelectPoller>(); }

}  // namespace chat
