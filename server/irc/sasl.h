// SASL PLAIN over AUTHENTICATE (ircv3.net "SASL 3.1/3.2", RFC 4616): the
// client's base64 arrives in chunks of 400 bytes, a chunk shorter than 400
// (or "+" after a full one) ends it; "*" aborts. Pure: chunks in, the
// credentials or a reason out. Checking the password is the accounts'
// business, not this file's.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chat::irc {

inline constexpr std::size_t kSaslChunk = 400;
// The most base64 one exchange may carry: PLAIN needs a few hundred bytes.
inline constexpr std::size_t kSaslMaxEncoded = 4 * kSaslChunk;

// RFC 4648 base64 with "=" padding; nullopt on any other character, a bad
// length or bad padding.
[[nodiscard]] std::optional<std::string> decode_base64(std::string_view text);
[[nodiscard]] std::string encode_base64(std::string_view bytes);

// Collects the AUTHENTICATE chunks of one client message.
class SaslChunks {
 public:
  enum class Step {
    more,       // a full 400-byte chunk: wait for the next
    complete,   // payload() holds the decoded message
    aborted,    // "*": ERR_SASLABORTED (906)
    too_long,   // a chunk over 400 bytes, or too many: ERR_SASLTOOLONG (905)
    invalid,    // not base64: ERR_SASLFAIL (904)
  };
  Step feed(std::string_view chunk);
  [[nodiscard]] const std::string& payload() const noexcept { return payload_; }

 private:
  std::string encoded_;
  std::string payload_;
};

// The server's side of a message cut for AUTHENTICATE: 400-byte pieces,
// and "+" after a last piece of exactly 400 (or for an empty message).
[[nodiscard]] std::vector<std::string_view> authenticate_chunks(std::string_view encoded);

struct PlainCredentials {
  std::string authzid;  // empty, or the same as authcid
  std::string authcid;  // the account
  std::string password;
};

enum class PlainError {
  malformed,       // not "authzid\0authcid\0password"
  empty_account,
  other_identity,  // authzid names someone else: not supported
};

// Reads a decoded PLAIN message. Returns the credentials or why not.
[[nodiscard]] std::optional<PlainCredentials> decode_plain(std::string_view message, PlainError* why = nullptr);

}  // namespace chat::irc
