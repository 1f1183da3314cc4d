// BSD/macOS kqueue (and libkqueue on Linux): like epoll, the kernel keeps
// the interest set. Reads and writes are separate filters, so one fd can
// come back as two events; they are merged here so the reactor sees one
// event per fd, as with the others.
//
// Following kqueue(2) (FreeBSD, macOS):
// - add() registers both filters at once, each with EV_ADD, and disables the
//   unwanted one with a separate EV_DISABLE change (not EV_ADD|EV_DISABLE,
//   which libkqueue arms before disabling). Every change carries EV_RECEIPT,
//   so each one reports its own result; if any failed, whatever did get
//   registered is deleted again and add() fails, leaving nothing behind.
// - modify() never re-adds: it queues bare EV_ENABLE/EV_DISABLE changes for
//   the filters whose interest changed, and the next wait() hands them to
//   kevent() with its eventlist, so interest changes cost no syscall of
//   their own. A change the kernel refuses comes back in that eventlist with
//   EV_ERROR and its errno in `data`; wait() reports the fd as kFailed with
//   that error, and the reactor drops the connection, as it did when
//   modify() failed. The eventlist always has room for every queued change,
//   so kevent() never has to fail the whole call for want of room.
// - remove() forgets the fd's queued changes (they must not reach a later
//   fd with the same number) and deletes both filters at once. Closing the
//   fd would remove them on the real systems; libkqueue keeps them, and the
//   Poller contract is "stops watching", closed or not.
// - EV_EOF on EVFILT_READ means the peer sent its last byte: data may still
//   be waiting, so it is just "readable" unless fflags holds a socket error.
//   EV_EOF on EVFILT_WRITE means nothing can be sent any more. A socket
//   error or an EOF on the write side is a hang-up.
// docs/ENGINES.md lists where libkqueue differs from the real systems.
#include <sys/types.h>
#include <sys/event.h>
#include <sys/time.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <span>

#include "net/pollers/poller.h"
#include "unique_fd.h"

namespace chat {

namespace {

// An errno for kevent()'s -1 or EV_ERROR: libkqueue sometimes fails a change
// without setting one.
std::error_code kevent_error(long code) {
  return {code != 0 ? static_cast<int>(code) : EIO, std::system_category()};
}

class KqueuePoller final : public Poller {
 public:
  explicit KqueuePoller(UniqueFd kq) : kq_(std::move(kq)) {}

  std::error_code add(int fd, unsigned interest) override {
    if (fd < 0) return std::make_error_code(std::errc::bad_file_descriptor);
    if (registered(fd)) return std::make_error_code(std::errc::file_exists);
    std::array<struct kevent, 4> changes{};
    std::size_t n = 0;
    for (const auto [filter, bit] : kFilters) {
      EV_SET(&changes[n++], fd, filter, EV_ADD | EV_RECEIPT, 0, 0, nullptr);
      if (!(interest & bit)) EV_SET(&changes[n++], fd, filter, EV_DISABLE | EV_RECEIPT, 0, 0, nullptr);
    }
    if (const auto ec = apply_now(std::span(changes.data(), n))) {
      delete_filters(fd);  // whichever of them did get registered
      return ec;
    }
    watch_state(fd) = kRegistered | (interest & (kReadable | kWritable));
    return {};
  }

  std::error_code modify(int fd, unsigned interest) override {
    if (!registered(fd)) return std::make_error_code(std::errc::no_such_file_or_directory);
    std::uint8_t& state = watch_state(fd);
    for (const auto [filter, bit] : kFilters) {
      const bool want = (interest & bit) != 0;
      if (want == ((state & bit) != 0)) continue;
      struct kevent change{};
      EV_SET(&change, fd, filter, want ? EV_ENABLE : EV_DISABLE, 0, 0, nullptr);
      pending_.push_back(change);
    }
    state = static_cast<std::uint8_t>(kRegistered | (interest & (kReadable | kWritable)));
    return {};
  }

  void remove(int fd) noexcept override {
    if (!registered(fd)) return;
    std::erase_if(pending_, [fd](const struct kevent& c) { return c.ident == static_cast<uintptr_t>(fd); });
    delete_filters(fd);
    watch_state(fd) = 0;
  }

