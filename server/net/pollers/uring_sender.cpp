// Linux io_uring, completion side: one IORING_OP_SENDMSG per entry of a
// SendBatch, all submitted with one io_uring_enter that also waits for
// them. MSG_DONTWAIT makes each send complete inline, during that call: a
// full socket completes with -EAGAIN (the reactor then waits for
// writability as on every engine) instead of being parked in the kernel
// with pointers into lines the reactor may free. So nothing is in flight
// once send() returns, and a partial send resumes, next time, where the
// queue says it stopped.
#include <liburing.h>
#include <sys/socket.h>

#include <cerrno>
#include <vector>

#include "net/pollers/sender.h"
#include "net/pollers/uring_ring.h"

namespace chat {

namespace {

class UringSender final : public Sender {
 public:
  explicit UringSender(UringRing ring) : ring_(std::move(ring)) {}

  std::error_code send(SendBatch& batch) override {
    msgs_.assign(batch.size(), msghdr{});
    io_uring* ring = ring_.get();
    std::size_t next = 0;
    while (next < batch.size()) {
      // One chunk: as many sends as the submission queue holds.
      unsigned queued = 0;
      for (; next < batch.size(); ++next, ++queued) {
        io_uring_sqe* sqe = io_uring_get_sqe(ring);
        if (sqe == nullptr) break;
        const std::span<iovec> iov = batch.iovecs(next);
        msghdr& m = msgs_[next];
        m.msg_iov = iov.data();
        m.msg_iovlen = iov.size();
        io_uring_prep_sendmsg(sqe, batch.entry(next).fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
        io_uring_sqe_set_data64(sqe, next);
      }
      unsigned reaped = 0;
      while (reaped < queued) {
        const int r = io_uring_submit_and_wait(ring, 1);
        if (r < 0 && r != -EINTR && r != -EAGAIN && r != -EBUSY) return {-r, std::system_category()};
        unsigned head = 0;
        unsigned seen = 0;
        io_uring_cqe* cqe = nullptr;
        io_uring_for_each_cqe(ring, head, cqe) {
          ++seen;
          batch.set_result(static_cast<std::size_t>(cqe->user_data), cqe->res);
        }
        io_uring_cq_advance(ring, seen);
        reaped += seen;
      }
    }
    return {};
  }

 private:
  UringRing ring_;
  std::vector<msghdr> msgs_;  // one per entry, alive until its send completed
};

}  // namespace

std::unique_ptr<Sender> make_uring_sender(std::error_code& error) {
  auto ring = UringRing::open(kUringSendEntries, error);
  if (!ring) return nullptr;
  return std::make_unique<UringSender>(std::move(*ring));
}

}  // namespace chat
