#include "irc/names.h"

#include <arpa/inet.h>

#include <array>
#include <cstdint>

namespace chat::irc {

namespace {

constexpr std::size_t kNickLen = kMaxNicknameChars;
constexpr std::string_view kBase32 = "abcdefghijklmnopqrstuvwxyz234567";
constexpr std::string_view kCompactPrefix = "u6|";
constexpr std::size_t kCompactBytes = 18;  // 16 address + 2 port
constexpr std::size_t kCompactChars = (kCompactBytes * 8 + 4) / 5;  // 29

struct Address {
  std::string host;  // as printed, without brackets
  unsigned port = 0;
  bool ipv6 = false;
};

std::optional<unsigned> parse_port(std::string_view s) {
  if (s.empty() || s.size() > 5 || (s.size() > 1 && s.front() == '0')) return std::nullopt;
  unsigned v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (v > 65535) return std::nullopt;
  return v;
}

// The host in its one canonical printed form, or nullopt.
std::optional<std::string> canonical(std::string_view host, bool ipv6) {
  const std::string text(host);
  std::array<unsigned char, 16> bytes{};
  if (inet_pton(ipv6 ? AF_INET6 : AF_INET, text.c_str(), bytes.data()) != 1) return std::nullopt;
  std::array<char, INET6_ADDRSTRLEN> out{};
  if (inet_ntop(ipv6 ? AF_INET6 : AF_INET, bytes.data(), out.data(), out.size()) == nullptr) return std::nullopt;
  return std::string(out.data());
}

std::optional<Address> parse_address(std::string_view name) {
  Address a;
  std::string_view host;
  std::string_view port;
  if (name.starts_with('[')) {
    const auto close = name.find("]:");
    if (close == std::string_view::npos) return std::nullopt;
    host = name.substr(1, close - 1);
    port = name.substr(close + 2);
    a.ipv6 = true;
  } else {
    const auto colon = name.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    host = name.substr(0, colon);
    port = name.substr(colon + 1);
  }
  const auto p = parse_port(port);
  const auto c = canonical(host, a.ipv6);
  if (!p || !c || *c != host) return std::nullopt;
  a.host = std::string(host);
  a.port = *p;
  return a;
}

std::string address_name(const Address& a) {
  return a.ipv6 ? "[" + a.host + "]:" + std::to_string(a.port) : a.host + ":" + std::to_string(a.port);
}

std::string compact(const Address& a) {
  std::array<unsigned char, kCompactBytes> bytes{};
  inet_pton(AF_INET6, a.host.c_str(), bytes.data());
  bytes[16] = static_cast<unsigned char>(a.port >> 8);
  bytes[17] = static_cast<unsigned char>(a.port & 0xFF);
  std::string out(kCompactPrefix);
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kBase32[(buffer >> bits) & 31]);
    }
  }
  if (bits > 0) out.push_back(kBase32[(buffer << (5 - bits)) & 31]);
  return out;
}

std::optional<Address> from_compact(std::string_view letters) {
  if (letters.size() != kCompactChars) return std::nullopt;
  std::array<unsigned char, kCompactBytes> bytes{};
  std::size_t at = 0;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : letters) {
    const auto v = kBase32.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 5) | static_cast<unsigned>(v);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      if (at == bytes.size()) return std::nullopt;
      bytes[at++] = static_cast<unsigned char>((buffer >> bits) & 0xFF);
    }
  }
  if (at != bytes.size() || (buffer & ((1U << bits) - 1)) != 0) return std::nullopt;  // one spelling only
  std::array<char, INET6_ADDRSTRLEN> host{};
  if (inet_ntop(AF_INET6, bytes.data(), host.data(), host.size()) == nullptr) return std::nullopt;
  Address a{.host = host.data(), .port = (unsigned{bytes[16]} << 8) | bytes[17], .ipv6 = true};
  // An IPv4-mapped address is shown as IPv4 by the chat, never in this form.
  if (a.host.find('.') != std::string::npos) return std::nullopt;
  return a;
}

std::string readable(const Address& a) {
  std::string out = "u";
  for (char c : a.host) out.push_back(c == '.' || c == ':' ? '-' : c);
  out.push_back('|');
  out.append(std::to_string(a.port));
  return out;
}

}  // namespace

bool is_address_name(std::string_view name) noexcept { return name.find(':') != std::string_view::npos; }

std::string nick_for(std::string_view name) {
  if (!is_address_name(name)) return std::string(name);
  const auto a = parse_address(name);
  if (!a) {
    // Not an address chatd makes; shown with every character an IRC nick
    // may not hold as "-", after the "u|" no mapped address starts with.
    std::string out = "u|";
    for (char c : name) out.push_back(c == ':' || c == ' ' || c == ',' || c == '!' || c == '@' ? '-' : c);
    return out;
  }
  if (a->ipv6 && (a->host.find('.') != std::string::npos || readable(*a).size() > kNickLen)) return compact(*a);
  return readable(*a);
}

std::optional<std::string> address_for_nick(std::string_view nick) {
  if (nick.starts_with(kCompactPrefix)) {
    const auto a = from_compact(nick.substr(kCompactPrefix.size()));
    if (!a || readable(*a).size() <= kNickLen) return std::nullopt;  // that one has its readable form
    return address_name(*a);
  }
  if (!nick.starts_with('u')) return std::nullopt;
  const auto bar = nick.find('|');
  if (bar == std::string_view::npos) return std::nullopt;
  const std::string_view mapped = nick.substr(1, bar - 1);
  const auto port = parse_port(nick.substr(bar + 1));
  if (!port || mapped.empty()) return std::nullopt;
  // IPv4 has exactly three "-" between digits; anything else is IPv6.
  std::string v4(mapped);
  for (char& c : v4) c = c == '-' ? '.' : c;
  if (const auto c = canonical(v4, false); c && *c == v4) return v4 + ":" + std::to_string(*port);
  std::string v6(mapped);
  for (char& c : v6) c = c == '-' ? ':' : c;
  if (const auto c = canonical(v6, true); c && *c == v6 && v6.find('.') == std::string::npos) {
    if (readable(Address{v6, *port, true}).size() > kNickLen) return std::nullopt;  // shown compact instead
    return "[" + v6 + "]:" + std::to_string(*port);
  }
  return std::nullopt;
}

std::string name_for_nick(std::string_view nick) {
  if (auto address = address_for_nick(nick)) return *std::move(address);
  return std::string(nick);
}

}  // namespace chat::irc
