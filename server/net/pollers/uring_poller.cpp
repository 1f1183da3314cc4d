// Linux io_uring, readiness side: each watched fd has one one-shot
// IORING_OP_POLL_ADD in flight, armed again at the next wait() after it
// fired. A poll armed on an fd that is already ready completes at once, so
// re-arming makes it level-triggered like every other backend. The re-arms,
// interest changes and removals of one loop iteration go to the kernel in
// the same io_uring_enter that waits. (The sends are the completion side:
// uring_sender.cpp, its own ring.)
#include <liburing.h>
#include <poll.h>

#include <cerrno>
#include <ctime>

#include "net/pollers/poller.h"
#include "net/pollers/uring_ring.h"

namespace chat {

namespace {

// user_data: the fd in the low 32 bits, the fd's generation above (a poll
// of a removed fd, or of an earlier interest, completes as a stale one and
// is ignored). Removals' own completions carry kNoReport.
constexpr std::uint64_t kNoReport = ~std::uint64_t{0};

std::uint64_t tag(int fd, std::uint32_t generation) {
  return (std::uint64_t{generation} << 32) | static_cast<std::uint32_t>(fd);
}

unsigned to_poll(unsigned interest) {
  return ((interest & kReadable) ? POLLIN : 0u) | ((interest & kWritable) ? POLLOUT : 0u);
}

class UringPoller final : public Poller {
 public:
  explicit UringPoller(UringRing ring) : ring_(std::move(ring)) {}

  std::error_code add(int fd, unsigned interest) override {
    if (fd < 0) return std::make_error_code(std::errc::bad_file_descriptor);
    const auto slot = static_cast<std::size_t>(fd);
    if (slot >= fds_.size()) fds_.resize(slot + 1);
    Watch& w = fds_[slot];
    if (w.watched) return std::make_error_code(std::errc::file_exists);
    w.watched = true;
    w.interest = interest;
    ++w.generation;
    arm_later(fd, w);
    return {};
  }

  std::error_code modify(int fd, unsigned interest) override {
    Watch* w = watch(fd);
    if (w == nullptr) return std::make_error_code(std::errc::no_such_file_or_directory);
    if (w->interest == interest) return {};
    disarm(*w);
    w->interest = interest;
    arm_later(fd, *w);
    return {};
  }

  void remove(int fd) noexcept override {
    Watch* w = watch(fd);
    if (w == nullptr) return;
    disarm(*w);
    w->watched = false;
    w->interest = kNone;
  }

  std::error_code wait(std::vector<PollEvent>& events, int timeout_ms) override {
    events.clear();
    // Cancels first: a reused fd number's new poll must not be cancelled
    // by its predecessor's removal (the generations differ anyway).
    for (const std::uint64_t old : cancels_) {
      io_uring_sqe* sqe = sqe_or_submit();
      if (sqe == nullptr) return std::make_error_code(std::errc::resource_unavailable_try_again);
      io_uring_prep_poll_remove(sqe, old);
      io_uring_sqe_set_data64(sqe, kNoReport);
    }
    cancels_.clear();
    for (const int fd : to_arm_) {
      Watch& w = fds_[static_cast<std::size_t>(fd)];
      w.queued = false;
      if (!w.watched || w.armed || w.interest == kNone) continue;
      io_uring_sqe* sqe = sqe_or_submit();
      if (sqe == nullptr) return std::make_error_code(std::errc::resource_unavailable_try_again);
      io_uring_prep_poll_add(sqe, fd, to_poll(w.interest));
      io_uring_sqe_set_data64(sqe, tag(fd, w.generation));
      w.armed = true;
    }
    to_arm_.clear();

    __kernel_timespec ts{};
    __kernel_timespec* limit = nullptr;
    if (timeout_ms >= 0) {
      ts.tv_sec = timeout_ms / 1000;
      ts.tv_nsec = static_cast<long long>(timeout_ms % 1000) * 1'000'000;
      limit = &ts;
    }
    io_uring_cqe* first = nullptr;
    const int r = io_uring_submit_and_wait_timeout(ring_.get(), &first, 1, limit, nullptr);
    if (r < 0 && r != -ETIME && r != -EINTR) return {-r, std::system_category()};

    unsigned head = 0;
    unsigned seen = 0;
    io_uring_cqe* cqe = nullptr;
    io_uring_for_each_cqe(ring_.get(), head, cqe) {
      ++seen;
      collect(*cqe, events);
    }
    io_uring_cq_advance(ring_.get(), seen);
    return {};
  }

  std::string_view name() const noexcept override { return "uring"; }

 private:
  struct Watch {
    unsigned interest = kNone;
    std::uint32_t generation = 0;
    bool watched = false;
    bool armed = false;   // a poll is in the kernel
    bool queued = false;  // in to_arm_
  };

  Watch* watch(int fd) {
    const auto slot = static_cast<std::size_t>(fd);
    return fd >= 0 && slot < fds_.size() && fds_[slot].watched ? &fds_[slot] : nullptr;
  }

  void arm_later(int fd, Watch& w) {
    if (w.queued || w.interest == kNone) return;
    w.queued = true;
    to_arm_.push_back(fd);
  }

  // The poll in flight (if any) is cancelled at the next wait(); whatever
  // it still reports carries the old generation and is dropped.
  void disarm(Watch& w) {
    if (w.armed) cancels_.push_back(tag(static_cast<int>(&w - fds_.data()), w.generation));
    w.armed = false;
    ++w.generation;
  }

  io_uring_sqe* sqe_or_submit() {
    io_uring_sqe* sqe = io_uring_get_sqe(ring_.get());
    if (sqe != nullptr) return sqe;
    io_uring_submit(ring_.get());  // the queue is full: hand it over, then go on
    return io_uring_get_sqe(ring_.get());
  }

  void collect(const io_uring_cqe& cqe, std::vector<PollEvent>& events) {
    const std::uint64_t data = cqe.user_data;
    if (data == kNoReport) return;
    const int fd = static_cast<int>(data & 0xffffffffu);
    Watch* w = watch(fd);
    if (w == nullptr || w->generation != static_cast<std::uint32_t>(data >> 32)) return;  // stale
    w->armed = false;
    arm_later(fd, *w);  // level-triggered: asked again next time
    if (cqe.res < 0) {
      if (cqe.res == -ECANCELED) return;
      // The poll itself failed: say so the portable way, as an error the
      // reactor finds by reading or writing.
      events.push_back({fd, kReadable | kWritable | kHangup});
      return;
    }
    const auto e = static_cast<unsigned>(cqe.res);
    unsigned ready = 0;
    if (e & (POLLIN | POLLERR | POLLHUP)) ready |= kReadable;
    if (e & (POLLOUT | POLLERR | POLLHUP)) ready |= kWritable;
    if (e & (POLLERR | POLLHUP)) ready |= kHangup;
    if (ready != 0) events.push_back({fd, ready});
  }

  UringRing ring_;
  std::vector<Watch> fds_;  // indexed by fd
  std::vector<int> to_arm_;
  std::vector<std::uint64_t> cancels_;
};

}  // namespace

std::unique_ptr<Poller> make_uring_poller(std::error_code& error) {
  auto ring = UringRing::open(kUringPollEntries, error, kUringPollCompletions);
  if (!ring) return nullptr;
  return std::make_unique<UringPoller>(std::move(*ring));
}

}  // namespace chat
