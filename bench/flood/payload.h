// The bytes flood puts in every message, and how a receiver reads them back.
//
// A payload is exactly `size` bytes of printable ASCII:
//   ~FLD K SSSSSS QQQQQQQQ TTTTTTTTTTTTTTTT CCCC | padding...
//   (no spaces; K = kind, S = sender id, Q = sequence, T = CLOCK_MONOTONIC
//   send time in ns, C = a 16-bit check of everything before it; all
//   lowercase hex, fixed width)
// The padding is a pattern keyed by the sequence number, so a corrupted or
// truncated tail is detected, not just a broken header. Servers prepend
// their own prefix (`[NAME] `, `<user3> `, `:nick!u@h PRIVMSG #c :`), so a
// receiver looks for the payload at the END of the line: the last `size`
// bytes. That is one comparison per line, whatever the server adds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace flood {

inline constexpr std::string_view kMarker = "~FLD";
inline constexpr std::size_t kHeaderSize = 40;  // marker, kind, ids, time, check, '|'
inline constexpr std::size_t kMinPayloadSize = kHeaderSize;
inline constexpr std::uint32_t kMaxSenderId = 0xffffff;

enum class Kind : char {
  message = 'M',  // counted and timed
  probe = 'P',    // the join barrier; never counted
};

struct Payload {
  Kind kind = Kind::message;
  std::uint32_t sender = 0;
  std::uint32_t seq = 0;
  std::uint64_t sent_ns = 0;
};

// Writes exactly out.size() bytes (>= kMinPayloadSize). sender <= kMaxSenderId.
void encode_payload(std::span<char> out, const Payload& p);

enum class LineKind {
  payload,  // a well-formed payload of the expected size ends the line
  garbled,  // the marker is there but something about it is wrong
  other,    // no marker: a server notice, an IRC command, a welcome line
};

struct DecodedLine {
  LineKind kind = LineKind::other;
  Payload payload{};
};

// `line` excludes the '\n' and any '\r' before it.
DecodedLine decode_line(std::string_view line, std::size_t size) noexcept;

}  // namespace flood
