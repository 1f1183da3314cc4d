#include "web/websocket.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>

namespace chat::web {

namespace {
constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
}  // namespace

bool valid_close_code(std::uint16_t code) noexcept {
  if (code >= 3000 && code <= 4999) return true;
  switch (code) {
    case 1000: case 1001: case 1002: case 1003: case 1007: case 1008: case 1009: case 1010: case 1011:
      return true;
    default:
      return false;
  }
}

std::string accept_key(std::string_view key) {
  std::string input(key);
  input.append(kGuid);
  std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest.data());
  std::array<unsigned char, 4 * ((SHA_DIGEST_LENGTH + 2) / 3) + 1> encoded{};
  const int n = EVP_EncodeBlock(encoded.data(), digest.data(), static_cast<int>(digest.size()));
  return std::string(reinterpret_cast<const char*>(encoded.data()), static_cast<std::size_t>(n));
}

bool valid_key(std::string_view key) noexcept {
  // 16 bytes in base64: 22 characters and "==".
  if (key.size() != 24 || key.substr(22) != "==") return false;
  return std::all_of(key.begin(), key.begin() + 22, [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
  });
}

void append_frame(std::string& out, Opcode opcode, std::string_view payload) {
  const std::size_t n = payload.size();
  out.push_back(static_cast<char>(0x80 | static_cast<std::uint8_t>(opcode)));
  if (n < 126) {
    out.push_back(static_cast<char>(n));
  } else if (n <= 0xFFFF) {
    out.push_back(static_cast<char>(126));
    out.push_back(static_cast<char>((n >> 8) & 0xFF));
    out.push_back(static_cast<char>(n & 0xFF));
  } else {
    out.push_back(static_cast<char>(127));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((static_cast<std::uint64_t>(n) >> shift) & 0xFF));
  }
  out.append(payload);
}

void append_close(std::string& out, std::uint16_t code, std::string_view reason) {
  std::string payload;
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xFF));
  reason = reason.substr(0, 123);
  // Never cut inside a UTF-8 sequence: the reason must stay valid UTF-8.
  if (reason.size() == 123) {
    while (!reason.empty() && (static_cast<unsigned char>(reason.back()) & 0xC0) == 0x80) reason.remove_suffix(1);
    if (!reason.empty() && static_cast<unsigned char>(reason.back()) >= 0xC0) reason.remove_suffix(1);
  }
  payload.append(reason);
  append_frame(out, Opcode::close, payload);
}

}  // namespace chat::web
