#include "irc/irc_renderer.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <deque>
#include <string>

#include "irc/message.h"

using namespace chat;
using irc::IrcRenderer;
using Kind = Event::Kind;

namespace {

const IrcRenderer renderer(IrcRenderer::Style{.server = "srv", .host = "chat"});

std::string shared(const Event& e) {
  std::string out;
  renderer.render(e, out);
  return out;
}

std::string to(std::string_view nick, const Event& e, bool server_time = false) {
  std::string out;
  renderer.render_for(e, IrcRenderer::Receiver{.nick = nick, .server_time = server_time}, out);
  return out;
}

}  // namespace

TEST_CASE("irc renderer: text and action to a room") {
  CHECK(shared(Event{.kind = Kind::text, .name = "alice", .room = "#rust", .text = "hi"}) ==
        ":alice!alice@chat PRIVMSG #rust :hi\r\n");
  CHECK(shared(Event{.kind = Kind::text, .name = "alice", .room = "#rust", .text = "hi there"}) ==
        ":alice!alice@chat PRIVMSG #rust :hi there\r\n");
  CHECK(shared(Event{.kind = Kind::action, .name = "carol", .room = "#release", .text = "runs the checklist"}) ==
        ":carol!carol@chat PRIVMSG #release :\x01" "ACTION runs the checklist\x01\r\n");
}

TEST_CASE("irc renderer: a line user without a nickname speaks under its mapped nick") {
  CHECK(shared(Event{.kind = Kind::text, .name = "127.0.0.1:42590", .room = "#lobby", .text = "hello all"}) ==
        ":u127-0-0-1|42590!u127-0-0-1|42590@chat PRIVMSG #lobby :hello all\r\n");
}

TEST_CASE("irc renderer: a 4096-byte line becomes lines of at most 512 bytes") {
  const std::string text(4096, 'x');
  for (Kind kind : {Kind::text, Kind::action}) {
    const std::string out = shared(Event{.kind = kind, .name = "alice", .room = "#rust", .text = text});
    std::string_view rest = out;
    std::string back;
    while (!rest.empty()) {
      const auto end = rest.find("\r\n");
      CHECK(end + 2 <= irc::kMaxLineBytes);
      auto m = irc::parse_message(rest.substr(0, end));
      REQUIRE(std::holds_alternative<irc::Message>(m));
      std::string_view said = std::get<irc::Message>(m).params[1];
      if (kind == Kind::action) {
        REQUIRE(said.starts_with("\x01" "ACTION "));
        said = said.substr(8, said.size() - 9);
      }
      back.append(said);
      rest.remove_prefix(end + 2);
    }
    CHECK(back == text);
  }
}

TEST_CASE("irc renderer: presence") {
  CHECK(shared(Event{.kind = Kind::joined, .name = "bob", .room = "#release", .count = 2}) ==
        ":bob!bob@chat JOIN #release\r\n");
  CHECK(shared(Event{.kind = Kind::entered, .name = "bob", .room = "#lobby", .count = 2}) ==
        ":bob!bob@chat JOIN #lobby\r\n");
  CHECK(shared(Event{.kind = Kind::left_for, .name = "bob", .other = "#lobby", .room = "#release", .count = 1}) ==
        ":bob!bob@chat PART #lobby :left for #release\r\n");
  CHECK(shared(Event{.kind = Kind::left, .name = "bob", .count = 1}) == ":bob!bob@chat QUIT :Quit: left the chat\r\n");
  CHECK(shared(Event{.kind = Kind::renamed, .name = "bob", .other = "127.0.0.1:42590"}) ==
        ":u127-0-0-1|42590!u127-0-0-1|42590@chat NICK bob\r\n");
  CHECK(shared(Event{.kind = Kind::welcome, .count = 3}).empty());
}

TEST_CASE("irc renderer: private messages and the echo of one") {
  CHECK(to("bob", Event{.kind = Kind::private_in, .name = "alice", .text = "see you"}) ==
        ":alice!alice@chat PRIVMSG bob :see you\r\n");
  CHECK(to("alice", Event{.kind = Kind::private_out, .name = "bob", .text = "see you"}) ==
        ":alice!alice@chat PRIVMSG bob :see you\r\n");
  CHECK(to("alice", Event{.kind = Kind::renamed_self, .name = "alicia"}) == ":alice!alice@chat NICK alicia\r\n");
}

TEST_CASE("irc renderer: refusals as numerics to their receiver") {
  CHECK(to("alice", Event{.kind = Kind::nickname_in_use, .name = "bob", .other = "bob"}) ==
        ":srv 433 alice bob :Nickname is already in use\r\n");
  CHECK(to("alice", Event{.kind = Kind::no_such_user, .name = "zed"}) == ":srv 401 alice zed :No such nick/channel\r\n");
  CHECK(to("alice", Event{.kind = Kind::invalid_nickname, .name = "a b", .text = "spaces not allowed"}) ==
        ":srv 432 alice * :Erroneous nickname: spaces not allowed\r\n");
  CHECK(to("alice", Event{.kind = Kind::unknown_command, .text = "FROB"}) == ":srv 421 alice FROB :Unknown command\r\n");
  CHECK(to("alice", Event{.kind = Kind::usage, .text = "/me TEXT"}) == ":srv 461 alice ME :Not enough parameters\r\n");
  CHECK(to("alice", Event{.kind = Kind::invalid_room_name, .name = "#a b"}) == ":srv 403 alice * :No such channel\r\n");
  CHECK(to("alice", Event{.kind = Kind::line_too_long, .count = 4096}) == ":srv 417 alice :Input line was too long\r\n");
  // The shared rendering does not know its receiver.
  CHECK(shared(Event{.kind = Kind::no_such_user, .name = "zed"}) == ":srv 401 * zed :No such nick/channel\r\n");
}

