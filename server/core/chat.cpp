#include "core/chat.h"

#include <ctime>
#include <utility>

#include "command.h"
#include "nickname.h"
#include "room_name.h"
#include "utf8.h"

namespace chat {

namespace {
std::int64_t system_now() { return static_cast<std::int64_t>(std::time(nullptr)); }
}  // namespace

Chat::Chat(ServerLog& log, const Renderers& renderers, RoomConfig config)
    : log_(log),
      renderers_(renderers),
      config_(std::move(config)),
      channels_(is_valid_room_name(config_.default_room) ? config_.default_room : "#lobby", config_.history),
      moderation_(channels_.lobby().name) {
  if (!is_valid_room_name(config_.default_room)) config_.default_room = "#lobby";
}

std::int64_t Chat::now() const { return config_.clock != nullptr ? config_.clock() : system_now(); }

void Chat::restore_history(std::string_view room, std::int64_t time, std::string_view line) {
  if (config_.history == 0 || !is_valid_room_name(room)) return;
  std::optional<HistoryEntry> entry = renderers_[kCanonicalProtocol].parse_history(time, line);
  if (!entry) return;
  // More stored rooms than --max-rooms: the most recently active stay.
  if (channels_.find(room) == nullptr && channels_.size() >= config_.max_rooms && !channels_.evict_idlest()) return;
  channels_.remember(channels_.get(room), std::move(*entry));
}

Chat::MemberId Chat::join(Member& member, std::string address_name, bool announce, bool multi) {
  if (multi) [[unlikely]] return join_multi(member, std::move(address_name));
  Channel& lobby = channels_.lobby();
  const std::int64_t since = now();
  std::string peer = address_name;
  const MemberId id = directory_.add(
      Seat{&member, std::move(address_name), &lobby, announce, 0, {}, {}, false, {}, since, since, 0, 0, std::move(peer), false, {}});
  lobby.members.push_back(id);

  tell(id, Event{.kind = Event::Kind::welcome, .count = online()});
  if (!moderation_.empty()) [[unlikely]] send_topic(id, lobby);
  send_history(id);
  if (config_.guest_names) name_guest(id);  // logs its own line
  Seat& seat = directory_[id];
  seat.address = seat.name;  // the name it goes back to (guest-N with --guest-names)
  const Event entered{.kind = Event::Kind::entered, .name = seat.name, .room = lobby.name, .count = online()};
  Rendering rendering(renderers_, entered);
  if (seat.guest == 0) log_event(rendering);
  if (announce) broadcast(lobby, rendering, id);
  if (bus_ != nullptr) {
    directory_.set_serial(id, next_serial_++);
    ClusterEvent e = presence(ClusterEvent::Kind::enter, seat);
    e.count = online();
    e.shown = announce;
    publish(std::move(e));
  }
  return id;
}

// A member that may be in several rooms (the IRC port) starts in none:
// welcomed, logged, and heard of by nobody until it enters a room.
Chat::MemberId Chat::join_multi(Member& member, std::string address_name) {
  const std::int64_t since = now();
  std::string peer = address_name;
  Seat seat{&member, std::move(address_name), nullptr, true, 0, {}, {}, false, {}, since, since, 0, 0, std::move(peer), false, {}};
  seat.multi = true;
  const MemberId id = directory_.add(std::move(seat));
  tell(id, Event{.kind = Event::Kind::welcome, .count = online()});
  Seat& s = directory_[id];
  s.address = s.name;
  const Event entered{.kind = Event::Kind::entered, .name = s.name, .count = online()};
  Rendering rendering(renderers_, entered);
  log_event(rendering);
  if (bus_ != nullptr) {
    directory_.set_serial(id, next_serial_++);
    ClusterEvent e = presence(ClusterEvent::Kind::enter, s);
    e.count = online();
    e.shown = false;
    publish(std::move(e));
  }
  return id;
}

// A member that joined in a storm speaks: now the others hear it entered.
void Chat::announce(MemberId id) {
  Seat& seat = directory_[id];
  seat.announced = true;
  const Event entered{.kind = Event::Kind::entered,
                      .name = seat.name,
                      .room = seat.channel != nullptr ? std::string_view(seat.channel->name) : std::string_view(),
                      .count = online()};
  Rendering rendering(renderers_, entered);
  broadcast_seat(seat, rendering, id);
  if (bus_ != nullptr) {
    ClusterEvent e = presence(ClusterEvent::Kind::line, seat);
    e.said = Event::Kind::entered;
    e.count = online();
    publish(std::move(e));
  }
}

void Chat::leave(MemberId id) {
  if (directory_[id].guest != 0) release_guest(directory_[id]);
  const auto [seat, held_key] = directory_.remove(id);
  if (hasher_ != nullptr) leave_accounts(seat, id);

  const Event left{.kind = Event::Kind::left, .name = seat.name, .text = seat.quit_reason, .count = online()};
  Rendering rendering(renderers_, left);
  log_event(rendering);
  if (seat.announced) broadcast_seat(seat, rendering, id);
  if (bus_ != nullptr) {
    if (!held_key.empty()) bus_->release_nickname(seat.serial, held_key);
    ClusterEvent e = presence(ClusterEvent::Kind::leave, seat);
    e.count = online();
    e.shown = seat.announced;
    publish(std::move(e));
  }
  leave_rooms(seat, id);
}

Chat::Outcome Chat::handle(MemberId id, const Command& cmd) {
  if (!directory_[id].announced) announce(id);  // its first line: now others should know it
  // A member in several rooms names the room it acts in.
  if (!cmd.room.empty()) [[unlikely]] {
    if (!focus(id, cmd.room)) return Outcome::stay;
  }
  switch (cmd.kind) {
    case Command::Kind::empty:
      break;
    case Command::Kind::text:
      // The hot path: the text is sanitized once into a reused buffer, and
      // rendered once per protocol for every receiver.
      scratch_.clear();
      append_sanitized(scratch_, cmd.arg);
      truncate_utf8(scratch_, max_text());
      if (has_visible_text(scratch_)) say(id, Event::Kind::text, scratch_);
      break;
    case Command::Kind::me:
      scratch_.clear();
      append_sanitized(scratch_, cmd.arg);
      truncate_utf8(scratch_, max_text());
      if (!has_visible_text(scratch_)) {
        refuse(id, Event::Kind::usage, {}, "/me TEXT");
        break;
      }
      say(id, Event::Kind::action, scratch_);
      break;
    case Command::Kind::nick:
      rename(id, cmd.arg);
      if (directory_[id].claiming) return Outcome::wait;  // Redis decides; on_claim() resumes
      break;
    case Command::Kind::who:
      send_who(id, cmd.arg);
      break;
    case Command::Kind::msg:
      send_private(id, cmd.arg, cmd.text);
      break;
    case Command::Kind::join:
      join_room(id, cmd.arg);
      break;
    case Command::Kind::rooms:
      send_rooms(id);
      break;
    case Command::Kind::help:
      tell(id, Event{.kind = Event::Kind::help, .count = hasher_ != nullptr ? 1u : 0u});  // count: accounts on
      break;
    case Command::Kind::quit:
      return Outcome::quit;
    case Command::Kind::register_account:
      if (register_account(id, cmd.arg)) return Outcome::wait;  // on_password() resumes
      break;
    case Command::Kind::login:
      if (login(id, cmd.arg, cmd.text)) return Outcome::wait;
      break;
    case Command::Kind::logout:
      logout(id);
      break;
    case Command::Kind::password:
      if (change_password(id, cmd.arg, cmd.text)) return Outcome::wait;
      break;
    case Command::Kind::unknown:
      refuse(id, Event::Kind::unknown_command, {}, clean(cmd.arg));
      break;
    case Command::Kind::part:
      move(id, config_.default_room);
      break;
    case Command::Kind::whois:
      send_whois(id, cmd.arg);
      break;
    case Command::Kind::history:
      send_older(id, cmd.arg);
      break;
    case Command::Kind::op:
    case Command::Kind::deop:
    case Command::Kind::topic:
    case Command::Kind::kick:
    case Command::Kind::ban:
    case Command::Kind::unban:
    case Command::Kind::bans:
    case Command::Kind::mute:
    case Command::Kind::unmute:
    case Command::Kind::privacy:
    case Command::Kind::invite:
      moderate(id, cmd);
      break;
    case Command::Kind::enter:
      enter(id, cmd.arg);
      break;
    case Command::Kind::notice:
      scratch_.clear();
      append_sanitized(scratch_, cmd.arg);
      truncate_utf8(scratch_, max_text());
      if (has_visible_text(scratch_)) say(id, Event::Kind::notice, scratch_);
      break;
    case Command::Kind::leave:
      part(id, cmd.arg, cmd.text);
      break;
  }
  return Outcome::stay;
}

// Text and /me: to the sender's room, and into its history if anyone heard
// it. Without --store a line said to an empty room is heard by nobody,
// later arrivals included, as in the classic server (the seed transcripts);
// with --store every line is kept, a note left for the morning included
// (docs/PROTOCOL.md "History" has the rule).
void Chat::say(MemberId id, Event::Kind kind, std::string_view text) {
  Seat& seat = directory_[id];
  seat.spoke_at = now();
  if (seat.channel == nullptr) [[unlikely]] return;  // a member in no room (IRC) says nothing to anyone
  Channel& ch = *seat.channel;
  if (!moderation_.empty()) [[unlikely]] {
    if (moderation_.muted(ch.name, seat.account, host_of(seat), now()) != nullptr) {
      tell(id, Event{.kind = Event::Kind::muted_you, .room = ch.name});
      return;
    }
  }
  const Event said{.kind = kind, .name = seat.name, .room = ch.name, .text = text};
  Rendering rendering(renderers_, said);
  log_.message(*rendering.canonical(), channels_.is_lobby(ch) ? std::string_view() : std::string_view(ch.name));
  if (here(ch) < 2) {  // nobody else hears it
    if (sink_ != nullptr) remember(ch, kind, seat.name, text, rendering);
    return;
  }
  if (bus_ != nullptr) {
    ClusterEvent e;
    e.kind = ClusterEvent::Kind::line;
    e.name = seat.name;
    e.room = ch.name;
    e.text = std::string(text);
    e.said = kind;
    publish_said(id, std::move(e));
  }
  broadcast(ch, rendering, id);
  remember(ch, kind, seat.name, text, rendering);
}

void Chat::remember(Channel& ch, Event::Kind kind, std::string_view name, std::string_view text,
                    Rendering& rendering) {
  if (config_.history == 0) return;
  const std::int64_t time = now();
  const SharedLine& canonical = rendering.canonical();
  channels_.remember(ch, HistoryEntry(time, kind, name, text, canonical));
  if (sink_ != nullptr) sink_->append(ch.name, time, canonical, ch.kept_total);
}

// A replay is the newest lines that fit config_.replay_bytes (the newest
// one at least), its size estimated before rendering like a list reply's:
// the header and end lines, and per line its name, text and what a
// protocol puts around them (a time, brackets, the line ending).
void Chat::send_history(MemberId id) {
  const Channel& ch = *directory_[id].channel;
  directory_[id].shown_from = ch.kept_total + 1;  // /history starts below what is replayed here
  if (ch.history.empty()) return;
  constexpr std::size_t kFrame = 64, kPerLine = 16;
  std::size_t bytes = kFrame;
  std::size_t count = 0;
  for (auto it = ch.history.rbegin(); it != ch.history.rend(); ++it) {
    const std::size_t line = kPerLine + it->name().size() + it->text().size();
    if (count > 0 && bytes + line > config_.replay_bytes) break;
    bytes += line;
    ++count;
  }
  if (!directory_[id].member->accepts_replay(bytes, count + 2)) return;
  directory_[id].shown_from = ch.kept_total + 1 - count;
  // One buffer for the whole replay: it reaches one member only.
  tell(id, Event{.kind = Event::Kind::history, .room = ch.name, .count = count, .entries = &ch.history});
}

// The hot loop: one reference-count increment and one queue push per
// receiver. Receivers of one protocol usually follow each other, so the
// line is looked up again only when the protocol changes.
void Chat::broadcast(const Channel& ch, Rendering& rendering, MemberId except) {
  if (renderers_.size() == 1) {  // one protocol: one line for everyone
    const SharedLine& line = rendering.canonical();
    for (const MemberId m : ch.members) {
      if (m != except) directory_[m].member->deliver(line);
    }
    return;
  }
  ProtocolId protocol = kCanonicalProtocol;
  const SharedLine* line = &rendering.line(protocol);
  for (const MemberId m : ch.members) {
    if (m == except) continue;
    Member& member = *directory_[m].member;
    if (member.protocol() != protocol) [[unlikely]] {
      protocol = member.protocol();
      line = &rendering.line(protocol);
    }
    member.deliver(*line);
  }
}

std::string Chat::clean(std::string_view in) const {
  std::string out = sanitize_text(in);
  truncate_utf8(out, max_text());
  return out;
}

void Chat::tell(MemberId id, const Event& event) {
  directory_[id].member->receive(renderers_, event);
}

void Chat::tell_everyone(const Event& event) {
  Rendering rendering(renderers_, event);
  for (const MemberId m : directory_.local()) {
    Member& member = *directory_[m].member;
    member.deliver(rendering.line(member.protocol()));
  }
}

void Chat::refuse(MemberId id, Event::Kind kind, std::string_view name, std::string_view text,
                  std::string_view other) {
  tell(id, Event{.kind = kind, .name = name, .other = other, .text = text});
}

std::size_t Chat::here(const Channel& ch) const {
  return ch.members.size() + (bus_ != nullptr ? directory_.remote_in(ch.name) : 0);
}

}  // namespace chat
