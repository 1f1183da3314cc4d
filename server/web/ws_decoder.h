// Turns the bytes a WebSocket client sends into messages and control
// frames, pure: bytes in, events out, no sockets (RFC 6455 section 5).
//
// Client frames must be masked. A text message may come in fragments; it is
// reassembled up to `max_message` bytes (chatd's --max-line) and handed out
// whole, once its UTF-8 is checked. Pings, pongs and a close may come
// between fragments. Anything else ends the connection with a close code:
// a binary message 1003, text that is not UTF-8 1007, a message over the
// limit 1009 (after a too_long event, so the server can say why), any
// other breach of the framing 1002. After a close or a failure the decoder
// takes no more bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace chat::web {

struct WsEvent {
  enum class Kind {
    text,      // a whole text message (`payload`), valid UTF-8
    too_long,  // a message over max_message: `fail` with 1009 follows
    ping,      // `payload`: at most 125 bytes, to echo in a pong
    pong,
    close,     // the peer's close: `code` (1005 if it gave none), then nothing
    fail,      // a breach: close the connection with `code`, `payload` says why
  };
  Kind kind;
  std::string_view payload;  // valid only during the call
  std::uint16_t code = 0;
};

class WsDecoder {
 public:
  explicit WsDecoder(std::size_t max_message) : max_message_(max_message) {}

  // Feeds the next bytes. Calls sink(const WsEvent&) -> bool for each event;
  // false stops decoding after that event. Returns how many bytes were used
  // (all of them, or up to the end of the frame after which sink said stop;
  // the caller feeds the rest later). After close or fail, every byte is
  // "used" and nothing more is reported.
  template <class Sink>
  std::size_t feed(std::string_view bytes, Sink&& sink);

  [[nodiscard]] bool finished() const noexcept { return finished_; }
  // Bytes held between calls (a partial header, a partial or fragmented
  // message): never more than max_message + 14.
  [[nodiscard]] std::size_t buffered() const noexcept { return header_len_ + message_.size(); }

 private:
  enum class Step { need_more, event, fail, next };
  // Decodes at most one frame's worth starting at `bytes`; sets `used`.
  // Step::event: `event_` is to be reported.
  Step step(std::string_view bytes, std::size_t& used);
  Step fail(std::uint16_t code, std::string_view why);
  Step start_frame();
  Step finish_frame();
  void unmask_append(std::string& out, std::string_view masked);

  std::size_t max_message_;
  // The frame being read.
  unsigned char header_[14] = {};
  std::size_t header_len_ = 0;
  bool in_frame_ = false;        // header read, payload under way
  std::uint8_t opcode_ = 0;
  bool fin_ = false;
  unsigned char mask_[4] = {};
  std::uint64_t payload_left_ = 0;
  std::size_t mask_at_ = 0;      // payload bytes already unmasked in this frame
  // The message being reassembled (text) and the control frame's payload.
  bool in_message_ = false;
  std::string message_;
  std::string control_;
  bool finished_ = false;
  WsEvent event_{WsEvent::Kind::fail, {}, 0};
};

template <class Sink>
std::size_t WsDecoder::feed(std::string_view bytes, Sink&& sink) {
  const std::size_t total = bytes.size();
  while (!finished_) {
    std::size_t used = 0;
    const Step s = step(bytes, used);
    bytes.remove_prefix(used);
    if (s == Step::need_more) break;
    if (s == Step::next) continue;
    const bool more = sink(static_cast<const WsEvent&>(event_));
    if (event_.kind == WsEvent::Kind::too_long) {  // followed at once by its fail
      static_cast<void>(fail(1009, "message too big"));
      sink(static_cast<const WsEvent&>(event_));
      break;
    }
    if (event_.kind == WsEvent::Kind::text && message_.capacity() > 256) std::string().swap(message_);
    if (!more || finished_) break;
  }
  return finished_ ? total : total - bytes.size();
}

}  // namespace chat::web
