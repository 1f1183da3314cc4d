#include "cluster/cluster_event.h"

#include <array>
#include <charconv>

namespace chat {

namespace {

constexpr std::string_view kMagic = "chat1 ";
constexpr std::size_t kFields = 8;

void put(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
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

bool known_kind(char k) {
  switch (static_cast<ClusterEvent::Kind>(k)) {
    case ClusterEvent::Kind::enter:
    case ClusterEvent::Kind::leave:
    case ClusterEvent::Kind::nick:
    case ClusterEvent::Kind::move:
    case ClusterEvent::Kind::line:
    case ClusterEvent::Kind::direct:
    case ClusterEvent::Kind::reset:
      return true;
  }
  return false;
}

}  // namespace

std::string encode(const ClusterEvent& e) {
  std::string out;
  out.reserve(kMagic.size() + 2 + 40 + e.from.size() + e.node.size() + e.name.size() + e.room.size() + e.old_room.size() +
              e.line.size() + e.line2.size());
  out += kMagic;
  out += static_cast<char>(e.kind);
  out += ' ';
  put(out, e.from);
  put(out, e.node);
  put(out, std::to_string(e.user));
  put(out, e.name);
  put(out, e.room);
  put(out, e.old_room);
  put(out, e.line);
  put(out, e.line2);
  return out;
}

std::optional<ClusterEvent> decode_cluster_event(std::string_view in) {
  if (!in.starts_with(kMagic) || in.size() < kMagic.size() + 2) return std::nullopt;
  in.remove_prefix(kMagic.size());
  const char kind = in[0];
  if (!known_kind(kind) || in[1] != ' ') return std::nullopt;
  in.remove_prefix(2);
  std::array<std::string_view, kFields> f;
  for (std::string_view& field : f) {
    const auto got = take(in);
    if (!got) return std::nullopt;
    field = *got;
  }
  if (!in.empty() || f[0].empty() || f[1].empty()) return std::nullopt;
  ClusterEvent e;
  e.kind = static_cast<ClusterEvent::Kind>(kind);
  const auto [end, ec] = std::from_chars(f[2].data(), f[2].data() + f[2].size(), e.user);
  if (f[2].empty() || ec != std::errc{} || end != f[2].data() + f[2].size()) return std::nullopt;
  e.from = std::string(f[0]);
  e.node = std::string(f[1]);
  e.name = std::string(f[3]);
  e.room = std::string(f[4]);
  e.old_room = std::string(f[5]);
  e.line = std::string(f[6]);
  e.line2 = std::string(f[7]);
  // Lines go to users as they are: each must be whole lines.
  if ((!e.line.empty() && e.line.back() != '\n') || (!e.line2.empty() && e.line2.back() != '\n')) return std::nullopt;
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
