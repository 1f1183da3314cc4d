#include "net/output_queue.h"

#include <algorithm>
#include <utility>

#include "classic/classic_renderer.h"

namespace chat {

namespace {
// A queue that held a backlog this long gives the memory back once drained;
// smaller rings are kept, since a busy receiver empties its queue on every
// loop iteration.
constexpr std::size_t kKeepCapacity = 128;
}  // namespace

OutputQueue::OutputQueue(std::size_t max_bytes, const Renderer* notices)
    : max_bytes_(max_bytes), notices_(notices != nullptr ? notices : &ClassicRenderer::plain()) {}

std::size_t OutputQueue::charge_estimate(std::size_t bytes) noexcept {
  return SharedLine::footprint_for(bytes) + 2 * sizeof(SharedLine);
}

SharedLine OutputQueue::skipped_notice(std::size_t count) const {
  return SharedLine::build(
      [&](std::string& out) { notices_->render(Event{.kind = Event::Kind::skipped, .count = count}, out); });
}

bool OutputQueue::push(const SharedLine& line, Clock::time_point now, Kind kind) {
  if (kind == Kind::control && skipped_ > 0) {
    // The count of what was skipped comes before the notice, in order; the
    // last thing a reader sees before "> Server shutting down" is accurate.
    const SharedLine notice = skipped_notice(std::exchange(skipped_, 0));
    push(notice, now, Kind::control);
  }
  const std::size_t cost = charge(line);
  const std::size_t limit = max_bytes_ + (kind == Kind::control ? kControlReserve : 0);
  if (charged_ + cost > limit && kind != Kind::response) {
    ++skipped_;
    return false;
  }
  charged_ += cost;
  if (count_ == 0) progress_at_ = now;
  if (count_ == ring_.size()) grow();
  ring_[(head_ + count_) & mask_] = line;
  ++count_;
  bytes_ += line->size();
  return true;
}

void OutputQueue::grow() {
  std::vector<SharedLine> bigger(ring_.empty() ? 16 : ring_.size() * 2);
  for (std::size_t i = 0; i < count_; ++i) bigger[i] = std::move(ring_[(head_ + i) & mask_]);
  ring_ = std::move(bigger);
  mask_ = ring_.size() - 1;
  head_ = 0;
}

bool OutputQueue::admit_reply(std::size_t bytes, std::size_t lines) {
  if (charged_ + lines * charge_estimate(0) + bytes <= max_bytes_) return true;
  ++skipped_;
  return false;
}

void OutputQueue::pop_front() {
  charged_ -= charge(ring_[head_]);
  ring_[head_].reset();
  head_ = (head_ + 1) & mask_;
  if (--count_ == 0 && mask_ >= kKeepCapacity) {
    ring_ = {};
    mask_ = 0;
    head_ = 0;
  }
}

std::size_t OutputQueue::gather(std::span<iovec> iov) const {
  const std::size_t used = std::min(count_, iov.size());
  std::size_t offset = front_offset_;
  for (std::size_t i = 0; i < used; ++i) {
    const std::string& line = *ring_[(head_ + i) & mask_];
    iov[i].iov_base = const_cast<char*>(line.data() + offset);
    iov[i].iov_len = line.size() - offset;
    offset = 0;
  }
  return used;
}

std::size_t OutputQueue::copy_front(std::span<char> out) const {
  std::size_t copied = 0;
  std::size_t offset = front_offset_;
  for (std::size_t i = 0; i < count_ && copied < out.size(); ++i) {
    const std::string& line = *ring_[(head_ + i) & mask_];
    const std::size_t n = std::min(line.size() - offset, out.size() - copied);
    std::copy_n(line.data() + offset, n, out.data() + copied);
    copied += n;
    offset = 0;
  }
  return copied;
}

void OutputQueue::consume(std::size_t n, Clock::time_point now) {
  if (n > 0) progress_at_ = now;
  bytes_ -= n;
  while (n > 0) {
    const std::size_t left_in_front = ring_[head_]->size() - front_offset_;
    if (n < left_in_front) {
      front_offset_ += n;
      break;
    }
    n -= left_in_front;
    front_offset_ = 0;
    pop_front();
  }
  if (skipped_ > 0 && charged_ < max_bytes_ / 2) {
    const SharedLine notice = skipped_notice(std::exchange(skipped_, 0));
    push(notice, now, Kind::control);
  }
}

}  // namespace chat
