// Fuzz target for the line framer (common/line_framer.h): however a hostile
// client splits its bytes into reads, the framer produces the same frames,
// each at the earliest read that decides it, and never holds more than
// max_line + 1 bytes.
//
// Input layout (every field falls back to 0 when the input runs out):
//   byte 0      max_line: the byte itself if below 255; 255 means
//               255 + the next two bytes (little-endian), for long limits
//   next byte   low 4 bits: number K of fuzzer-chosen read sizes;
//               high 4 bits: after which frame a stopping sink says "stop"
//   next K      the read sizes (0 is allowed: an empty read)
//   the rest    the byte stream; whatever the K reads do not cover is fed
//               as one last read
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "line_framer.h"

namespace {

struct Frame {
  bool too_long;
  std::string text;
  bool operator==(const Frame&) const = default;
};

struct ExpectedFrame {
  Frame frame;
  std::size_t trigger;  // stream offset of the byte that decides this frame
};

struct Expected {
  std::vector<ExpectedFrame> frames;
  std::size_t held;  // bytes the framer still holds at the end
};

// The documented semantics, written as plainly as possible over the whole
// stream: split on '\n'; a line loses one trailing '\r'; a line longer than
// max_line is a too_long frame. A line is decided by its '\n', except that an
// oversize one is decided as soon as it has more than max_line + 1 bytes (the
// +1 may still be the '\r' of a "\r\n"), which is also how an unterminated
// oversize tail is reported, once. A shorter unterminated tail is held.
Expected reference_frames(std::string_view stream, std::size_t max_line) {
  Expected e{{}, 0};
  std::size_t start = 0;
  for (;;) {
    const std::size_t nl = stream.find('\n', start);
    const std::size_t end = nl == std::string_view::npos ? stream.size() : nl;
    std::string_view raw = stream.substr(start, end - start);
    if (raw.size() > max_line + 1) {
      e.frames.push_back({{true, {}}, start + max_line + 1});
    } else if (nl == std::string_view::npos) {
      e.held = raw.size();
    } else {
      if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
      if (raw.size() > max_line) {
        e.frames.push_back({{true, {}}, nl});
      } else {
        e.frames.push_back({{false, std::string(raw)}, nl});
      }
    }
    if (nl == std::string_view::npos) return e;
    start = nl + 1;
  }
}

// Feeds `stream` to a fresh framer in reads of the given sizes (the last read
// takes whatever is left) and checks every frame against `expected`, including
// that it comes out during the read holding its deciding byte.
void check_reads(std::string_view stream, std::size_t max_line, const std::vector<std::size_t>& sizes,
                 const Expected& expected) {
  chat::LineFramer framer(max_line);
  FUZZ_CHECK(framer.max_line() == max_line);
  std::size_t seen = 0;
  std::size_t offset = 0;
  auto feed_one = [&](std::size_t n) {
    // Each read gets its own exact-size heap copy, so AddressSanitizer sees
    // any read past its end.
    const std::vector<char> read(stream.begin() + static_cast<std::ptrdiff_t>(offset),
                                 stream.begin() + static_cast<std::ptrdiff_t>(offset + n));
    framer.feed(std::string_view(read.data(), read.size()), [&](const chat::Frame& f) {
      const bool too_long = f.kind == chat::Frame::Kind::too_long;
      if (too_long) {
        FUZZ_CHECK(f.text.empty());
      } else {
        FUZZ_CHECK(f.text.size() <= max_line);
        FUZZ_CHECK(f.text.find('\n') == std::string_view::npos);
      }
      FUZZ_CHECK(seen < expected.frames.size());
      const ExpectedFrame& want = expected.frames[seen];
      FUZZ_CHECK(want.frame == (Frame{too_long, std::string(f.text)}));
      FUZZ_CHECK(want.trigger >= offset && want.trigger < offset + n);
      ++seen;
      return true;
    });
    FUZZ_CHECK(framer.buffered() <= max_line + 1);
    offset += n;
  };
  for (std::size_t n : sizes) {
    if (n > stream.size() - offset) break;
    feed_one(n);
  }
  feed_one(stream.size() - offset);
  FUZZ_CHECK(seen == expected.frames.size());
  FUZZ_CHECK(framer.buffered() == expected.held);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto take = [&in]() -> std::size_t {
    if (in.empty()) return 0;
    const auto b = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    return b;
  };

  std::size_t max_line = take();
  if (max_line == 255) {
    const std::size_t lo = take();
    max_line += lo + 256 * take();
  }
  const std::size_t control = take();
  const std::size_t stop_after = control >> 4;
  std::vector<std::size_t> sizes(control & 0x0F);
  for (auto& n : sizes) n = take();
  const std::string_view stream = in;

  const Expected expected = reference_frames(stream, max_line);

  check_reads(stream, max_line, {}, expected);  // the whole stream in one read
  check_reads(stream, max_line, sizes, expected);
  check_reads(stream, max_line, std::vector<std::size_t>(stream.size(), 1), expected);

  // A sink that says stop ends framing right there: the frames seen are a
  // prefix of the full sequence, one past the stop point at most.
  chat::LineFramer framer(max_line);
  std::vector<Frame> seen;
  framer.feed(stream, [&](const chat::Frame& f) {
    seen.push_back({f.kind == chat::Frame::Kind::too_long, std::string(f.text)});
    return seen.size() <= stop_after;
  });
  const std::size_t want = std::min(stop_after + 1, expected.frames.size());
  FUZZ_CHECK(seen.size() == want);
  for (std::size_t i = 0; i < want; ++i) FUZZ_CHECK(seen[i] == expected.frames[i].frame);
  FUZZ_CHECK(framer.buffered() <= max_line + 1);
  return 0;
}
