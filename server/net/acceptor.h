// Taking new connections off a listening socket, for both engines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/event.h"
#include "core/renderer.h"
#include "net/admission.h"
#include "socket_address.h"
#include "unique_fd.h"

namespace chat {

struct Accepted {
  UniqueFd fd;       // TCP_NODELAY set, close-on-exec
  PeerAddress peer;  // peer.name() is what the protocol calls it
};

class Acceptor {
 public:
  // `nonblocking`: whether accepted sockets are non-blocking (the reactor)
  // or blocking (the threads engine).
  explicit Acceptor(bool nonblocking);

  // Accepts one pending connection; nullopt when none is pending or accept
  // failed. Out of file descriptors, the pending connection would keep the
  // listener readable forever (a busy loop): the spare fd is released to
  // accept it and turn it away with the server_full notice, rendered by
  // `notices` (the listener's protocol), then taken back.
  std::optional<Accepted> accept(int listener_fd, const Renderer& notices);

  // Connections turned away through the spare fd so far (--metrics).
  [[nodiscard]] std::uint64_t shed() const noexcept { return shed_; }

 private:
  int flags_;
  std::uint64_t shed_ = 0;
  UniqueFd spare_fd_;
};

// Best effort `notice` (e.g. server_full) rendered by `notices` to a client
// we will not serve, then close; logs `why` on stderr.
void refuse_client(UniqueFd client, const Renderer& notices, Event::Kind notice, std::string_view why);

// Asks `admission` about a newly accepted client; if it is turned away,
// tells it why (in `notices`' protocol) and closes it. Returns the verdict
// (admitted: the caller serves it).
Admission::Verdict admit_or_refuse(Admission& admission, Accepted& client, const Renderer& notices);

}  // namespace chat
