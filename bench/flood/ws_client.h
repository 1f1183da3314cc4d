// flood's WebSocket client side (RFC 6455), pure: the upgrade request, the
// check of the server's 101, masked client frames out and server frames in.
// No sockets; load.cpp does the I/O. flood's own code rather than chatd's
// server/web: the server decodes masked client frames and encodes unmasked
// ones, flood needs the opposite two, and a load tool that shared the
// server's codec would not notice the server getting it wrong.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace flood::ws {

enum class Opcode : std::uint8_t { continuation = 0x0, text = 0x1, binary = 0x2, close = 0x8, ping = 0x9, pong = 0xA };

using Mask = std::array<unsigned char, 4>;

// Sec-WebSocket-Accept for `key`: base64(SHA-1(key + the RFC's GUID)).
[[nodiscard]] std::string accept_key(std::string_view key);

// A Sec-WebSocket-Key: base64 of 16 bytes taken from `seed`.
[[nodiscard]] std::string make_key(std::uint64_t seed);

// "GET PATH HTTP/1.1" with Host, Upgrade, Connection, the key, version 13
// and, when `subprotocol` is not empty, Sec-WebSocket-Protocol. No Origin:
// flood is not a web page (docs/WEB.md, the origin rule).
[[nodiscard]] std::string upgrade_request(std::string_view host_port, std::string_view path, std::string_view key,
                                          std::string_view subprotocol);

// The server's answer to the upgrade, from the bytes read so far.
struct Upgrade {
  enum class Status { incomplete, accepted, refused } status = Status::incomplete;
  std::size_t head_size = 0;  // accepted: bytes up to and including the blank line; frames follow
  std::string why;            // refused: one line, e.g. "HTTP/1.1 403 Forbidden"
};
inline constexpr std::size_t kMaxResponseHead = 8192;
[[nodiscard]] Upgrade check_upgrade(std::string_view bytes, std::string_view expected_accept);

// The size of a masked client frame header for `n` payload bytes (6, 8 or 14).
[[nodiscard]] constexpr std::size_t client_header_size(std::size_t n) noexcept {
  return n < 126 ? 6 : n <= 0xFFFF ? 8 : 14;
}
// Writes a final frame's masked header for `n` payload bytes at `out`
// (client_header_size(n) bytes). The payload then goes through apply_mask.
void write_client_header(std::span<char> out, Opcode opcode, std::size_t n, const Mask& mask) noexcept;
// XORs `payload` with `mask` (the payload's first byte is at offset 0).
void apply_mask(std::span<char> payload, const Mask& mask) noexcept;
// Appends one whole masked final frame.
void append_client_frame(std::string& out, Opcode opcode, std::string_view payload, const Mask& mask);

// A server frame's header, decoded from the front of `bytes`.
struct FrameHead {
  enum class Status {
    incomplete,  // fewer bytes than the header
    ok,
    bad,         // masked, reserved bits, unknown opcode, a control frame over 125 bytes or fragmented
  } status = Status::incomplete;
  bool fin = false;
  Opcode opcode = Opcode::continuation;
  std::size_t header_size = 0;
  std::uint64_t length = 0;  // payload bytes after the header
};
[[nodiscard]] FrameHead parse_server_head(std::string_view bytes) noexcept;

// A close frame's code (1005 when it has none).
[[nodiscard]] std::uint16_t close_code(std::string_view payload) noexcept;

}  // namespace flood::ws
