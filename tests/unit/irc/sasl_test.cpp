#include "irc/sasl.h"

#include <catch2/catch.hpp>

#include <string>

using namespace chat::irc;
using namespace std::string_literals;

TEST_CASE("irc sasl: base64 both ways") {
  CHECK(encode_base64("") == "");
  CHECK(encode_base64("f") == "Zg==");
  CHECK(encode_base64("fo") == "Zm8=");
  CHECK(encode_base64("foo") == "Zm9v");
  CHECK(decode_base64("Zm9vYmFy") == "foobar");
  CHECK(decode_base64("Zg==") == "f");
  CHECK(decode_base64("") == "");
  const std::string bytes = "\0\xff\x10 all"s;
  CHECK(decode_base64(encode_base64(bytes)) == bytes);
}

TEST_CASE("irc sasl: malformed base64 is refused") {
  CHECK_FALSE(decode_base64("Zg="));    // length
  CHECK_FALSE(decode_base64("Z==="));   // too much padding
  CHECK_FALSE(decode_base64("Zh=="));   // bits under the padding
  CHECK_FALSE(decode_base64("Zg==Zg==")); // padding inside
  CHECK_FALSE(decode_base64("Zm9*"));
}

TEST_CASE("irc sasl: PLAIN credentials") {
  const auto c = decode_plain("\0alice\0sesame"s);
  REQUIRE(c);
  CHECK(c->authzid.empty());
  CHECK(c->authcid == "alice");
  CHECK(c->password == "sesame");
  CHECK(decode_plain("alice\0alice\0pw"s)->authcid == "alice");
  PlainError why{};
  CHECK_FALSE(decode_plain("bob\0alice\0pw"s, &why));
  CHECK(why == PlainError::other_identity);
  CHECK_FALSE(decode_plain("\0\0pw"s, &why));
  CHECK(why == PlainError::empty_account);
  CHECK_FALSE(decode_plain("alice", &why));
  CHECK(why == PlainError::malformed);
  CHECK_FALSE(decode_plain("\0a\0b\0c"s, &why));
  CHECK(why == PlainError::malformed);
}

TEST_CASE("irc sasl: one short chunk completes") {
  SaslChunks chunks;
  CHECK(chunks.feed(encode_base64("\0alice\0sesame"s)) == SaslChunks::Step::complete);
  CHECK(chunks.payload() == "\0alice\0sesame"s);
}

TEST_CASE("irc sasl: 400-byte chunks continue and a plus ends an exact multiple") {
  const std::string password(600 - 7, 'p');
  const std::string exact = "\0alice\0"s + password;  // 600 bytes: 800 base64 characters
  const std::string encoded = encode_base64(exact);
  REQUIRE(encoded.size() == 800);
  const auto pieces = authenticate_chunks(encoded);
  REQUIRE(pieces.size() == 3);
  CHECK(pieces[2] == "+");
  SaslChunks chunks;
  CHECK(chunks.feed(pieces[0]) == SaslChunks::Step::more);
  CHECK(chunks.feed(pieces[1]) == SaslChunks::Step::more);
  CHECK(chunks.feed(pieces[2]) == SaslChunks::Step::complete);
  CHECK(decode_plain(chunks.payload())->password == password);
  CHECK(authenticate_chunks("") == std::vector<std::string_view>{"+"});
}

TEST_CASE("irc sasl: aborts and oversize chunks and too much data") {
  SaslChunks chunks;
  CHECK(chunks.feed("*") == SaslChunks::Step::aborted);
  CHECK(chunks.feed(std::string(401, 'A')) == SaslChunks::Step::too_long);
  const std::string full(400, 'A');
  for (int i = 0; i < 4; ++i) CHECK(chunks.feed(full) == SaslChunks::Step::more);
  CHECK(chunks.feed(full) == SaslChunks::Step::too_long);
  CHECK(chunks.feed("!!!!") == SaslChunks::Step::invalid);
}
