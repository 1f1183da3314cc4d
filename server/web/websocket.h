// WebSocket (RFC 6455) pieces that are not the frame decoder: the
// handshake's accept key, the close codes chatd uses, and the encoder of
// server frames. Server frames are never masked, so a frame's bytes are the
// same for every receiver: a line's frame is built once and shared
// (web/ws_line_renderer.h), like the line itself on the TCP port.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace chat::web {

enum class Opcode : std::uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

// The close codes chatd sends (RFC 6455 7.4.1).
namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;          // server shutting down
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t unsupported_data = 1003;    // a binary message
inline constexpr std::uint16_t invalid_payload = 1007;     // text that is not UTF-8
inline constexpr std::uint16_t policy_violation = 1008;    // idle, stalled, no pong
inline constexpr std::uint16_t message_too_big = 1009;     // over --max-line
}  // namespace close_code

// Whether a peer may send `code` in a close frame (RFC 6455 7.4).
[[nodiscard]] bool valid_close_code(std::uint16_t code) noexcept;

// Sec-WebSocket-Accept for a Sec-WebSocket-Key: base64(SHA-1(key + GUID)).
[[nodiscard]] std::string accept_key(std::string_view key);
// Whether `key` is a valid Sec-WebSocket-Key: base64 of 16 bytes.
[[nodiscard]] bool valid_key(std::string_view key) noexcept;

// Appends one unmasked final frame: header and payload.
void append_frame(std::string& out, Opcode opcode, std::string_view payload);
// Appends a close frame with `code` and a reason (cut to fit 125 bytes).
void append_close(std::string& out, std::uint16_t code, std::string_view reason = {});
// The size of a frame header for a payload of `n` bytes (2, 4 or 10).
[[nodiscard]] constexpr std::size_t frame_header_size(std::size_t n) noexcept {
  return n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
}

}  // namespace chat::web
