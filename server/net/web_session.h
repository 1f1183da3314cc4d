// What a connection to the web port carries beyond a line connection: the
// HTTP request head until it is answered, then the WebSocket decoder and
// the keepalive's clock. Owned by its Connection; none for the line ports.
#pragma once

#include <optional>
#include <string>

#include "net/output_queue.h"
#include "web/ws_decoder.h"

namespace chat {

struct WebSession {
  explicit WebSession(std::size_t max_line) : decoder(max_line) {}

  std::string head;        // the request's bytes until its head is answered
  web::WsDecoder decoder;  // after the upgrade
  bool upgraded = false;
  bool close_sent = false;  // nothing is queued after our close frame
  bool ended = false;       // the peer closed, or broke the protocol: read as EOF
  OutputQueue::Clock::time_point last_heard{};  // any bytes from the peer
  std::optional<OutputQueue::Clock::time_point> ping_sent;  // a ping awaits its pong
};

}  // namespace chat
