// The IRC port's renderer: the chat's events (core/event.h) as IRC lines.
// Registered nowhere yet: the port that serves it waits for accounts and
// moderation (issue 19). docs/IRC.md has the mapping of every Event kind,
// and says which fields the core must fill for IRC that it does not yet
// fill (the room of text, /me, entered, left and nick changes; the room a
// member left in left_for; the receiver of a one-user event).
//
// A user is shown as NICK!NICK@HOST: NICK is irc/names.h nick_for(name),
// the user part repeats it (events carry no IRC user name), and HOST is
// Style::host for everyone (events carry no address: every host is
// cloaked alike).
//
// Lines said to a room are shared by every IRC receiver (one rendering per
// protocol), so they carry no tags; a one-user event (a reply, a replay)
// is rendered for its receiver with render_for, which knows its nick and
// whether it asked for server-time.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "core/event.h"
#include "core/renderer.h"

namespace chat::irc {

class IrcRenderer final : public Renderer {
 public:
  struct Style {
    std::string server = "chat.localhost";  // --server-name: the prefix of numerics and notices
    std::string host = "chat";              // every user's host
  };
  struct Receiver {
    std::string_view nick = "*";  // the receiver's IRC nick; "*" when unknown
    bool server_time = false;     // replays carry @time=
  };

  IrcRenderer() = default;
  explicit IrcRenderer(Style style) : style_(std::move(style)) {}

  // For the shared lines: the receiver is unknown ("*" in numerics).
  void render(const Event& event, std::string& out) const override { render_for(event, Receiver{}, out); }
  void render_for(const Event& event, const Receiver& receiver, std::string& out) const;

  // "NICK!NICK@HOST" of the chat user called `name`.
  [[nodiscard]] std::string source_of(std::string_view name) const;
  [[nodiscard]] const Style& style() const noexcept { return style_; }

 private:
  void said(std::string& out, std::string_view tag_time, Event::Kind kind, std::string_view name,
            std::string_view target, std::string_view text) const;
  void notice(std::string& out, const Receiver& r, std::string_view text) const;
  void names(std::string& out, const Receiver& r, std::string_view channel, const Event& e) const;
  void list(std::string& out, const Receiver& r, const Event& e) const;
  void history(std::string& out, const Receiver& r, const Event& e) const;

  Style style_;
};

}  // namespace chat::irc