TEST_CASE("irc renderer: notices and closing errors") {
  CHECK(to("alice", Event{.kind = Kind::skipped, .count = 3}) ==
        ":srv NOTICE alice :3 messages skipped (reading too slowly)\r\n");
  CHECK(to("alice", Event{.kind = Kind::slow_down, .count = 1}) == ":srv NOTICE alice :slow down: 1 message dropped\r\n");
  CHECK(to("alice", Event{.kind = Kind::idle_disconnect, .count = 300}) == "ERROR :Closing link: idle for 300 s\r\n");
  CHECK(to("alice", Event{.kind = Kind::shutting_down}) == "ERROR :Closing link: server shutting down\r\n");
  CHECK(to("alice", Event{.kind = Kind::server_full}) == "ERROR :Closing link: server full\r\n");
}

TEST_CASE("irc renderer: who as NAMES and rooms as LIST") {
  const std::string_view who[] = {"alice", "127.0.0.1:42590"};
  CHECK(to("alice", Event{.kind = Kind::who_room, .room = "#rust", .items = who}) ==
        ":srv 353 alice = #rust :alice u127-0-0-1|42590\r\n"
        ":srv 366 alice #rust :End of /NAMES list\r\n");
  const std::string_view rooms[] = {"#release (2)", "#lobby (1)"};
  CHECK(to("alice", Event{.kind = Kind::rooms, .items = rooms}) ==
        ":srv 321 alice Channel :Users  Name\r\n"
        ":srv 322 alice #release 2 :\r\n"
        ":srv 322 alice #lobby 1 :\r\n"
        ":srv 323 alice :End of /LIST\r\n");
}

TEST_CASE("irc renderer: a long NAMES list is split within 512 bytes") {
  std::vector<std::string> names;
  for (int i = 0; i < 100; ++i) names.push_back("user" + std::to_string(i) + std::string(20, 'n'));
  std::vector<std::string_view> items(names.begin(), names.end());
  const std::string out = to("alice", Event{.kind = Kind::who_room, .room = "#big", .items = items});
  std::string_view rest = out;
  std::size_t listed = 0;
  while (!rest.empty()) {
    const auto end = rest.find("\r\n");
    CHECK(end + 2 <= irc::kMaxLineBytes);
    auto m = irc::parse_message(rest.substr(0, end));
    REQUIRE(std::holds_alternative<irc::Message>(m));
    const auto& msg = std::get<irc::Message>(m);
    if (msg.command == "353") {
      std::string_view list = msg.params[3];
      listed += static_cast<std::size_t>(std::count(list.begin(), list.end(), ' ')) + 1;
    }
    rest.remove_prefix(end + 2);
  }
  CHECK(listed == 100);
}

TEST_CASE("irc renderer: history replays PRIVMSGs with their time for server-time") {
  std::deque<HistoryEntry> entries;
  entries.emplace_back(1796664001, Kind::text, "bob", "tagging 2.1 in ten minutes");
  entries.emplace_back(1796664002, Kind::action, "carol", "runs the checklist");
  const Event e{.kind = Kind::history, .room = "#release", .count = 2, .entries = &entries};
  CHECK(to("alice", e, true) ==
        "@time=2026-12-07T17:20:01.000Z :bob!bob@chat PRIVMSG #release :tagging 2.1 in ten minutes\r\n"
        "@time=2026-12-07T17:20:02.000Z :carol!carol@chat PRIVMSG #release :\x01" "ACTION runs the checklist\x01\r\n");
  CHECK(to("alice", Event{.kind = Kind::history, .room = "#release", .count = 1, .entries = &entries}) ==
        ":carol!carol@chat PRIVMSG #release :\x01" "ACTION runs the checklist\x01\r\n");
}

TEST_CASE("irc renderer: every event kind renders whole lines that parse and fit 512 bytes") {
  std::deque<HistoryEntry> entries;
  entries.emplace_back(1796664001, Kind::text, "127.0.0.1:42590", std::string(3000, 'x'));
  const std::string_view items[] = {"a", "[::1]:42590"};
  for (int k = 0; k <= static_cast<int>(Kind::nick_lost); ++k) {
    const Event e{.kind = static_cast<Kind>(k), .name = "n", .other = "o", .room = "#r", .text = "t", .count = 1,
                  .items = items, .entries = &entries};
    const std::string out = to("alice", e, true);
    INFO(k);
    CHECK((out.empty() || out.ends_with("\r\n")));
    // Each line parses as a server's message, its body within 512 bytes.
    std::string_view rest = out;
    while (!rest.empty()) {
      const auto end = rest.find("\r\n");
      const std::string_view line = rest.substr(0, end);
      rest.remove_prefix(end + 2);
      INFO(line);
      auto m = irc::parse_message(line, irc::From::server);
      REQUIRE(std::holds_alternative<irc::Message>(m));
      const std::string_view body = line.starts_with('@') ? line.substr(line.find(' ') + 1) : line;
      CHECK(body.size() + 2 <= irc::kMaxLineBytes);
    }
  }
}