  std::error_code wait(std::vector<PollEvent>& events, int timeout_ms) override {
    events.clear();
    // Room for an EV_ERROR entry per queued change, and for events besides.
    if (ready_.size() < pending_.size() + kMinBatch) ready_.resize(pending_.size() + kMinBatch);
    timespec ts{timeout_ms / 1000, static_cast<long>(timeout_ms % 1000) * 1000000L};
    errno = 0;
    const int n = ::kevent(kq_.get(), pending_.data(), static_cast<int>(pending_.size()), ready_.data(),
                           static_cast<int>(ready_.size()), timeout_ms < 0 ? nullptr : &ts);
    // The changes are applied before kevent() waits, so also when a signal
    // interrupts the wait.
    pending_.clear();
    if (n < 0) return errno == EINTR ? std::error_code{} : kevent_error(errno);
    for (int i = 0; i < n; ++i) {
      const struct kevent& e = ready_[static_cast<std::size_t>(i)];
      const int fd = static_cast<int>(e.ident);
      if (e.flags & EV_ERROR) {
        // A queued change was refused (no EV_RECEIPT on those, so every
        // EV_ERROR entry here is a failure).
        merge(events, fd, kFailed, kevent_error(static_cast<long>(e.data)));
        continue;
      }
      unsigned ready = (e.filter == EVFILT_READ) ? kReadable : kWritable;
      const bool socket_error = (e.flags & EV_EOF) && e.fflags != 0;
      const bool cannot_send = e.filter == EVFILT_WRITE && (e.flags & EV_EOF);
      if (socket_error || cannot_send) ready = kReadable | kWritable | kHangup;
      merge(events, fd, ready, {});
    }
    for (const PollEvent& ev : events) index_of_[static_cast<std::size_t>(ev.fd)] = -1;
    // A full batch suggests more are ready: take more next time.
    if (static_cast<std::size_t>(n) == ready_.size() && ready_.size() < kMaxBatch) ready_.resize(ready_.size() * 2);
    return {};
  }

  std::string_view name() const noexcept override { return "kqueue"; }

 private:
  struct Filter {
    short filter;
    unsigned bit;
  };
  static constexpr std::array<Filter, 2> kFilters{{{EVFILT_READ, kReadable}, {EVFILT_WRITE, kWritable}}};
  static constexpr std::uint8_t kRegistered = 1u << 7;  // beside the enabled kReadable/kWritable bits
  static constexpr std::size_t kMinBatch = 512;
  static constexpr std::size_t kMaxBatch = 4096;

  bool registered(int fd) const {
    const auto slot = static_cast<std::size_t>(fd);
    return fd >= 0 && slot < state_.size() && (state_[slot] & kRegistered);
  }

  std::uint8_t& watch_state(int fd) {
    const auto slot = static_cast<std::size_t>(fd);
    if (slot >= state_.size()) state_.resize(slot + 1, 0);
    return state_[slot];
  }

  // Applies `changes` (each with EV_RECEIPT) now; the first error, if any.
  // The eventlist holds exactly one receipt per change, so no pending event
  // is taken off the queue here.
  std::error_code apply_now(std::span<struct kevent> changes) {
    std::array<struct kevent, 4> receipts{};
    const timespec no_wait{0, 0};
    errno = 0;
    const int n = ::kevent(kq_.get(), changes.data(), static_cast<int>(changes.size()), receipts.data(),
                           static_cast<int>(changes.size()), &no_wait);
    if (n < 0) return kevent_error(errno);
    for (int i = 0; i < n; ++i) {
      const struct kevent& r = receipts[static_cast<std::size_t>(i)];
      if ((r.flags & EV_ERROR) && r.data != 0) return kevent_error(static_cast<long>(r.data));
    }
    if (static_cast<std::size_t>(n) < changes.size()) return kevent_error(0);  // a receipt went missing
    return {};
  }

  // Deletes both filters, whichever exist (EV_RECEIPT: one missing filter
  // must not stop the other's deletion).
  void delete_filters(int fd) noexcept {
    std::array<struct kevent, 2> changes{};
    std::size_t n = 0;
    for (const auto [filter, bit] : kFilters) EV_SET(&changes[n++], fd, filter, EV_DELETE | EV_RECEIPT, 0, 0, nullptr);
    (void)apply_now(changes);
  }

  // Folds a second event for the same fd into the first one.
  void merge(std::vector<PollEvent>& events, int fd, unsigned ready, std::error_code error) {
    const auto slot = static_cast<std::size_t>(fd);
    if (slot >= index_of_.size()) index_of_.resize(slot + 1, -1);
    if (index_of_[slot] >= 0) {
      PollEvent& event = events[static_cast<std::size_t>(index_of_[slot])];
      event.ready |= ready;
      if (error) event.error = error;
      return;
    }
    index_of_[slot] = static_cast<int>(events.size());
    events.push_back({fd, ready, error});
  }

  UniqueFd kq_;
  std::vector<struct kevent> pending_;  // interest changes for the next wait()
  std::vector<struct kevent> ready_ = std::vector<struct kevent>(kMinBatch);
  std::vector<std::uint8_t> state_;  // fd -> kRegistered | enabled kReadable/kWritable
  std::vector<int> index_of_;        // fd -> its entry in this batch's events, -1 if none
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
