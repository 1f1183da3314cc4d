#include "payload.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace flood {
namespace {

constexpr std::size_t kKindAt = 4;
constexpr std::size_t kSenderAt = 5;
constexpr std::size_t kSenderDigits = 6;
constexpr std::size_t kSeqAt = kSenderAt + kSenderDigits;  // 11
constexpr std::size_t kSeqDigits = 8;
constexpr std::size_t kTimeAt = kSeqAt + kSeqDigits;  // 19
constexpr std::size_t kTimeDigits = 16;
constexpr std::size_t kCheckAt = kTimeAt + kTimeDigits;  // 35
constexpr std::size_t kCheckDigits = 4;
constexpr std::size_t kBarAt = kCheckAt + kCheckDigits;  // 39
static_assert(kBarAt + 1 == kHeaderSize);

// 16 bits of FNV-1a over everything before the check digits: a damaged
// sender, sequence or time would otherwise still be valid hex.
std::uint32_t header_check(const char* p) {
  std::uint32_t h = 2166136261u;
  for (std::size_t i = 0; i < kCheckAt; ++i) {
    h ^= static_cast<unsigned char>(p[i]);
    h *= 16777619u;
  }
  return (h ^ (h >> 16)) & 0xffff;
}

constexpr char kHex[] = "0123456789abcdef";

// 'a'..'z' repeated, long enough that any payload's padding is one memcmp
// against a slice of it; the slice start depends on the sequence number.
constexpr std::size_t kPatternPeriod = 26;
constexpr std::size_t kMaxPad = 1 << 16;

const char* pad_pattern() {
  static const auto pattern = [] {
    std::array<char, kMaxPad + kPatternPeriod> p{};
    for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<char>('a' + i % kPatternPeriod);
    return p;
  }();
  return pattern.data();
}

void put_hex(char* out, std::uint64_t value, std::size_t digits) {
  for (std::size_t i = digits; i-- > 0;) {
    out[i] = kHex[value & 0xf];
    value >>= 4;
  }
}

// Lowercase hex only, so every payload has exactly one spelling.
bool get_hex(const char* in, std::size_t digits, std::uint64_t& value) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const char c = in[i];
    unsigned d;
    if (c >= '0' && c <= '9') {
      d = static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      d = static_cast<unsigned>(c - 'a' + 10);
    } else {
      return false;
    }
    v = (v << 4) | d;
  }
  value = v;
  return true;
}

const char* padding_for(std::uint32_t seq) { return pad_pattern() + (kHeaderSize + seq) % kPatternPeriod; }

}  // namespace

void encode_payload(std::span<char> out, const Payload& p) {
  char* o = out.data();
  std::memcpy(o, kMarker.data(), kMarker.size());
  o[kKindAt] = static_cast<char>(p.kind);
  put_hex(o + kSenderAt, p.sender, kSenderDigits);
  put_hex(o + kSeqAt, p.seq, kSeqDigits);
  put_hex(o + kTimeAt, p.sent_ns, kTimeDigits);
  put_hex(o + kCheckAt, header_check(o), kCheckDigits);
  o[kBarAt] = '|';
  const std::size_t pad = out.size() - kHeaderSize;
  const char* pattern = padding_for(p.seq);
  // Sizes past the pattern repeat it; the check below does the same.
  for (std::size_t done = 0; done < pad;) {
    const std::size_t n = std::min(pad - done, kMaxPad);
    std::memcpy(o + kHeaderSize + done, pattern, n);
    done += n;
  }
}

DecodedLine decode_line(std::string_view line, std::size_t size) noexcept {
  DecodedLine result;
  const bool at_end = line.size() >= size && line.compare(line.size() - size, kMarker.size(), kMarker) == 0;
  if (!at_end) {
    // Not where it belongs: a payload cut short, lengthened or merged with
    // another line is garbled; a line without the marker is someone else's.
    result.kind = line.find(kMarker) == std::string_view::npos ? LineKind::other : LineKind::garbled;
    return result;
  }
  result.kind = LineKind::garbled;
  const char* p = line.data() + line.size() - size;
  const char kind = p[kKindAt];
  if (kind != static_cast<char>(Kind::message) && kind != static_cast<char>(Kind::probe)) return result;
  std::uint64_t sender;
  std::uint64_t seq;
  std::uint64_t sent;
  std::uint64_t check;
  if (!get_hex(p + kSenderAt, kSenderDigits, sender) || !get_hex(p + kSeqAt, kSeqDigits, seq) ||
      !get_hex(p + kTimeAt, kTimeDigits, sent) || !get_hex(p + kCheckAt, kCheckDigits, check) ||
      p[kBarAt] != '|' || check != header_check(p)) {
    return result;
  }
  const std::size_t pad = size - kHeaderSize;
  const char* pattern = padding_for(static_cast<std::uint32_t>(seq));
  for (std::size_t done = 0; done < pad;) {
    const std::size_t n = std::min(pad - done, kMaxPad);
    if (std::memcmp(p + kHeaderSize + done, pattern, n) != 0) return result;
    done += n;
  }
  result.kind = LineKind::payload;
  result.payload = Payload{static_cast<Kind>(kind), static_cast<std::uint32_t>(sender),
                           static_cast<std::uint32_t>(seq), sent};
  return result;
}

}  // namespace flood
