#include "net/pollers/uring_ring.h"

#include <cerrno>
#include <cstring>
#include <string>

namespace chat {

namespace {

class UringCategory final : public std::error_category {
 public:
  const char* name() const noexcept override { return "io_uring"; }
  std::string message(int ev) const override {
    std::string text = "io_uring is unavailable: ";
    text += std::strerror(ev);
    if (ev == EPERM || ev == ENOSYS) text += " (kernel.io_uring_disabled, a seccomp filter or a kernel without io_uring)";
    return text;
  }
};

}  // namespace

const std::error_category& uring_category() noexcept {
  static const UringCategory category;
  return category;
}

void UringRing::Exit::operator()(io_uring* ring) const noexcept {
  io_uring_queue_exit(ring);
  std::default_delete<io_uring>{}(ring);
}

std::optional<UringRing> UringRing::open(unsigned entries, std::error_code& error, unsigned completions) {
  auto ring = std::make_unique<io_uring>();
  io_uring_params params{};
  if (completions != 0) {
    params.flags |= IORING_SETUP_CQSIZE;
    params.cq_entries = completions;
  }
  if (const int r = io_uring_queue_init_params(entries, ring.get(), &params); r < 0) {
    error.assign(-r, uring_category());
    return std::nullopt;
  }
  return UringRing(std::unique_ptr<io_uring, Exit>(ring.release()));
}

}  // namespace chat
