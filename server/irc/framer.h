// Cuts an IRC client's byte stream into lines, leniently: "\r\n", "\n" and
// a lone "\r" all end a line (modern.ircdocs.horse: servers SHOULD accept
// either), and empty lines are skipped. Pure: bytes in, lines out.
//
// A line is bounded by the whole message limit (8191 bytes of tags plus
// 512 of message): a longer one is reported once, as too_long, and its
// bytes are dropped up to the next line ending, so a client cannot make
// the server hold an unbounded line. Whether a line within that bound is
// still too long for its parts is parse_message's call (irc/message.h).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "irc/message.h"

namespace chat::irc {

inline constexpr std::size_t kMaxFramedLine = kMaxTagBytes + kMaxLineBytes;

struct IrcFrame {
  enum class Kind { line, too_long };
  Kind kind;
  std::string_view text;  // without its line ending; empty for too_long
};

class IrcFramer {
 public:
  explicit IrcFramer(std::size_t max_line = kMaxFramedLine) : max_line_(max_line) {}

  // Feeds the next bytes; calls sink(const IrcFrame&) for each complete
  // line, in order. The view is valid only during the call.
  template <class Sink>
  void feed(std::string_view bytes, Sink&& sink);

  // Bytes held for a line not yet ended (never more than max_line).
  [[nodiscard]] std::size_t buffered() const noexcept { return partial_.size(); }

 private:
  static bool is_end(char c) noexcept { return c == '\r' || c == '\n'; }

  std::size_t max_line_;
  std::string partial_;
  bool discarding_ = false;  // inside an oversize line, already reported
};

template <class Sink>
void IrcFramer::feed(std::string_view bytes, Sink&& sink) {
  while (!bytes.empty()) {
    std::size_t end = 0;
    while (end < bytes.size() && !is_end(bytes[end])) ++end;
    const std::string_view piece = bytes.substr(0, end);
    if (end == bytes.size()) {  // no line ending yet: keep what fits
      if (discarding_) return;
      if (partial_.size() + piece.size() > max_line_) {
        partial_.clear();
        discarding_ = true;
        sink(IrcFrame{IrcFrame::Kind::too_long, {}});
        return;
      }
      partial_.append(piece);
      return;
    }
    bytes.remove_prefix(end + 1);
    if (discarding_) {
      discarding_ = false;
      continue;
    }
    if (partial_.empty()) {
      if (piece.size() > max_line_) {
        sink(IrcFrame{IrcFrame::Kind::too_long, {}});
      } else if (!piece.empty()) {
        sink(IrcFrame{IrcFrame::Kind::line, piece});
      }
      continue;
    }
    if (partial_.size() + piece.size() > max_line_) {
      partial_.clear();
      sink(IrcFrame{IrcFrame::Kind::too_long, {}});
      continue;
    }
    partial_.append(piece);
    sink(IrcFrame{IrcFrame::Kind::line, partial_});
    partial_.clear();
  }
}

}  // namespace chat::irc
