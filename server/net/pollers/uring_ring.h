// One io_uring instance, owned: set up with the sizes asked for, torn down
// with the object. Setting up is where a system without io_uring says so
// (ENOSYS: no such system call; EPERM: kernel.io_uring_disabled or a
// seccomp filter), and the error says that in words (uring_category()).
#pragma once

#include <liburing.h>

#include <memory>
#include <optional>
#include <system_error>

namespace chat {

// The readiness ring: submissions beyond its size go in several calls;
// completions beyond it wait in the kernel (IORING_FEAT_NODROP) for the
// next wait(). Its pages count in the process's memory: kept small.
inline constexpr unsigned kUringPollEntries = 1024;
inline constexpr unsigned kUringPollCompletions = 4096;
// The send ring: sends go out in chunks of this many.
inline constexpr unsigned kUringSendEntries = 1024;

// Error codes of io_uring_setup, with a message that names the likely cause.
const std::error_category& uring_category() noexcept;

class UringRing {
 public:
  // A ring with room for `entries` submissions and `completions`
  // completions (0: the kernel's default, twice `entries`).
  static std::optional<UringRing> open(unsigned entries, std::error_code& error, unsigned completions = 0);

  UringRing(UringRing&&) noexcept = default;
  UringRing& operator=(UringRing&&) noexcept = default;
  ~UringRing() = default;

  [[nodiscard]] io_uring* get() const noexcept { return ring_.get(); }

 private:
  struct Exit {
    void operator()(io_uring* ring) const noexcept;
  };
  explicit UringRing(std::unique_ptr<io_uring, Exit> ring) : ring_(std::move(ring)) {}
  std::unique_ptr<io_uring, Exit> ring_;
};

}  // namespace chat
