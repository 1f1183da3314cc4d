#include "base/log_writer.h"

#include <unistd.h>

#include <cerrno>
#include <optional>

namespace chat {

namespace {

constexpr auto kCauseWindow = std::chrono::seconds(1);
constexpr auto kCloseDrainTime = std::chrono::seconds(1);
// Lines that arrive while the writer is idle are written after at most this
// long, together with whatever follows them meanwhile: one wake-up and one
// write(2) per burst rather than per line. Waking the writer for every line
// of a busy room cost ~1.6 us of CPU per line (a futex wake and a small
// write each), half again chatd's CPU in a 50-client flood.
constexpr auto kLinger = std::chrono::milliseconds(10);
// ...unless this much is waiting: then it is written at once.
constexpr std::size_t kHighWater = 64 * 1024;

}  // namespace

struct LogWriter::State {
  State(int fd, std::size_t capacity) : fd(fd), capacity(capacity) {}

  // Appends `lines` if they fit, first noting any lines dropped before
  // them. Needs `mutex`.
  void append(std::string_view lines) {
    if (dropped > 0) {
      const std::string notice = "chatd: " + std::to_string(dropped) + " log lines dropped\n";
      if (pending.size() + notice.size() + lines.size() > capacity) {
        for (char c : lines) dropped += (c == '\n');
        return;
      }
      pending += notice;
      dropped = 0;
    } else if (pending.size() + lines.size() > capacity) {
      for (char c : lines) dropped += (c == '\n');
      return;
    }
    const bool was_idle = pending.empty() && !writing;
    const bool was_low = pending.size() < kHighWater;
    pending.append(lines);
    if (was_idle || (was_low && pending.size() >= kHighWater)) wake.notify_one();
  }

  // Summaries of causes whose second is over; returns when the next ends.
  std::optional<Clock::time_point> end_windows(Clock::time_point now) {
    std::optional<Clock::time_point> next;
    for (auto it = causes.begin(); it != causes.end();) {
      Cause& c = it->second;
      if (now < c.window_end) {
        if (!next || c.window_end < *next) next = c.window_end;
        ++it;
        continue;
      }
      if (c.suppressed == 0) {
        it = causes.erase(it);  // a quiet second: the next line is written as it comes
        continue;
      }
      append("chatd: " + it->first + ": " + std::to_string(c.suppressed) + " more in the last second\n");
      c.suppressed = 0;
      c.window_end = now + kCauseWindow;
      if (!next || c.window_end < *next) next = c.window_end;
      ++it;
    }
    return next;
  }

  struct Cause {
    Clock::time_point window_end;
    std::size_t suppressed = 0;
  };

  const int fd;
  const std::size_t capacity;
  std::mutex mutex;
  std::condition_variable wake;     // the writer: something to do
  std::condition_variable written;  // drain(): the buffer emptied
  std::string pending;
  std::size_t dropped = 0;
  bool writing = false;  // the writer holds a batch outside the lock
  bool stop = false;
  bool urgent = false;   // drain() waits: no lingering
  std::map<std::string, Cause, std::less<>> causes;
};

LogWriter::LogWriter(int fd, std::size_t capacity)
    : state_(std::make_shared<State>(fd, capacity)), thread_([s = state_] { run(s); }) {}

LogWriter::~LogWriter() {
  drain(std::chrono::duration_cast<std::chrono::milliseconds>(kCloseDrainTime));
  {
    std::lock_guard lock(state_->mutex);
    state_->stop = true;
  }
  state_->wake.notify_one();
  std::unique_lock lock(state_->mutex);
  if (state_->pending.empty() && !state_->writing) {
    lock.unlock();
    thread_.join();
  } else {
    thread_.detach();  // blocked in write(2): it owns a share of the state
  }
}

void LogWriter::write(std::string_view lines) {
  std::lock_guard lock(state_->mutex);
  state_->append(lines);
}

void LogWriter::write_limited(std::string_view cause, std::string_view line) {
  std::lock_guard lock(state_->mutex);
  const auto now = Clock::now();
  auto it = state_->causes.find(cause);
  if (it != state_->causes.end() && now < it->second.window_end) {
    if (it->second.suppressed++ == 0) state_->wake.notify_one();  // the writer times the summary
    return;
  }
  if (it == state_->causes.end()) it = state_->causes.emplace(std::string(cause), State::Cause{}).first;
  it->second.window_end = now + kCauseWindow;
  state_->append(line);
}

bool LogWriter::drain(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mutex);
  state_->urgent = true;
  state_->wake.notify_one();
  const bool done =
      state_->written.wait_for(lock, timeout, [&] { return state_->pending.empty() && !state_->writing; });
  state_->urgent = false;
  return done;
}

void LogWriter::run(const std::shared_ptr<State>& state) {
  std::string batch;
  std::unique_lock lock(state->mutex);
  while (true) {
    const std::optional<Clock::time_point> next = state->end_windows(Clock::now());
    if (state->pending.empty() && state->dropped > 0) state->append("");  // writes the notice
    if (state->pending.empty()) {
      state->written.notify_all();
      if (state->stop) return;
      if (next) {
        state->wake.wait_until(lock, *next);
      } else {
        state->wake.wait(lock);
      }
      continue;
    }
    if (state->pending.size() < kHighWater && !state->stop && !state->urgent) {
      // Let a burst gather (appends do not wake us meanwhile, see append()).
      state->wake.wait_for(lock, kLinger, [&] {
        return state->pending.size() >= kHighWater || state->stop || state->urgent;
      });
    }
    batch.swap(state->pending);
    state->writing = true;
    lock.unlock();
    std::string_view rest = batch;
    while (!rest.empty()) {
      const ssize_t n = ::write(state->fd, rest.data(), rest.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // the stream is gone (EPIPE, EBADF): nothing to do about it
      rest.remove_prefix(static_cast<std::size_t>(n));
    }
    batch.clear();
    lock.lock();
    state->writing = false;
  }
}

}  // namespace chat
