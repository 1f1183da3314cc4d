// The threads engine's TLS handshakes, run one step at a time in its accept
// thread, as the reactor runs them in its loop. A connection gets its
// reader and writer threads only once its handshake is done: handshakes in
// flight are never more than one thread competing for the cores with the
// users' threads (16 connections handshaking in a loop, each on its own
// reader thread, made the users' worst round trip 202 ms; issue 18, item 2),
// and one never finished holds a socket and an SSL object, not two threads.
#pragma once

#include <poll.h>

#include <chrono>
#include <functional>
#include <span>
#include <vector>

#include "net/acceptor.h"
#include "tls_stream.h"

namespace chat {

class PendingHandshakes {
 public:
  using Clock = std::chrono::steady_clock;

  // `timeout_s`: --tls-handshake-timeout (0: none).
  explicit PendingHandshakes(unsigned timeout_s) : timeout_s_(timeout_s) {}

  // A handshake that finished (done) or did not (failed: logged already,
  // the socket is closed once the callback returns).
  using Done = std::function<void(Accepted client, tls::Stream stream)>;
  using Failed = std::function<void(const Accepted& client)>;

  // Starts the handshake of `client` (non-blocking socket, `stream` on it):
  // its first step now, which usually waits for the ClientHello.
  void add(Accepted client, tls::Stream stream, Clock::time_point now, const Done& done, const Failed& failed);

  // One pollfd per handshake in flight, in order, appended to `fds`.
  void append_pollfds(std::vector<pollfd>& fds) const;
  // The poll() timeout until the next handshake times out (-1: none).
  [[nodiscard]] int poll_timeout_ms(Clock::time_point now) const;
  // `ready`: what poll() said of the pollfds append_pollfds() gave (same
  // order). Steps the ready handshakes, ends those over the timeout.
  void step(std::span<const pollfd> ready, Clock::time_point now, const Done& done, const Failed& failed);

  [[nodiscard]] std::size_t size() const noexcept { return pending_.size(); }
  // Closes every handshake in flight (shutdown).
  void clear() noexcept { pending_.clear(); }

 private:
  struct Pending {
    Accepted client;
    tls::Stream stream;
    Clock::time_point deadline;
    tls::Status waits_for;  // want_read or want_write
  };
  // One step; true if the handshake is still in flight (then waits_for set).
  bool advance(Pending& p, const Done& done, const Failed& failed);

  unsigned timeout_s_;
  std::vector<Pending> pending_;
};

}  // namespace chat
