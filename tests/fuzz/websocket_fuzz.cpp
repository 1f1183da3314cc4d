// Fuzz target for the WebSocket frame decoder (server/web/ws_decoder.h):
// however a hostile client splits its bytes into reads, the decoder reports
// the same events; a text event is valid UTF-8 within the limit; it never
// holds more than max_message + 14 bytes; after close or fail it reports
// nothing more; and a sink that says stop gets the rest fed again later
// with the same result.
//
// Input layout: byte 0: max_message (1..256, the byte + 1); byte 1: low 4
// bits: K read sizes that follow, high 4 bits: stop after every Nth event
// (0: never); then K read sizes; the rest is the byte stream.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "utf8.h"
#include "web/ws_decoder.h"

namespace {

using chat::web::WsDecoder;
using chat::web::WsEvent;

struct Seen {
  WsEvent::Kind kind;
  std::string payload;
  std::uint16_t code;
  bool operator==(const Seen&) const = default;
};

void check_event(const WsEvent& e, std::size_t max_message, bool& ended) {
  FUZZ_CHECK(!ended);
  if (e.kind == WsEvent::Kind::text) {
    FUZZ_CHECK(e.payload.size() <= max_message);
    FUZZ_CHECK(chat::is_valid_utf8(e.payload));
  }
  if (e.kind == WsEvent::Kind::ping || e.kind == WsEvent::Kind::pong) FUZZ_CHECK(e.payload.size() <= 125);
  if (e.kind == WsEvent::Kind::close || e.kind == WsEvent::Kind::fail) ended = true;
}

std::vector<Seen> whole(std::string_view stream, std::size_t max_message) {
  WsDecoder d(max_message);
  std::vector<Seen> seen;
  bool ended = false;
  const std::size_t used = d.feed(stream, [&](const WsEvent& e) {
    check_event(e, max_message, ended);
    seen.push_back({e.kind, std::string(e.payload), e.code});
    return true;
  });
  FUZZ_CHECK(used == stream.size());
  return seen;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto take = [&]() -> unsigned {
    if (in.empty()) return 0;
    const auto b = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    return b;
  };
  const std::size_t max_message = take() + 1;
  const unsigned spec = take();
  const unsigned reads = spec & 0x0F;
  const unsigned stop_every = spec >> 4;
  std::vector<std::size_t> sizes;
  for (unsigned i = 0; i < reads; ++i) sizes.push_back(take());
  const std::string_view stream = in;

  const std::vector<Seen> expected = whole(stream, max_message);

  WsDecoder d(max_message);
  std::vector<Seen> seen;
  bool ended = false;
  std::size_t events = 0;
  std::string pending;  // bytes the decoder did not use yet
  std::size_t at = 0;
  auto feed = [&](std::string_view bytes) {
    pending.append(bytes);
    while (!pending.empty()) {
      const std::size_t used = d.feed(pending, [&](const WsEvent& e) {
        check_event(e, max_message, ended);
        seen.push_back({e.kind, std::string(e.payload), e.code});
        ++events;
        return stop_every == 0 || events % stop_every != 0;
      });
      FUZZ_CHECK(used <= pending.size());
      FUZZ_CHECK(d.buffered() <= max_message + 14);
      pending.erase(0, used);
      if (used == 0) break;
    }
  };
  for (std::size_t s : sizes) {
    const std::string_view part = stream.substr(std::min(at, stream.size()), s);
    at += part.size();
    feed(part);
  }
  if (at < stream.size()) feed(stream.substr(at));
  FUZZ_CHECK(seen == expected);
  return 0;
}
