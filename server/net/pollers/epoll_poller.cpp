// Linux epoll: the kernel keeps the interest set, so each wait costs only
// the ready fds, however many are watched.
#include <sys/epoll.h>

#include <cerrno>

#include "net/pollers/poller.h"
#include "unique_fd.h"

namespace chat {

namespace {

std::uint32_t to_epoll(unsigned interest) {
  return ((interest & kReadable) ? EPOLLIN : 0u) | ((interest & kWritable) ? EPOLLOUT : 0u);
}

class EpollPoller final : public Poller {
 public:
  explicit EpollPoller(UniqueFd epfd) : epfd_(std::move(epfd)) {}

  std::error_code add(int fd, unsigned interest) override { return control(EPOLL_CTL_ADD, fd, interest); }
  std::error_code modify(int fd, unsigned interest) override { return control(EPOLL_CTL_MOD, fd, interest); }
  void remove(int fd) noexcept override { ::epoll_ctl(epfd_.get(), EPOLL_CTL_DEL, fd, nullptr); }

  std::error_code wait(std::vector<PollEvent>& events, int timeout_ms) override {
    events.clear();
    const int n = ::epoll_wait(epfd_.get(), ready_.data(), static_cast<int>(ready_.size()), timeout_ms);
    if (n < 0) return errno == EINTR ? std::error_code{} : std::error_code(errno, std::system_category());
    for (int i = 0; i < n; ++i) {
      const std::uint32_t e = ready_[i].events;
      unsigned ready = 0;
      if (e & (EPOLLIN | EPOLLERR | EPOLLHUP)) ready |= kReadable;
      if (e & (EPOLLOUT | EPOLLERR | EPOLLHUP)) ready |= kWritable;
      if (e & (EPOLLERR | EPOLLHUP)) ready |= kHangup;
      events.push_back({ready_[i].data.fd, ready});
    }
    // A full batch suggests more are ready: take more next time.
    if (static_cast<std::size_t>(n) == ready_.size() && ready_.size() < kMaxBatch) ready_.resize(ready_.size() * 2);
    return {};
  }

  std::string_view name() const noexcept override { return "epoll"; }

 private:
  static constexpr std::size_t kMaxBatch = 4096;

  std::error_code control(int op, int fd, unsigned interest) {
    epoll_event ev{};
    ev.events = to_epoll(interest);
    ev.data.fd = fd;
    if (::epoll_ctl(epfd_.get(), op, fd, &ev) < 0) return {errno, std::system_category()};
    return {};
  }

  UniqueFd epfd_;
  std::vector<epoll_event> ready_ = std::vector<epoll_event>(256);
};

}  // namespace

std::unique_ptr<Poller> make_epoll_poller(std::error_code& error) {
  UniqueFd epfd(::epoll_create1(EPOLL_CLOEXEC));
  if (!epfd) {
    error.assign(errno, std::system_category());
    return nullptr;
  }
  return std::make_unique<EpollPoller>(std::move(epfd));
}

}  // namespace chat
