// The reactor's view of an I/O multiplexer: five calls, one file per backend
// (epoll_poller.cpp, kqueue_poller.cpp, poll_poller.cpp, select_poller.cpp,
// uring_poller.cpp), chosen at run time with --engine so they can be
// compared on equal terms. An engine may also have a completion side, a
// Sender (sender.h: io_uring's batched sends): readiness tells the reactor
// what to read and which full sockets to wait for, the Sender writes.
//
// Mechanism quirks stay inside the backends: errors and hang-ups are folded
// into "readable and writable", so the reactor discovers them the portable
// way, from read() or write(). Backends that can tell also set kHangup when
// the peer is gone in both directions (a reset, or both sides closed), so
// the reactor can stop queueing output for it before it gets to its turn.
// Backends are level-triggered.
#pragma once

#include <memory>
#include <span>
#include <string_view>
#include <system_error>
#include <vector>

namespace chat {

class Sender;

enum Interest : unsigned {
  kNone = 0,
  kReadable = 1u << 0,
  kWritable = 1u << 1,
  kHangup = 1u << 2,  // reported only, never asked for
  kFailed = 1u << 3,  // reported only: an earlier modify() of this fd failed
};

struct PollEvent {
  int fd;
  unsigned ready;  // Interest bits
  std::error_code error{};  // with kFailed: why
};

class Poller {
 public:
  virtual ~Poller() = default;

  // Starts watching `fd` for `interest`. Fails if the backend cannot take
  // this fd (select: fd >= FD_SETSIZE), leaving nothing registered.
  virtual std::error_code add(int fd, unsigned interest) = 0;
  // Changes the interest of a watched fd. A backend that batches changes
  // into the next wait() (kqueue) reports a change it could not apply there,
  // as kFailed, instead of here.
  virtual std::error_code modify(int fd, unsigned interest) = 0;
  // Stops watching `fd`; call before closing it.
  virtual void remove(int fd) noexcept = 0;
  // Waits up to `timeout_ms` (-1: no limit) and replaces `events` with the
  // ready fds. Interrupted by a signal: returns success with no events.
  virtual std::error_code wait(std::vector<PollEvent>& events, int timeout_ms) = 0;

  [[nodiscard]] virtual std::string_view name() const noexcept = 0;
};

struct Engine {
  std::string_view name;
  std::unique_ptr<Poller> (*create)(std::error_code& error);
  // The completion side, for an engine that has one (uring).
  std::unique_ptr<Sender> (*create_sender)(std::error_code& error) = nullptr;
};

// The engines compiled in, the platform's preferred one first.
std::span<const Engine> engines();

// The engine called `name`, or nullptr.
const Engine* find_engine(std::string_view name);

// Backend constructors (defined in each backend's file).
std::unique_ptr<Poller> make_epoll_poller(std::error_code& error);
std::unique_ptr<Poller> make_kqueue_poller(std::error_code& error);
std::unique_ptr<Poller> make_poll_poller(std::error_code& error);
std::unique_ptr<Poller> make_select_poller(std::error_code& error);
std::unique_ptr<Poller> make_uring_poller(std::error_code& error);

}  // namespace chat
