#include "net/send_batch.h"

#include <cerrno>

namespace chat {

void SendBatch::clear() noexcept {
  entries_.clear();
  used_ = 0;
}

void SendBatch::add(int fd, void* owner, const OutputQueue& queue) {
  const std::size_t first = used_;
  if (iov_.size() < first + kMaxIovecs) iov_.resize(first + kMaxIovecs);
  const std::size_t count = queue.gather(std::span(iov_).subspan(first, kMaxIovecs));
  used_ = first + count;
  std::size_t offered = 0;
  for (std::size_t i = first; i < first + count; ++i) offered += iov_[i].iov_len;
  entries_.push_back(Entry{.fd = fd, .owner = owner, .first = first, .count = count, .offered = offered});
}

SendBatch::Outcome SendBatch::apply(std::size_t i, OutputQueue& queue, OutputQueue::Clock::time_point now) const {
  const Entry& e = entries_[i];
  if (e.dropped || e.result == kNotSent) return Outcome::not_sent;
  if (e.result < 0) {
    if (e.result == -EAGAIN || e.result == -EWOULDBLOCK) return Outcome::would_block;
    if (e.result == -EINTR) return Outcome::not_sent;
    return Outcome::failed;
  }
  const auto sent = static_cast<std::size_t>(e.result);
  if (sent > 0) queue.consume(sent, now);
  return sent < e.offered ? Outcome::short_send : Outcome::sent;
}

}  // namespace chat
