#include "server_link.h"

#include <sys/socket.h>

#include <cerrno>

namespace chat::client {

namespace {

// Lines from chatd are at most --max-line bytes plus a name; this only
// bounds what a hostile server can make us hold.
constexpr std::size_t kMaxServerLine = std::size_t{1024} * 1024;
constexpr std::size_t kReadChunk = std::size_t{64} * 1024;

}  // namespace

ServerLink::ServerLink(UniqueFd socket) : socket_(std::move(socket)), lines_(kMaxServerLine) {}

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
    const ssize_t n = ::send(socket_.get(), out_.data() + sent_, out_.size() - sent_, MSG_NOSIGNAL);
    if (n > 0) {
      sent_ += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
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
    ::shutdown(socket_.get(), SHUT_WR);
    half_closed_ = true;
  }
}

ServerLink::ReadResult ServerLink::read(const std::function<void(std::string_view)>& on_line) {
  char buf[kReadChunk];
  const ssize_t n = ::recv(socket_.get(), buf, sizeof buf, 0);
  const auto sink = [&](const Frame& frame) {
    on_line(frame.kind == Frame::Kind::too_long ? std::string_view("! overlong line from server skipped")
                                                : frame.text);
    return true;
  };
  if (n > 0) {
    lines_.feed(std::string_view(buf, static_cast<std::size_t>(n)), sink);
    return ReadResult::open;
  }
  if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) return ReadResult::open;
  if (lines_.buffered() > 0) lines_.feed("\n", sink);
  return ReadResult::closed;
}

}  // namespace chat::client
