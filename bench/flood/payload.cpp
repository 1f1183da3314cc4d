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

// A 16-bit check of everything before the check digits (a damaged sender,
// sequence or time would otherwise still be valid hex). Independent
// multiplies by odd constants, not a byte-serial hash: this runs for every
// delivered line.
std::uint32_t header_check(const char* p) {
  static_assert(kCheckAt == 35);
  std::uint64_t w[4];
  std::memcpy(w, p, sizeof w);  // bytes 0..31
  std::uint64_t tail = 0;
  std::memcpy(&tail, p + 32, 3);  // bytes 32..34
  std::uint64_t h = (w[0] * 0x9e3779b97f4a7c15ull) ^ (w[1] * 0xc2b2ae3d27d4eb4full) ^
                    (w[2] * 0x165667b19e3779f9ull) ^ (w[3] * 0xd6e8feb86659fd93ull) ^
                    (tail * 0xff51afd7ed558ccdull);
  h ^= h >> 32;
  h ^= h >> 16;
  return static_cast<std::uint32_t>(h & 0xffff);
}

constexpr char kHex[] = "0123456789abcdef";

// 'a'..'z' repeated, long enough that any payload's padding is one memcmp
// against a slice of it; the slice start depends on the sequence number.
constexpr std::size_t kPatternPeriod = 26;
constexpr std::size_t kMaxPad = 1 << 16;

constexpr auto kPadPattern = [] {
  std::array<char, kMaxPad + kPatternPeriod> p{};
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<char>('a' + i % kPatternPeriod);
  return p;
}();

const char* pad_pattern() { return kPadPattern.data(); }

void put_hex(char* out, std::uint64_t value, std::size_t digits) {
  for (std::size_t i = digits; i-- > 0;) {
    out[i] = kHex[value & 0xf];
    value >>= 4;
  }
}

// Lowercase hex only, so every payload has exactly one spelling. A table
// lookup per digit; bit 4 set marks a byte that is not a hex digit.
constexpr std::array<std::uint8_t, 256> kHexValue = [] {
  std::array<std::uint8_t, 256> t{};
  for (auto& v : t) v = 0x10;
  for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t[static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(c - 'a' + 10);
  return t;
}();

bool get_hex(const char* in, std::size_t digits, std::uint64_t& value) {
  std::uint64_t v = 0;
  unsigned bad = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const std::uint8_t d = kHexValue[static_cast<unsigned char>(in[i])];
    bad |= d;
    v = (v << 4) | (d & 0xf);
  }
  value = v;
  return (bad & 0x10) == 0;
}

// Eight hex digits at once (SWAR): the sequence and the two halves of the
// time. Per byte, the high bit of `ok` says "in '0'..'9' or 'a'..'f'" (the
// exact per-byte range test from Bit Twiddling Hacks, valid for bytes >= 128 too).
constexpr std::uint64_t kOnes = 0x0101010101010101ull;
constexpr std::uint64_t kHigh = kOnes * 0x80;

constexpr std::uint64_t bytes_between(std::uint64_t x, std::uint64_t m, std::uint64_t n) {  // m < byte < n
  return ((kOnes * (127 + n) - (x & kOnes * 127)) & ~x & ((x & kOnes * 127) + kOnes * (127 - m))) & kHigh;
}

bool get_hex8(const char* in, std::uint64_t& value) {
  std::uint64_t x;
  std::memcpy(&x, in, 8);  // little endian: the first digit is the lowest byte
  const std::uint64_t ok = bytes_between(x, '0' - 1, '9' + 1) | bytes_between(x, 'a' - 1, 'f' + 1);
  // '0'..'9' -> low nibble; 'a'..'f' (bit 6 set) -> low nibble + 9.
  const std::uint64_t nibbles = (x & kOnes * 0x0f) + ((x >> 6) & kOnes) * 9;
  // Pack: byte pairs, then 16-bit pairs, then 32-bit halves, first digit highest.
  const std::uint64_t b = ((nibbles & 0x000f000f000f000full) << 4) | ((nibbles >> 8) & 0x000f000f000f000full);
  const std::uint64_t w = ((b & 0x000000ff000000ffull) << 8) | ((b >> 16) & 0x000000ff000000ffull);
  value = ((w & 0xffff) << 16) | ((w >> 32) & 0xffff);
  return ok == kHigh;
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
  std::uint64_t sent_low;
  static_assert(kSeqDigits == 8 && kTimeDigits == 16);
  if (!get_hex(p + kSenderAt, kSenderDigits, sender) || !get_hex8(p + kSeqAt, seq) ||
      !get_hex8(p + kTimeAt, sent) || !get_hex8(p + kTimeAt + 8, sent_low) ||
      !get_hex(p + kCheckAt, kCheckDigits, check) || p[kBarAt] != '|' || check != header_check(p)) {
    return result;
  }
  sent = (sent << 32) | sent_low;
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
