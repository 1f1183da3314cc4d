#include "cluster/cluster_event.h"

#include <array>
#include <charconv>

#include "classic/messages.h"

namespace chat {

namespace {

constexpr std::string_view kMagic1 = "chat1 ";
constexpr std::string_view kMagic2 = "chat2 ";
constexpr std::size_t kFields1 = 8;
constexpr std::size_t kFields2 = 12;

// Appends `n` in decimal, without a temporary string.
void put_number(std::string& out, std::uint64_t n) {
  char digits[20];
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  out.append(digits, end);
}

void put(std::string& out, std::string_view field) {
  put_number(out, field.size());
  out += ':';
  out += field;
}

// A number as a field: "LEN:DIGITS".
void put(std::string& out, std::uint64_t n) {
  char digits[20];
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  put(out, std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

// Reads "LEN:BYTES" from the front of `in`.
std::optional<std::string_view> take(std::string_view& in) {
  const auto colon = in.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 9) return std::nullopt;
  std::size_t size = 0;
  const auto [end, ec] = std::from_chars(in.data(), in.data() + colon, size);
  if (ec != std::errc{} || end != in.data() + colon) return std::nullopt;
  in.remove_prefix(colon + 1);
  if (size > in.size()) return std::nullopt;
  const std::string_view field = in.substr(0, size);
  in.remove_prefix(size);
  return field;
}

template <class Number>
bool number(std::string_view text, Number& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc{} && end == text.data() + text.size();
}

bool known_kind(char k) {
  switch (static_cast<ClusterEvent::Kind>(k)) {
    case ClusterEvent::Kind::enter:
    case ClusterEvent::Kind::leave:
    case ClusterEvent::Kind::nick:
    case ClusterEvent::Kind::move:
    case ClusterEvent::Kind::line:
    case ClusterEvent::Kind::direct:
    case ClusterEvent::Kind::reset:
    case ClusterEvent::Kind::rule:
    case ClusterEvent::Kind::account:
    case ClusterEvent::Kind::kick:
      return true;
  }
  return false;
}

// What was said, by name on the wire (stable whatever Event::Kind's order).
std::string_view said_name(Event::Kind said) {
  switch (said) {
    case Event::Kind::action: return "action";
    case Event::Kind::entered: return "entered";
    default: return "text";
  }
}
std::optional<Event::Kind> said_kind(std::string_view name) {
  if (name == "text") return Event::Kind::text;
  if (name == "action") return Event::Kind::action;
  if (name == "entered") return Event::Kind::entered;
  return std::nullopt;
}

// ---- version 1: the classic protocol's lines

// The lines a version 1 node expects for `e`.
std::pair<std::string, std::string> classic_lines(const ClusterEvent& e) {
  using Kind = ClusterEvent::Kind;
  switch (e.kind) {
    case Kind::enter: return {e.shown ? msg::entered(e.name, e.count) : std::string(), {}};
    case Kind::leave: return {e.shown ? msg::left(e.name, e.count) : std::string(), {}};
    case Kind::nick: return {msg::renamed_other(e.old_name, e.name), {}};
    case Kind::move: return {msg::left_for(e.name, e.room, e.count), msg::joined(e.name, e.room, e.count2)};
    case Kind::line:
      if (e.said == Event::Kind::entered) return {msg::entered(e.name, e.count), {}};
      if (e.said == Event::Kind::action) return {msg::action(e.name, e.text), {}};
      return {msg::text(e.name, e.text), {}};
    case Kind::direct: return {msg::private_to_recipient(e.name, e.text), {}};
    case Kind::reset: return {};
    case Kind::rule:     // version 1 nodes know no moderation,
    case Kind::account:  // no accounts,
    case Kind::kick:     // no kicks
      return {};
  }
  return {};
}

// "... (N users online)\n" / "(N user here)": N.
std::optional<std::uint64_t> count_in(std::string_view line) {
  const auto open = line.rfind('(');
  if (open == std::string_view::npos) return std::nullopt;
  std::string_view rest = line.substr(open + 1);
  const auto space = rest.find(' ');
  std::uint64_t n = 0;
  if (space == std::string_view::npos || !number(rest.substr(0, space), n)) return std::nullopt;
  return n;
}

// Reads a version 1 event's lines back into its structured fields.
bool read_classic_lines(ClusterEvent& e, std::string_view line, std::string_view line2) {
  using Kind = ClusterEvent::Kind;
  const auto strip = [](std::string_view& l) {
    if (l.empty() || l.back() != '\n') return false;
    l.remove_suffix(1);
    return true;
  };
  switch (e.kind) {
    case Kind::enter:
    case Kind::leave: {
      e.shown = !line.empty();
      if (!e.shown) return true;
      const auto n = count_in(line);
      if (!n || !strip(line)) return false;
      e.count = *n;
      return true;
    }
    case Kind::nick: {
      constexpr std::string_view kIs = " is now known as ";
      const auto at = line.find(kIs);
      if (!strip(line) || !line.starts_with("> ") || at == std::string_view::npos) return false;
      e.old_name = std::string(line.substr(2, at - 2));
      return true;
    }
    case Kind::move: {
      const auto n = count_in(line), n2 = count_in(line2);
      if (!n || !n2 || !strip(line) || !strip(line2)) return false;
      e.count = *n;
      e.count2 = *n2;
      return true;
    }
    case Kind::line:
    case Kind::direct: {
      if (!strip(line)) return false;
      if (e.kind == Kind::line && line.starts_with("> New user ")) {
        const auto n = count_in(line);
        const auto end = line.find(" entered (");
        if (!n || end == std::string_view::npos) return false;
        e.said = Event::Kind::entered;
        e.name = std::string(line.substr(11, end - 11));
        e.count = *n;
        return true;
      }
      if (e.kind == Kind::line && line.starts_with("* ")) {
        const auto space = line.find(' ', 2);
        if (space == std::string_view::npos) return false;
        e.said = Event::Kind::action;
        e.name = std::string(line.substr(2, space - 2));
        e.text = std::string(line.substr(space + 1));
        return true;
      }
      const std::string_view close = e.kind == Kind::direct ? " -> you] " : "] ";
      const auto end = line.find(close);
      if (!line.starts_with("[") || end == std::string_view::npos) return false;
      e.said = Event::Kind::text;
      e.name = std::string(line.substr(1, end - 1));
      e.text = std::string(line.substr(end + close.size()));
      return true;
    }
    case Kind::reset:
      return true;
    case Kind::rule:
    case Kind::account:
    case Kind::kick:
      return false;
  }
  return false;
}

}  // namespace

std::string encode(const ClusterEvent& e, int version) {
  std::string out;
  out.reserve(kMagic2.size() + 2 + 12 * 3 + 40 + e.from.size() + e.node.size() + e.name.size() + e.room.size() +
              e.old_room.size() + e.old_name.size() + e.text.size());
  out += version == 1 ? kMagic1 : kMagic2;
  out += static_cast<char>(e.kind);
  out += ' ';
  put(out, e.from);
  put(out, e.node);
  put(out, e.user);
  put(out, e.name);
  put(out, e.room);
  put(out, e.old_room);
  if (version == 1) {
    const auto [line, line2] = classic_lines(e);
    put(out, line);
    put(out, line2);
    return out;
  }
  put(out, e.old_name);
  put(out, e.text);
  put(out, said_name(e.said));
  put(out, e.count);
  put(out, e.count2);
  put(out, e.shown ? "1" : "0");
  return out;
}

std::optional<std::string_view> cluster_event_sender(std::string_view in) {
  if (!in.starts_with(kMagic1) && !in.starts_with(kMagic2)) return std::nullopt;
  in.remove_prefix(kMagic2.size());
  if (in.size() < 2 || in[1] != ' ') return std::nullopt;
  in.remove_prefix(2);
  return take(in);
}

std::optional<ClusterEvent> decode_cluster_event(std::string_view in) {
  const bool v1 = in.starts_with(kMagic1);
  if ((!v1 && !in.starts_with(kMagic2)) || in.size() < kMagic2.size() + 2) return std::nullopt;
  in.remove_prefix(kMagic2.size());
  const char kind = in[0];
  if (!known_kind(kind) || in[1] != ' ') return std::nullopt;
  in.remove_prefix(2);
  std::array<std::string_view, kFields2> f;
  const std::size_t fields = v1 ? kFields1 : kFields2;
  for (std::size_t i = 0; i < fields; ++i) {
    const auto got = take(in);
    if (!got) return std::nullopt;
    f[i] = *got;
  }
  if (!in.empty() || f[0].empty() || f[1].empty()) return std::nullopt;
  ClusterEvent e;
  e.kind = static_cast<ClusterEvent::Kind>(kind);
  if (!number(f[2], e.user)) return std::nullopt;
  e.from = std::string(f[0]);
  e.node = std::string(f[1]);
  e.name = std::string(f[3]);
  e.room = std::string(f[4]);
  e.old_room = std::string(f[5]);
  if (v1) {
    if (!read_classic_lines(e, f[6], f[7])) return std::nullopt;
    return e;
  }
  e.old_name = std::string(f[6]);
  e.text = std::string(f[7]);
  const auto said = said_kind(f[8]);
  if (!said || !number(f[9], e.count) || !number(f[10], e.count2) || (f[11] != "0" && f[11] != "1")) {
    return std::nullopt;
  }
  e.said = *said;
  e.shown = f[11] == "1";
  // Text goes to users as one line: no line break may hide in it.
  if (e.text.find_first_of("\r\n") != std::string::npos || e.name.find('\n') != std::string::npos) return std::nullopt;
  return e;
}

std::string encode_presence(std::string_view name, std::string_view room) {
  std::string out(name);
  out += '\n';
  out += room;
  return out;
}

std::optional<Presence> decode_presence(std::string_view text) {
  const auto nl = text.find('\n');
  if (nl == std::string_view::npos || nl == 0 || nl + 1 == text.size()) return std::nullopt;
  if (text.find('\n', nl + 1) != std::string_view::npos) return std::nullopt;
  return Presence{std::string(text.substr(0, nl)), std::string(text.substr(nl + 1))};
}

}  // namespace chat
