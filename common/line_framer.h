// Splits a byte stream into lines, pure: bytes in, lines out, no sockets.
//
// Complete lines are handed out as views straight into the caller's bytes
// when possible; only a trailing partial line is copied, and that copy never
// grows past the limit: an oversize line is reported once and its remaining
// bytes are dropped up to the next "\n", so a client cannot make the server
// buffer an unbounded line.
#pragma once

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace chat {

struct Frame {
  enum class Kind { line, too_long };
  Kind kind;
  std::string_view text;  // the line without "\n" or "\r\n"; empty for too_long
};

class LineFramer {
 public:
  // `max_line` is the longest accepted line in bytes, not counting the "\n"
  // nor a "\r" before it.
  explicit LineFramer(std::size_t max_line) : max_line_(max_line) {}

  // Feeds the next bytes of the stream. Calls `sink(const Frame&)` for each
  // line completed, in order; the frame's view is valid only during the call.
  // If sink returns false, framing stops after that line. Returns how many
  // bytes were used: all of them, or up to the end of the line after which
  // sink returned false (the caller may feed the rest later).
  template <class Sink>
  std::size_t feed(std::string_view bytes, Sink&& sink);

  // Bytes held for an incomplete line (never more than max_line + 1).
  [[nodiscard]] std::size_t buffered() const noexcept { return partial_.size(); }
  [[nodiscard]] std::size_t max_line() const noexcept { return max_line_; }

 private:
  static std::string_view strip_cr(std::string_view line) noexcept {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  }
  // Room for max_line bytes plus a "\r" whose "\n" has not arrived yet.
  [[nodiscard]] bool fits(std::size_t n) const noexcept { return n <= max_line_ + 1; }

  std::size_t max_line_;
  std::string partial_;
  bool discarding_ = false;  // inside an oversize line, already reported
};

template <class Sink>
std::size_t LineFramer::feed(std::string_view bytes, Sink&& sink) {
  const std::size_t total = bytes.size();
  while (!bytes.empty()) {
    const auto* nl = static_cast<const char*>(std::memchr(bytes.data(), '\n', bytes.size()));
    if (nl == nullptr) {
      if (discarding_) return total;
      if (!fits(partial_.size() + bytes.size())) {
        partial_.clear();
        discarding_ = true;
        sink(Frame{Frame::Kind::too_long, {}});
        return total;
      }
      partial_.append(bytes);
      return total;
    }

    const auto segment_len = static_cast<std::size_t>(nl - bytes.data());
    const std::string_view segment = bytes.substr(0, segment_len);
    bytes.remove_prefix(segment_len + 1);

    if (discarding_) {  // the end of a line already reported as too long
      discarding_ = false;
      continue;
    }

    bool keep_going = true;
    if (!fits(partial_.size() + segment.size())) {
      keep_going = sink(Frame{Frame::Kind::too_long, {}});
    } else {
      std::string_view line = segment;
      if (!partial_.empty()) {
        partial_.append(segment);
        line = partial_;
      }
      line = strip_cr(line);
      keep_going = line.size() > max_line_ ? sink(Frame{Frame::Kind::too_long, {}})
                                           : sink(Frame{Frame::Kind::line, line});
    }
    partial_.clear();
    if (!keep_going) return total - bytes.size();
  }
  return total;
}

}  // namespace chat
