#include "classic/classic_renderer.h"

#include "classic/messages.h"

#include <ctime>

namespace chat {

namespace {

void append_said(std::string& out, Event::Kind kind, std::string_view name, std::string_view text) {
  out.reserve(out.size() + name.size() + text.size() + 4);
  out.append(kind == Event::Kind::action ? "* " : "[");
  out.append(name);
  out.append(kind == Event::Kind::action ? " " : "] ");
  out.append(text);
  out.push_back('\n');
}

void append_list(std::string& out, const std::string& header, const Event& e, std::size_t max_line) {
  for (const std::string& line : msg::list_lines(header, e.items, max_line)) out.append(line);
}

}  // namespace

const ClassicRenderer& ClassicRenderer::plain() {
  static const ClassicRenderer renderer;
  return renderer;
}

void ClassicRenderer::render(const Event& e, std::string& out) const {
  using Kind = Event::Kind;
  switch (e.kind) {
    case Kind::text:
    case Kind::action:
    case Kind::notice:  // IRC's NOTICE: a text line here
      append_said(out, e.kind, e.name, e.text);
      return;
    case Kind::welcome: out.append(msg::welcome(e.count)); return;
    case Kind::entered: out.append(msg::entered(e.name, e.count)); return;
    case Kind::left: out.append(msg::left(e.name, e.count)); return;
    case Kind::renamed: out.append(msg::renamed_other(e.other, e.name)); return;
    case Kind::joined: out.append(msg::joined(e.name, e.room, e.count)); return;
    case Kind::left_for: out.append(msg::left_for(e.name, e.room, e.count)); return;
    case Kind::parted: out.append(msg::parted(e.name, e.room, e.count)); return;
    case Kind::not_on_room: out.append(msg::not_on_room(e.room)); return;
    case Kind::renamed_self: out.append(msg::renamed_self(e.name)); return;
    case Kind::private_in: out.append(msg::private_to_recipient(e.name, e.text)); return;
    case Kind::private_out: out.append(msg::private_to_sender(e.name, e.text)); return;
    case Kind::now_in: out.append(msg::now_in(e.room, e.count)); return;
    case Kind::history: {
      // The newest `count` entries (the replay budget's choice).
      out.append(msg::history_begin(e.count));
      const std::int64_t now = style_.clock != nullptr ? style_.clock() : static_cast<std::int64_t>(std::time(nullptr));
      for (auto it = e.entries->end() - static_cast<std::ptrdiff_t>(e.count); it != e.entries->end(); ++it) {
        msg::append_stamp(out, it->time(), now, style_.local_time);
        append_said(out, it->kind(), it->name(), it->text());
      }
      out.append(msg::history_end());
      return;
    }
    case Kind::who_all: append_list(out, msg::online_header(e.items.size()), e, style_.max_line); return;
    case Kind::who_room: append_list(out, msg::room_header(e.room, e.items.size()), e, style_.max_line); return;
    case Kind::rooms: append_list(out, msg::rooms_header(e.items.size()), e, style_.max_line); return;
    case Kind::help: out.append(msg::help(e.count != 0)); return;
    case Kind::usage: out.append(msg::usage(e.text)); return;
    case Kind::unknown_command: out.append(msg::unknown_command(e.text)); return;
    case Kind::invalid_nickname: out.append(msg::invalid_nickname(e.name, e.text)); return;
    case Kind::nickname_in_use: out.append(msg::nickname_in_use(e.name, e.other)); return;
    case Kind::no_such_user: out.append(msg::no_such_user(e.name)); return;
    case Kind::invalid_room_name: out.append(msg::invalid_room_name(e.name)); return;
    case Kind::too_many_rooms: out.append(msg::too_many_rooms()); return;
    case Kind::line_too_long: out.append(msg::line_too_long(e.count)); return;
    case Kind::skipped: out.append(msg::skipped(e.count)); return;
    case Kind::slow_down: out.append(msg::slow_down(e.count)); return;
    case Kind::idle_disconnect: out.append(msg::idle_disconnect(static_cast<unsigned>(e.count))); return;
    case Kind::server_full: out.append(msg::server_full()); return;
    case Kind::too_many_from_address: out.append(msg::too_many_from_address()); return;
    case Kind::shutting_down: out.append(msg::shutting_down()); return;
    case Kind::cluster_link_lost: out.append(msg::cluster_link_lost()); return;
    case Kind::cluster_link_restored: out.append(msg::cluster_link_restored()); return;
    case Kind::cluster_behind: out.append(msg::cluster_behind()); return;
    case Kind::nick_pending: out.append(msg::nick_pending()); return;
    case Kind::nick_needs_link: out.append(msg::nick_needs_link()); return;
    case Kind::nick_claim_failed: out.append(msg::nick_claim_failed()); return;
    case Kind::nick_lost: out.append(msg::nick_lost(e.name, e.other)); return;
    case Kind::accounts_need_store: out.append(msg::accounts_need_store()); return;
    case Kind::nickname_first: out.append(msg::nickname_first()); return;
    case Kind::already_registered: out.append(msg::already_registered(e.name)); return;
    case Kind::password_too_short: out.append(msg::password_too_short(e.count)); return;
    case Kind::registered: out.append(msg::registered(e.name)); return;
    case Kind::logged_in: out.append(msg::logged_in(e.name)); return;
    case Kind::nickname_reclaimed: out.append(msg::nickname_reclaimed(e.name, e.other)); return;
    case Kind::logged_in_elsewhere: out.append(msg::logged_in_elsewhere()); return;
    case Kind::login_failed: out.append(msg::login_failed()); return;
    case Kind::too_many_failed_logins: out.append(msg::too_many_failed_logins(e.count)); return;
    case Kind::logged_out: out.append(msg::logged_out()); return;
    case Kind::not_logged_in: out.append(msg::not_logged_in()); return;
    case Kind::password_changed: out.append(msg::password_changed()); return;
    case Kind::wrong_password: out.append(msg::wrong_password()); return;
    case Kind::nickname_registered: out.append(msg::nickname_registered(e.name, e.other)); return;
    case Kind::server_busy: out.append(msg::server_busy()); return;
    case Kind::passwords_need_tls: out.append(msg::passwords_need_tls(e.count)); return;
    case Kind::account_log: out.append(msg::account_log(e.name, e.text, e.other)); return;
    case Kind::no_older_history: out.append(msg::no_older_history(e.room)); return;
    case Kind::entered_as: out.append(msg::entered_as(e.name, e.other, e.count)); return;
    case Kind::guest_address: out.append(msg::guest_address(e.name, e.other)); return;
    case Kind::whois:
      out.append(e.other.empty() ? msg::whois(e.name, e.room, e.time, e.count, style_.local_time, e.text)
                                 : msg::whois_remote(e.name, e.room, e.other));
      return;
    case Kind::op_granted: out.append(msg::op_granted(e.name, e.other, e.room)); return;
    case Kind::op_removed: out.append(msg::op_removed(e.name, e.other, e.room)); return;
    case Kind::topic_set: out.append(msg::topic_set(e.name, e.text)); return;
    case Kind::topic_is: out.append(msg::topic_is(e.text, e.name)); return;
    case Kind::no_topic: out.append(msg::no_topic()); return;
    case Kind::kicked: out.append(msg::kicked(e.name, e.other, e.text)); return;
    case Kind::kicked_you: out.append(msg::kicked_you(e.room, e.other, e.text)); return;
    case Kind::banned:
      out.append(msg::banned(e.name, e.other, e.room, static_cast<std::int64_t>(e.count), e.text));
      return;
    case Kind::unbanned: out.append(msg::unbanned(e.name, e.other, e.room)); return;
    case Kind::bans: append_list(out, msg::bans_header(e.room, e.items.size()), e, style_.max_line); return;
    case Kind::no_bans: out.append(msg::no_bans(e.room)); return;
    case Kind::banned_from_room: out.append(msg::banned_from_room(e.room)); return;
    case Kind::banned_from_server: out.append(msg::banned_from_server()); return;
    case Kind::muted: out.append(msg::muted(e.name, e.other, e.room, static_cast<std::int64_t>(e.count))); return;
    case Kind::unmuted: out.append(msg::unmuted(e.name, e.other, e.room)); return;
    case Kind::muted_you: out.append(msg::muted_you(e.room)); return;
    case Kind::invite_only_on: out.append(msg::invite_only_on(e.name, e.room)); return;
    case Kind::invite_only_off: out.append(msg::invite_only_off(e.name, e.room)); return;
    case Kind::invited_you: out.append(msg::invited_you(e.name, e.room)); return;
    case Kind::invited: out.append(msg::invited(e.other, e.room)); return;
    case Kind::invite_made: out.append(msg::invite_made(e.name, e.other, e.room)); return;
    case Kind::invite_only: out.append(msg::invite_only(e.room)); return;
    case Kind::not_operator: out.append(msg::not_operator(e.room)); return;
    case Kind::not_registered: out.append(msg::not_registered(e.name)); return;
    case Kind::not_in_room: out.append(msg::not_in_room(e.name, e.room)); return;
    case Kind::not_banned: out.append(msg::not_banned(e.name, e.room)); return;
    case Kind::not_muted: out.append(msg::not_muted(e.name, e.room)); return;
    case Kind::not_an_operator: out.append(msg::not_an_operator(e.name, e.room)); return;
    case Kind::cannot_moderate: out.append(msg::cannot_moderate(e.name, e.room)); return;
    case Kind::room_owned: out.append(msg::room_owned(e.name, e.room)); return;
  }
}

std::optional<HistoryEntry> ClassicRenderer::parse_history(std::int64_t time, std::string_view line) const {
  if (line.empty() || line.back() != '\n') return std::nullopt;
  line.remove_suffix(1);
  if (line.starts_with("* ")) {  // "* NAME TEXT"
    const auto name_end = line.find(' ', 2);
    if (name_end == std::string_view::npos || name_end == 2) return std::nullopt;
    return HistoryEntry(time, Event::Kind::action, line.substr(2, name_end - 2), line.substr(name_end + 1));
  }
  if (line.starts_with("[")) {  // "[NAME] TEXT"
    const auto name_end = line.find("] ");
    if (name_end == std::string_view::npos || name_end == 1) return std::nullopt;
    return HistoryEntry(time, Event::Kind::text, line.substr(1, name_end - 1), line.substr(name_end + 2));
  }
  return std::nullopt;
}

}  // namespace chat
