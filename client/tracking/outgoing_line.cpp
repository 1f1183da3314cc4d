#include "tracking/outgoing_line.h"

#include <charconv>
#include <vector>

#include "command.h"
#include "utf8.h"

namespace chat::client {

namespace {

// The smallest room for text worth splitting into; below it a line goes
// as typed and the server answers for it.
constexpr std::size_t kMinPiece = 16;

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// `text` cut into pieces of at most `budget` bytes: at the last space that
// leaves the piece at least half full, else at a UTF-8 character boundary.
// The spaces at a cut are dropped.
std::vector<std::string_view> split_text(std::string_view text, std::size_t budget) {
  std::vector<std::string_view> pieces;
  while (text.size() > budget) {
    std::size_t cut = text.rfind(' ', budget);
    if (cut == std::string_view::npos || cut < budget / 2) {
      cut = budget;
      while (cut > 0 && is_continuation(text[cut])) --cut;
    }
    const std::string_view piece = text.substr(0, cut);
    if (piece.find_first_not_of(" \t") != std::string_view::npos) pieces.push_back(piece);
    text.remove_prefix(cut);
    const auto rest = text.find_first_not_of(" \t");
    text.remove_prefix(rest == std::string_view::npos ? text.size() : rest);
  }
  if (!text.empty()) pieces.push_back(text);
  return pieces;
}

void add_line(std::string& out, std::string_view line) {
  out += line;
  out += '\n';
}

}  // namespace

OutgoingLine translate_outgoing(std::string_view line, const OutgoingContext& context) {
  // The same parser the server uses, so the local line matches what the
  // server will do with the bytes.
  const Command command = parse_command(line);
  if (command.kind == Command::Kind::empty) return {};

  OutgoingLine out;
  const bool fits = line.size() <= context.max_line;
  const auto print = [&out](const std::string& shown) {
    if (!out.to_print.empty()) out.to_print += '\n';
    out.to_print += shown;
  };
  // Sends `text` after `prefix`, split to fit; `shown` makes each piece's
  // local line (or nothing).
  const auto send_split = [&](std::string_view prefix, std::string_view text, auto shown) {
    // One byte spare: a text piece starting with '/' needs a second one.
    const std::size_t budget = context.max_line > prefix.size() + 1 ? context.max_line - prefix.size() - 1 : 0;
    if (fits || budget < kMinPiece) {
      add_line(out.to_send, line);
      shown(text);
      return;
    }
    for (const std::string_view piece : split_text(text, budget)) {
      std::string wire(prefix);
      if (prefix.empty() && piece.starts_with('/')) wire += '/';
      wire += piece;
      add_line(out.to_send, wire);
      shown(piece);
    }
  };
  const std::string me = context.own_name ? sanitize_text(*context.own_name) : std::string("You");

  switch (command.kind) {
    case Command::Kind::text:
      send_split("", command.arg, [&](std::string_view t) { print("[You] " + sanitize_text(t)); });
      break;
    case Command::Kind::msg:
      if (command.arg.empty() || command.text.empty()) {
        add_line(out.to_send, line);
      } else {
        send_split("/msg " + std::string(command.arg) + " ", command.text, [](std::string_view) {});
      }
      break;
    case Command::Kind::me:
      if (command.arg.empty()) {
        add_line(out.to_send, line);
      } else {
        send_split("/me ", command.arg, [&](std::string_view t) { print("* " + me + " " + sanitize_text(t)); });
      }
      break;
    case Command::Kind::quit:
      out.quits = true;
      add_line(out.to_send, line);
      break;
    case Command::Kind::empty:
    case Command::Kind::nick:
    case Command::Kind::who:
    case Command::Kind::help:
    case Command::Kind::join:
    case Command::Kind::rooms:
    case Command::Kind::unknown:
    case Command::Kind::register_account:
    case Command::Kind::login:
    case Command::Kind::logout:
    case Command::Kind::password:
    case Command::Kind::part:
    case Command::Kind::whois:
    case Command::Kind::history:
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
    case Command::Kind::enter:   // the IRC port's: parse_command never makes these
    case Command::Kind::leave:
    case Command::Kind::notice:
      add_line(out.to_send, line);
      break;
  }
  return out;
}

std::optional<std::size_t> refused_line_limit(std::string_view server_line) {
  constexpr std::string_view kStart = "! line too long (max ";
  constexpr std::string_view kEnd = " bytes)";
  if (!server_line.starts_with(kStart) || !server_line.ends_with(kEnd)) return std::nullopt;
  const std::string_view digits =
      server_line.substr(kStart.size(), server_line.size() - kStart.size() - kEnd.size());
  std::size_t n = 0;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc{} || ptr != digits.data() + digits.size() || n == 0) return std::nullopt;
  return n;
}

}  // namespace chat::client
