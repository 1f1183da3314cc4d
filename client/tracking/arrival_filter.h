// chat --room NAME (issue 24): chatd replays the default room's history to
// every newcomer before the client's "/join #NAME" is read, so the user
// would see the default room's recent lines and then #NAME's. Until that
// join is answered ("> You are now in #..." or a "! " refusal), this
// filter hides a history replay: the user sees only the history of the room
// they end up in. Without --room it hides nothing, so nc-like use and the
// classic transcripts are unchanged. Pure: lines in, decisions out.
//
// A --room that names the default room itself is answered with the
// confirmation alone (chatd does not replay a room to someone already in
// it), so its history is not shown on connecting then.
#pragma once

#include <string_view>

namespace chat::client {

class ArrivalFilter {
 public:
  // A new connection that will send "/join" first (with --room, or after a
  // reconnect to a room): hide the default room's replay.
  void expect_join() noexcept {
    waiting_ = true;
    hiding_ = false;
  }
  // Whether to hide this (sanitized) line from the server.
  bool hide(std::string_view line) noexcept;

 private:
  bool waiting_ = false;  // the join is not answered yet
  bool hiding_ = false;   // inside a replay that arrived before it
};

}  // namespace chat::client
