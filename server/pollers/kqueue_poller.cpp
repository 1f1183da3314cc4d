// BSD/macOS kqueue: like epoll, the kernel keeps the interest set. Reads and
// writes are separate filters, so one fd can come back as two events; they
// are merged here so the reactor sees one event per fd, as with the others.
#include <sys/types.h>
#include <sys/event.h>
#include <sys/time.h>

#include <cerrno>

#include "poller.h"
#include "unique_fd.h"

namespace chat {

namespace {

class KqueuePoller final : public Poller {
 public:
  explicit KqueuePoller(UniqueFd kq) : kq_(std::move(kq)) {}

  std::error_code add(int fd, unsigned interest) override { return apply(fd, interest); }
  std::error_code modify(int fd, unsigned interest) override { return apply(fd, interest); }

  void remove(int fd) noexcept override {
    struct kevent changes[2];
    EV_SET(&changes[0], fd, EVFILT_READ, EV_DELETE, 0, 0, nullptr);
    EV_SET(&changes[1], fd, EVFILT_WRITE, EV_DELETE, 0, 0, nullptr);
    for (auto& change : changes) ::kevent(kq_.get(), &change, 1, nullptr, 0, nullptr);
  }

  std::error_code wait(std::vector<PollEvent>& events, int timeout_ms) override {
    events.clear();
    timespec ts{timeout_ms / 1000, static_cast<long>(timeout_ms % 1000) * 1000000L};
    const int n = ::kevent(kq_.get(), nullptr, 0, ready_.data(), static_cast<int>(ready_.size()),
                           timeout_ms < 0 ? nullptr : &ts);
    if (n < 0) return errno == EINTR ? std::error_code{} : std::error_code(errno, std::system_category());
    for (int i = 0; i < n; ++i) {
      const struct kevent& e = ready_[static_cast<std::size_t>(i)];
      const int fd = static_cast<int>(e.ident);
      unsigned ready = (e.filter == EVFILT_READ) ? kReadable : kWritable;
      if (e.flags & (EV_EOF | EV_ERROR)) ready = kReadable | kWritable;
      // EOF on the write filter: the peer no longer reads; with a read EOF
      // (merged below) the connection is gone both ways.
      if ((e.flags & EV_ERROR) || (e.filter == EVFILT_WRITE && (e.flags & EV_EOF))) ready |= kHangup;
      merge(events, fd, ready);
    }
    for (const PollEvent& ev : events) index_of_[static_cast<std::size_t>(ev.fd)] = -1;
    return {};
  }

  std::string_view name() const noexcept override { return "kqueue"; }

 private:
  std::error_code apply(int fd, unsigned interest) {
    struct kevent changes[2];
    EV_SET(&changes[0], fd, EVFILT_READ, EV_ADD | ((interest & kReadable) ? EV_ENABLE : EV_DISABLE), 0, 0,
           nullptr);
    EV_SET(&changes[1], fd, EVFILT_WRITE, EV_ADD | ((interest & kWritable) ? EV_ENABLE : EV_DISABLE), 0, 0,
           nullptr);
    if (::kevent(kq_.get(), changes, 2, nullptr, 0, nullptr) < 0) return {errno, std::system_category()};
    return {};
  }

  // Folds a second event for the same fd into the first one.
  void merge(std::vector<PollEvent>& events, int fd, unsigned ready) {
    const auto slot = static_cast<std::size_t>(fd);
    if (slot >= index_of_.size()) index_of_.resize(slot + 1, -1);
    if (index_of_[slot] >= 0) {
      events[static_cast<std::size_t>(index_of_[slot])].ready |= ready;
      return;
    }
    index_of_[slot] = static_cast<int>(events.size());
    events.push_back({fd, ready});
  }

  UniqueFd kq_;
  std::vector<struct kevent> ready_ = std::vector<struct kevent>(512);
  std::vector<int> index_of_;  // fd -> its entry in this batch's events, -1 if none
};

}  // namespace

std::unique_ptr<Poller> make_kqueue_poller(std::error_code& error) {
  UniqueFd kq(::kqueue());
  if (!kq) {
    error.assign(errno, std::system_category());
    return nullptr;
  }
  return std::make_unique<KqueuePoller>(std::move(kq));
}

}  // namespace chat
