// What the chat needs from a connection: somewhere to put lines, and the
// protocol they must be rendered in.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/shared_line.h"
#include "core/renderer.h"

namespace chat {

// A member of the chat, as the chat numbers them: small ids, reused.
using MemberId = std::uint32_t;

// Why the chat dropped a member (Member::drop): what the server counts the
// disconnect as (--metrics' chatd_disconnects_total).
enum class DropReason : std::uint8_t {
  kicked,    // /kick out of the default room
  banned,    // a server-wide ban: an admin's /ban in the default room, or at /login
  replaced,  // its account logged in on another connection
};

// What a user told its protocol about itself (IRC's USER and AWAY): empty
// for a line user.
struct UserInfo {
  std::string_view user;
  std::string_view real_name;
  std::string_view away;  // empty: here
};

class Member {
 public:
  explicit Member(ProtocolId protocol = kCanonicalProtocol) noexcept : protocol_(protocol) {}

  // Queues a line rendered in protocol(); must not call back into the chat.
  virtual void deliver(const SharedLine& line) = 0;
  // An event for this member alone (a reply, a notice, a replay): rendered
  // in its protocol and delivered. A protocol whose replies name their
  // receiver (IRC's numerics) or depend on what it asked for (IRC's
  // server-time) renders it itself. Must not call back into the chat.
  virtual void receive(const Renderers& renderers, const Event& event) { deliver(renderers.render(protocol_, event)); }
  [[nodiscard]] virtual UserInfo user_info() const { return {}; }
  // Whether a reply of `lines` lines, `bytes` in total, built for this
  // member alone would be queued now. If not, the chat does not build it;
  // the member counts it as one skipped message.
  virtual bool accepts_reply(std::size_t /*bytes*/, std::size_t /*lines*/) { return true; }
  // The same for a replay of history (`bytes` in `lines` lines), which the
  // member also pays for: a connection counts it against its rate limit by
  // size, and refuses it while it has not taken what it was sent before.
  // Refused, it counts as one skipped message.
  virtual bool accepts_replay(std::size_t /*bytes*/, std::size_t /*lines*/) { return true; }
  // The line that returned Outcome::wait has been answered: hand the chat
  // this member's next lines again. May be called from a Bus callback.
  virtual void resume() {}
  // Whether what this member sends cannot be read on the way: over TLS, or
  // from this machine (loopback). Passwords from any other member are
  // refused (docs/SECURITY.md, "Accounts").
  [[nodiscard]] virtual bool confidential() const { return true; }
  // The chat has already removed this member (Chat::leave() was called for
  // it: the caller must not call it again). Sends what is queued for it,
  // then closes.
  virtual void drop(DropReason /*why*/) {}

  [[nodiscard]] ProtocolId protocol() const noexcept { return protocol_; }

 protected:
  ~Member() = default;
  Member(const Member&) = default;
  Member& operator=(const Member&) = default;

 private:
  ProtocolId protocol_;
};

}  // namespace chat
