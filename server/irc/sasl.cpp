#include "irc/sasl.h"

namespace chat::irc {

namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int value_of(char c) noexcept {
  const auto at = kAlphabet.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

}  // namespace

std::optional<std::string> decode_base64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t at = 0; at < text.size(); at += 4) {
    const bool last = at + 4 == text.size();
    int v[4];
    int pad = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text[at + static_cast<std::size_t>(i)];
      if (c == '=' && last && i >= 2) {
        v[i] = 0;
        ++pad;
        continue;
      }
      if (pad > 0) return std::nullopt;  // data after "="
      v[i] = value_of(c);
      if (v[i] < 0) return std::nullopt;
    }
    const unsigned n = (static_cast<unsigned>(v[0]) << 18) | (static_cast<unsigned>(v[1]) << 12) |
                       (static_cast<unsigned>(v[2]) << 6) | static_cast<unsigned>(v[3]);
    // The bits padding leaves out must be zero: one encoding per message.
    if ((pad == 1 && (n & 0xFF) != 0) || (pad == 2 && (n & 0xFFFF) != 0)) return std::nullopt;
    out.push_back(static_cast<char>(n >> 16));
    if (pad < 2) out.push_back(static_cast<char>((n >> 8) & 0xFF));
    if (pad < 1) out.push_back(static_cast<char>(n & 0xFF));
  }
  return out;
}

std::string encode_base64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t at = 0; at < bytes.size(); at += 3) {
    const std::size_t n = bytes.size() - at;
    unsigned v = static_cast<unsigned>(static_cast<unsigned char>(bytes[at])) << 16;
    if (n > 1) v |= static_cast<unsigned>(static_cast<unsigned char>(bytes[at + 1])) << 8;
    if (n > 2) v |= static_cast<unsigned char>(bytes[at + 2]);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(n > 1 ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back(n > 2 ? kAlphabet[v & 63] : '=');
  }
  return out;
}

SaslChunks::Step SaslChunks::feed(std::string_view chunk) {
  if (chunk == "*") {
    encoded_.clear();
    return Step::aborted;
  }
  if (chunk.size() > kSaslChunk || encoded_.size() + chunk.size() > kSaslMaxEncoded) {
    encoded_.clear();
    return Step::too_long;
  }
  if (chunk != "+") encoded_.append(chunk);
  if (chunk.size() == kSaslChunk) return Step::more;
  auto decoded = decode_base64(encoded_);
  encoded_.clear();
  if (!decoded) return Step::invalid;
  payload_ = *std::move(decoded);
  return Step::complete;
}

std::vector<std::string_view> authenticate_chunks(std::string_view encoded) {
  std::vector<std::string_view> out;
  while (encoded.size() >= kSaslChunk) {
    out.push_back(encoded.substr(0, kSaslChunk));
    encoded.remove_prefix(kSaslChunk);
  }
  out.push_back(encoded.empty() ? std::string_view("+") : encoded);
  return out;
}

std::optional<PlainCredentials> decode_plain(std::string_view message, PlainError* why) {
  const auto fail = [&](PlainError e) -> std::optional<PlainCredentials> {
    if (why != nullptr) *why = e;
    return std::nullopt;
  };
  const auto first = message.find('\0');
  if (first == std::string_view::npos) return fail(PlainError::malformed);
  const auto second = message.find('\0', first + 1);
  if (second == std::string_view::npos || message.find('\0', second + 1) != std::string_view::npos) {
    return fail(PlainError::malformed);
  }
  PlainCredentials c{std::string(message.substr(0, first)), std::string(message.substr(first + 1, second - first - 1)),
                     std::string(message.substr(second + 1))};
  if (c.authcid.empty()) return fail(PlainError::empty_account);
  if (!c.authzid.empty() && c.authzid != c.authcid) return fail(PlainError::other_identity);
  return c;
}

}  // namespace chat::irc
