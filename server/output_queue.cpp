#include "output_queue.h"

#include "messages.h"

namespace chat {

bool OutputQueue::push(const SharedLine& line, Clock::time_point now) {
  if (bytes_ + line->size() > max_bytes_) {
    ++skipped_;
    return false;
  }
  if (lines_.empty()) progress_at_ = now;
  lines_.push_back(line);
  bytes_ += line->size();
  return true;
}

std::size_t OutputQueue::gather(std::span<iovec> iov) const {
  std::size_t used = 0;
  std::size_t offset = front_offset_;
  for (const SharedLine& line : lines_) {
    if (used == iov.size()) break;
    iov[used].iov_base = const_cast<char*>(line->data() + offset);
    iov[used].iov_len = line->size() - offset;
    ++used;
    offset = 0;
  }
  return used;
}

void OutputQueue::consume(std::size_t n, Clock::time_point now) {
  if (n > 0) progress_at_ = now;
  bytes_ -= n;
  while (n > 0) {
    const std::size_t left_in_front = lines_.front()->size() - front_offset_;
    if (n < left_in_front) {
      front_offset_ += n;
      break;
    }
    n -= left_in_front;
    front_offset_ = 0;
    lines_.pop_front();
  }
  if (skipped_ > 0 && bytes_ < max_bytes_ / 2) {
    const SharedLine notice = make_line(msg::skipped(skipped_));
    skipped_ = 0;
    push(notice, now);
  }
}

}  // namespace chat
