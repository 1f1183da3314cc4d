#include "web/ws_decoder.h"

#include <algorithm>

#include "utf8.h"
#include "web/websocket.h"

namespace chat::web {

WsDecoder::Step WsDecoder::fail(std::uint16_t code, std::string_view why) {
  finished_ = true;
  event_ = WsEvent{WsEvent::Kind::fail, why, code};
  return Step::fail;
}

void WsDecoder::unmask_append(std::string& out, std::string_view masked) {
  const std::size_t at = out.size();
  out.append(masked);
  for (std::size_t i = 0; i < masked.size(); ++i) out[at + i] = static_cast<char>(out[at + i] ^ mask_[(mask_at_ + i) & 3]);
  mask_at_ += masked.size();
}

WsDecoder::Step WsDecoder::start_frame() {
  fin_ = (header_[0] & 0x80) != 0;
  opcode_ = header_[0] & 0x0F;
  if ((header_[0] & 0x70) != 0) return fail(close_code::protocol_error, "reserved bits set");
  if ((header_[1] & 0x80) == 0) return fail(close_code::protocol_error, "client frame not masked");
  const std::uint8_t len7 = header_[1] & 0x7F;
  const std::size_t mask_at = len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
  std::uint64_t len = len7;
  if (len7 == 126) len = (std::uint64_t{header_[2]} << 8) | header_[3];
  if (len7 == 127) {
    len = 0;
    for (int i = 2; i < 10; ++i) len = (len << 8) | header_[i];
    if (len >> 63) return fail(close_code::protocol_error, "payload length with its top bit set");
  }
  std::copy(header_ + mask_at, header_ + mask_at + 4, mask_);
  payload_left_ = len;
  mask_at_ = 0;
  const bool control = (opcode_ & 0x08) != 0;
  if (control) {
    if (opcode_ != 0x8 && opcode_ != 0x9 && opcode_ != 0xA) return fail(close_code::protocol_error, "unknown opcode");
    if (!fin_) return fail(close_code::protocol_error, "fragmented control frame");
    if (len > 125) return fail(close_code::protocol_error, "control frame over 125 bytes");
    control_.clear();
  } else if (opcode_ == 0x0) {
    if (!in_message_) return fail(close_code::protocol_error, "continuation without a message");
  } else if (opcode_ == 0x1 || opcode_ == 0x2) {
    if (in_message_) return fail(close_code::protocol_error, "new message inside a fragmented one");
    if (opcode_ == 0x2) return fail(close_code::unsupported_data, "binary messages are not accepted");
    in_message_ = true;
    message_.clear();
  } else {
    return fail(close_code::protocol_error, "unknown opcode");
  }
  if (!control && message_.size() + len > max_message_) {
    finished_ = false;
    event_ = WsEvent{WsEvent::Kind::too_long, {}, 0};
    return Step::event;
  }
  in_frame_ = true;
  return payload_left_ == 0 ? finish_frame() : Step::next;
}

WsDecoder::Step WsDecoder::finish_frame() {
  in_frame_ = false;
  header_len_ = 0;
  switch (opcode_) {
    case 0x8: {
      std::uint16_t code = 1005;  // none given
      std::string_view reason;
      if (control_.size() == 1) return fail(close_code::protocol_error, "close frame of one byte");
      if (control_.size() >= 2) {
        code = static_cast<std::uint16_t>((static_cast<unsigned char>(control_[0]) << 8) |
                                          static_cast<unsigned char>(control_[1]));
        if (!valid_close_code(code)) return fail(close_code::protocol_error, "invalid close code");
        reason = std::string_view(control_).substr(2);
        if (!is_valid_utf8(reason)) return fail(close_code::invalid_payload, "close reason is not UTF-8");
      }
      finished_ = true;
      event_ = WsEvent{WsEvent::Kind::close, reason, code};
      return Step::event;
    }
    case 0x9:
      event_ = WsEvent{WsEvent::Kind::ping, control_, 0};
      return Step::event;
    case 0xA:
      event_ = WsEvent{WsEvent::Kind::pong, control_, 0};
      return Step::event;
    default:
      break;
  }
  if (!fin_) return Step::next;  // more fragments to come
  in_message_ = false;
  if (!is_valid_utf8(message_)) return fail(close_code::invalid_payload, "text message is not UTF-8");
  event_ = WsEvent{WsEvent::Kind::text, message_, 0};
  return Step::event;
}

WsDecoder::Step WsDecoder::step(std::string_view bytes, std::size_t& used) {
  used = 0;
  if (!in_frame_) {
    // The header: 2 bytes, then the extended length and the mask.
    auto need = [&] {
      if (header_len_ < 2) return std::size_t{2};
      const std::uint8_t len7 = header_[1] & 0x7F;
      return (len7 == 126 ? std::size_t{4} : len7 == 127 ? std::size_t{10} : std::size_t{2}) + 4;
    };
    while (header_len_ < need()) {
      if (used == bytes.size()) return Step::need_more;
      header_[header_len_++] = static_cast<unsigned char>(bytes[used++]);
      // Decided at once, not after 4 more bytes that may never come.
      if (header_len_ == 2 && (header_[1] & 0x80) == 0) return fail(close_code::protocol_error, "client frame not masked");
    }
    return start_frame();
  }
  if (bytes.empty()) return Step::need_more;
  const auto take = static_cast<std::size_t>(std::min<std::uint64_t>(payload_left_, bytes.size()));
  unmask_append((opcode_ & 0x08) != 0 ? control_ : message_, bytes.substr(0, take));
  used = take;
  payload_left_ -= take;
  if (payload_left_ > 0) return Step::need_more;
  return finish_frame();
}

}  // namespace chat::web
