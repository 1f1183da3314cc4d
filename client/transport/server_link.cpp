#include "transport/server_link.h"

namespace chat::client {

namespace {

// Lines from chatd are at most --max-line bytes plus a name; this only
// bounds what a hostile server can make us hold.
constexpr std::size_t kMaxServerLine = std::size_t{1024} * 1024;
constexpr std::size_t kReadChunk = std::size_t{64} * 1024;

}  // namespace

ServerLink::ServerLink(ServerStream server) : server_(std::move(server)), lines_(kMaxServerLine) {}

void ServerLink::queue(std::string_view bytes) {
  if (broken_) return;
  if (sent_ == out_.size()) {
    out_.clear();
    sent_ = 0;
  }
  out_.append(bytes);
}

bool ServerLink::send_pending() {
  while (!broken_ && sent_ < out_.size()) {
    const IoResult r = server_.write(std::string_view(out_).substr(sent_));
    if (r.kind == IoResult::Kind::bytes) {
      sent_ += r.count;
    } else if (r.kind == IoResult::Kind::would_block) {
      break;
    } else {
      broken_ = true;  // the read side reports the end
    }
  }
  shutdown_if_done();
  return !broken_;
}

void ServerLink::shutdown_if_done() {
  if (finishing_ && !half_closed_ && !broken_ && sent_ == out_.size()) {
    server_.shutdown_write();
    half_closed_ = true;
  }
}

ServerLink::ReadResult ServerLink::read(const std::function<void(std::string_view)>& on_line) {
  char buf[kReadChunk];
  const auto sink = [&](const Frame& frame) {
    on_line(frame.kind == Frame::Kind::too_long ? std::string_view("! overlong line from server skipped")
                                                : frame.text);
    return true;
  };
  IoResult r;
  do {  // TLS may hold decrypted bytes poll() cannot see: take them all
    r = server_.read(buf);
    if (r.kind == IoResult::Kind::bytes) lines_.feed(std::string_view(buf, r.count), sink);
  } while (r.kind == IoResult::Kind::bytes && server_.has_buffered());
  if (r.kind != IoResult::Kind::closed) return ReadResult::open;
  if (lines_.buffered() > 0) lines_.feed("\n", sink);
  return ReadResult::closed;
}

}  // namespace chat::client
