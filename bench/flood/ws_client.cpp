#include "ws_client.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace flood::ws {
namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

std::string base64(const unsigned char* data, std::size_t n) {
  std::string out(4 * ((n + 2) / 3), '\0');
  const int len = ::EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(static_cast<std::size_t>(len));
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_control(Opcode op) { return (static_cast<std::uint8_t>(op) & 0x8) != 0; }

bool known(std::uint8_t op) { return op <= 0x2 || (op >= 0x8 && op <= 0xA); }

}  // namespace

std::string accept_key(std::string_view key) {
  std::string joined(key);
  joined += kGuid;
  unsigned char digest[SHA_DIGEST_LENGTH];
  ::SHA1(reinterpret_cast<const unsigned char*>(joined.data()), joined.size(), digest);
  return base64(digest, sizeof digest);
}

std::string make_key(std::uint64_t seed) {
  unsigned char raw[16];
  for (std::size_t i = 0; i < sizeof raw; ++i) {
    seed ^= seed << 13;  // xorshift64: a load tool's keys need only differ
    seed ^= seed >> 7;
    seed ^= seed << 17;
    raw[i] = static_cast<unsigned char>(seed);
  }
  return base64(raw, sizeof raw);
}

std::string upgrade_request(std::string_view host_port, std::string_view path, std::string_view key,
                            std::string_view subprotocol) {
  std::string r;
  r.reserve(192);
  r.append("GET ").append(path).append(" HTTP/1.1\r\nHost: ").append(host_port);
  r.append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ").append(key);
  r.append("\r\nSec-WebSocket-Version: 13\r\n");
  if (!subprotocol.empty()) r.append("Sec-WebSocket-Protocol: ").append(subprotocol).append("\r\n");
  r.append("\r\n");
  return r;
}

Upgrade check_upgrade(std::string_view bytes, std::string_view expected_accept) {
  constexpr std::string_view kHttp = "HTTP/";
  if (bytes.substr(0, kHttp.size()) != kHttp.substr(0, std::min(bytes.size(), kHttp.size()))) {
    return {Upgrade::Status::refused, 0, "not an HTTP answer: " + std::string(bytes.substr(0, std::min<std::size_t>(
                                             bytes.find_first_of("\r\n"), 200)))};
  }
  const auto end = bytes.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (bytes.size() > kMaxResponseHead) return {Upgrade::Status::refused, 0, "an HTTP answer over 8 KiB"};
    return {};
  }
  std::string_view head = bytes.substr(0, end + 2);
  const auto eol = head.find("\r\n");
  const std::string_view status = head.substr(0, eol);
  head.remove_prefix(eol + 2);
  if (!status.starts_with("HTTP/1.1 101 ")) return {Upgrade::Status::refused, 0, std::string(status.substr(0, 200))};
  bool accepted = false, upgraded = false;
  while (!head.empty()) {
    const auto nl = head.find("\r\n");
    const std::string_view line = head.substr(0, nl);
    head.remove_prefix(nl + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view name = line.substr(0, colon), value = trim(line.substr(colon + 1));
    if (iequals(name, "Sec-WebSocket-Accept")) accepted = value == expected_accept;
    if (iequals(name, "Upgrade")) upgraded = iequals(value, "websocket");
  }
  if (!upgraded) return {Upgrade::Status::refused, 0, "101 without Upgrade: websocket"};
  if (!accepted) return {Upgrade::Status::refused, 0, "101 with a wrong or missing Sec-WebSocket-Accept"};
  return {Upgrade::Status::accepted, end + 4, {}};
}

void write_client_header(std::span<char> out, Opcode opcode, std::size_t n, const Mask& mask) noexcept {
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  o[0] = static_cast<unsigned char>(0x80 | static_cast<std::uint8_t>(opcode));
  std::size_t at = 2;
  if (n < 126) {
    o[1] = static_cast<unsigned char>(0x80 | n);
  } else if (n <= 0xFFFF) {
    o[1] = 0x80 | 126;
    o[2] = static_cast<unsigned char>(n >> 8);
    o[3] = static_cast<unsigned char>(n);
    at = 4;
  } else {
    o[1] = 0x80 | 127;
    for (int i = 0; i < 8; ++i) o[2 + i] = static_cast<unsigned char>(static_cast<std::uint64_t>(n) >> (56 - 8 * i));
    at = 10;
  }
  std::memcpy(o + at, mask.data(), mask.size());
}

void apply_mask(std::span<char> payload, const Mask& mask) noexcept {
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(payload[i] ^ mask[i & 3]);
}

void append_client_frame(std::string& out, Opcode opcode, std::string_view payload, const Mask& mask) {
  const std::size_t at = out.size(), header = client_header_size(payload.size());
  out.resize(at + header + payload.size());
  write_client_header(std::span<char>(out.data() + at, header), opcode, payload.size(), mask);
  std::memcpy(out.data() + at + header, payload.data(), payload.size());
  apply_mask(std::span<char>(out.data() + at + header, payload.size()), mask);
}

FrameHead parse_server_head(std::string_view bytes) noexcept {
  FrameHead h;
  if (bytes.size() < 2) return h;
  const auto b0 = static_cast<unsigned char>(bytes[0]), b1 = static_cast<unsigned char>(bytes[1]);
  const std::uint8_t op = b0 & 0x0F;
  if ((b0 & 0x70) != 0 || (b1 & 0x80) != 0 || !known(op)) {
    h.status = FrameHead::Status::bad;
    return h;
  }
  h.fin = (b0 & 0x80) != 0;
  h.opcode = static_cast<Opcode>(op);
  const std::uint8_t len7 = b1 & 0x7F;
  h.header_size = len7 < 126 ? 2 : len7 == 126 ? 4 : 10;
  if (bytes.size() < h.header_size) return h;
  if (len7 < 126) {
    h.length = len7;
  } else {
    for (std::size_t i = 2; i < h.header_size; ++i) h.length = (h.length << 8) | static_cast<unsigned char>(bytes[i]);
    if (h.length >> 63) {
      h.status = FrameHead::Status::bad;
      return h;
    }
  }
  if (is_control(h.opcode) && (h.length > 125 || !h.fin)) {
    h.status = FrameHead::Status::bad;
    return h;
  }
  h.status = FrameHead::Status::ok;
  return h;
}

std::uint16_t close_code(std::string_view payload) noexcept {
  if (payload.size() < 2) return 1005;
  return static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]));
}

}  // namespace flood::ws
