// Fuzz target for the IRC port's reading of a client (server/irc/framer.h,
// message.h) and its writing (serializer.h):
//   - however the bytes are split into reads, the framer hands out the same
//     lines, and never holds more than its limit;
//   - no line crashes the parser; a parsed message has no CR, LF or NUL in
//     any part, a command of letters or three digits, middle parameters
//     that are non-empty and never start with ":";
//   - what the serializer writes of a parsed message parses back to the
//     same message (tags, source, command, parameters), unless writing it
//     made its body longer than 510 bytes (a 15th parameter gains a ":").
//
// Input layout: byte 0 says where the stream is split into two reads (its
// value times the stream size over 256); the rest is the stream.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fuzz_check.h"
#include "irc/framer.h"
#include "irc/message.h"
#include "irc/serializer.h"

namespace {

using namespace chat::irc;

struct Frame {
  bool too_long;
  std::string text;
  bool operator==(const Frame&) const = default;
};

std::vector<Frame> frames(std::string_view stream, std::size_t split) {
  IrcFramer framer(600);  // a small limit, so fuzzing reaches it
  std::vector<Frame> out;
  const auto sink = [&](const IrcFrame& f) {
    out.push_back(Frame{f.kind == IrcFrame::Kind::too_long, std::string(f.text)});
  };
  framer.feed(stream.substr(0, split), sink);
  FUZZ_CHECK(framer.buffered() <= 600);
  framer.feed(stream.substr(split), sink);
  FUZZ_CHECK(framer.buffered() <= 600);
  return out;
}

bool clean(std::string_view s) { return s.find_first_of(std::string_view("\0\r\n", 3)) == std::string_view::npos; }

void check_message(const Message& m) {
  FUZZ_CHECK(!m.command.empty());
  const bool numeric = m.command.size() == 3 && m.command.find_first_not_of("0123456789") == std::string::npos;
  FUZZ_CHECK(numeric || m.command.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") == std::string::npos);
  FUZZ_CHECK(clean(m.source) && m.source.find(' ') == std::string_view::npos);
  FUZZ_CHECK(m.params.size() <= kMaxParams);
  for (std::size_t i = 0; i < m.params.size(); ++i) {
    FUZZ_CHECK(clean(m.params[i]));
    if (i + 1 < m.params.size()) {
      FUZZ_CHECK(!m.params[i].empty() && m.params[i].front() != ':' && m.params[i].find(' ') == std::string_view::npos);
    }
  }
  for (const Tag& t : m.tags) FUZZ_CHECK(is_valid_tag_key(t.key));

  // Written and read back.
  std::vector<OutTag> tags;
  for (const Tag& t : m.tags) tags.push_back(OutTag{t.key, t.value});
  std::string written;
  FUZZ_CHECK(append_message(written, OutMessage{.tags = tags, .source = m.source, .command = m.command, .params = m.params}));
  FUZZ_CHECK(written.ends_with("\r\n"));
  written.resize(written.size() - 2);
  FUZZ_CHECK(clean(written));
  auto again = parse_message(written, From::server);
  if (std::holds_alternative<ParseError>(again)) {
    // Only a body that grew past the limit (or tags past the server's)
    // may fail to come back.
    const ParseError e = std::get<ParseError>(again);
    FUZZ_CHECK(e == ParseError::too_long || e == ParseError::tags_too_long);
    return;
  }
  const Message& b = std::get<Message>(again);
  FUZZ_CHECK(b.command == m.command);
  FUZZ_CHECK(b.source == m.source);
  FUZZ_CHECK(b.params == m.params);
  FUZZ_CHECK(b.tags.size() == m.tags.size());
  for (std::size_t i = 0; i < b.tags.size(); ++i) {
    FUZZ_CHECK(b.tags[i].key == m.tags[i].key);
    FUZZ_CHECK(b.tags[i].value == m.tags[i].value);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t split = stream.size() * data[0] / 256;
  const std::vector<Frame> whole = frames(stream, stream.size());
  FUZZ_CHECK(frames(stream, split) == whole);
  for (const Frame& f : whole) {
    if (f.too_long) continue;
    // A line holds no line ending; a NUL it may hold is the parser's to refuse.
    FUZZ_CHECK(!f.text.empty() && f.text.find_first_of("\r\n") == std::string::npos);
    auto parsed = parse_message(f.text);
    if (const auto* m = std::get_if<Message>(&parsed)) check_message(*m);
  }
  return 0;
}
