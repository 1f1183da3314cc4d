#include "net/connection.h"

#include <sys/uio.h>

#include <array>
#include <cerrno>
#include <algorithm>
#include <climits>

#include "classic/classic_renderer.h"
#include "irc/framer.h"
#include "web/http_request.h"

namespace chat {

namespace {
constexpr std::size_t kMaxIovecs = IOV_MAX < 1024 ? IOV_MAX : 1024;
// The most a TLS record carries: each SSL_write gets this much of the
// queue at most, so one write is one record.
constexpr std::size_t kTlsRecord = 16 * 1024;
}  // namespace

Connection::Connection(UniqueFd fd, PeerAddress peer, const ServerLimits& limits, LoopContext& loop, tls::Stream tls,
                       ProtocolId protocol, bool web, std::unique_ptr<irc::IrcClient> irc)
    : Member(protocol),
      last_input(loop.now),
      rate_limiter(limits.rate_limit, loop.now),
      fd_(std::move(fd)),
      peer_(std::move(peer)),
      peer_name_(peer_.name()),
      framer_(irc != nullptr ? irc::kMaxFramedLine : limits.max_line),
      output_(limits.max_queue, loop.renderers != nullptr ? &(*loop.renderers)[protocol] : nullptr),
      loop_(loop),
      tls_(std::move(tls)),
      user_space_tls_(static_cast<bool>(tls_)),
      irc_(std::move(irc)) {
  handshaking = is_tls();
  if (web) {
    web_ = std::make_unique<WebSession>(limits.max_line);
    web_request = true;
  }
}

void Connection::notice(const Event& event) {
  if (irc_ != nullptr) [[unlikely]] {  // with its nick: "NOTICE alice :slow down: ..."
    deliver_control(SharedLine::build([&](std::string& out) { irc_->render(event, out); }));
    return;
  }
  const Renderer& renderer = loop_.renderers != nullptr ? (*loop_.renderers)[protocol()] : ClassicRenderer::plain();
  deliver_control(SharedLine::build([&](std::string& out) { renderer.render(event, out); }));
}

// close_notify for a TLS peer whose handshake was done (best effort: the
// socket closes right after).
Connection::~Connection() { tls_.shutdown(); }

tls::Result Connection::handshake() {
  tls::Result r = tls_.handshake();
  if (r.status == tls::Status::done) {
    handshaking = false;
    // kTLS: the kernel encrypts what is written to the socket, so queued
    // shared lines go out with the same writev as on a plain connection.
    user_space_tls_ = !tls_.ktls_send();
  }
  return r;
}

ssize_t Connection::read_tls(std::span<char> out) {
  if (tls_eof_) {
    tls_more_ = false;
    if (!tls_failed_) return 0;
    errno = EIO;
    return -1;
  }
  std::size_t got = 0;
  while (got < out.size()) {
    tls::Result r = tls_.read(out.subspan(got));
    if (r.status == tls::Status::done) {
      got += r.bytes;
      continue;
    }
    // want_write (a TLS 1.3 key update answer waiting for socket space)
    // counts as nothing more to read; the next event retries.
    if (r.status == tls::Status::want_read || r.status == tls::Status::want_write) break;
    tls_eof_ = true;
    tls_failed_ = r.status == tls::Status::error;
    if (!r.socket_error) tls_error_ = std::move(r.error);
    break;
  }
  // Bytes OpenSSL decrypted but did not return, or an EOF behind the bytes
  // returned: no poller event will tell, so the reactor lists a backlog.
  tls_more_ = tls_eof_ || tls_.pending() > 0;
  if (got > 0) return static_cast<ssize_t>(got);
  if (tls_eof_) return read_tls(out);
  errno = EAGAIN;
  return -1;
}

void Connection::deliver(const SharedLine& line) { queue(line, OutputQueue::Kind::normal); }

void Connection::receive(const Renderers& renderers, const Event& event) {
  if (irc_ == nullptr) [[likely]] {
    deliver(renderers.render(protocol(), event));
    return;
  }
  std::string out;
  irc_->render(event, out);
  if (!out.empty()) deliver(make_line(out));
}

bool Connection::accepts_replay(std::size_t bytes, std::size_t lines) {
  rate_limiter.charge(static_cast<double>(bytes / kReplayBytesPerLine));  // under 1 KiB: free
  // Not built for a client that reads nothing, nor past its address's
  // budget (a reconnect starts a fresh rate limiter, not a fresh budget).
  if (output_.bytes() > kReplayBacklog || !loop_.replay_budget.take(peer_, bytes, loop_.now)) {
    output_.skip_reply();
    ++loop_.counters.lines_skipped;
    return false;
  }
  return accepts_reply(bytes, lines);
}

bool Connection::accepts_reply(std::size_t bytes, std::size_t lines) {
  if (output_.admit_reply(bytes, lines)) return true;
  ++loop_.counters.lines_skipped;
  return false;
}

void Connection::deliver_control(const SharedLine& line) { queue(line, OutputQueue::Kind::control); }

void Connection::resume() {
  if (paused && !dead) loop_.to_resume.push_back(this);
}

void Connection::drop(DropReason why) {
  switch (why) {
    case DropReason::kicked: closing_because(Disconnect::kicked); break;
    case DropReason::banned: closing_because(Disconnect::banned); break;
    case DropReason::replaced: closing_because(Disconnect::replaced); break;
  }
  member.reset();
  reading = false;
  if (!dead) loop_.to_drop.push_back(this);
}

void Connection::queue(const SharedLine& line, OutputQueue::Kind kind) {
  if (dead) return;
  if (web_ != nullptr && web_->close_sent) [[unlikely]] return;  // nothing after our close frame
  if (!output_.push(line, loop_.now, kind)) {
    ++loop_.counters.lines_skipped;
    return;
  }
  ++loop_.counters.deliveries;
  if (!flush_scheduled) {
    flush_scheduled = true;
    loop_.to_flush.push_back(this);
  }
}

void Connection::send_response(const SharedLine& response) { queue(response, OutputQueue::Kind::response); }

Connection::IoStatus Connection::read_request_head(std::span<char> scratch) {
  // One byte past the limit is enough to know the head is too large.
  const std::size_t room = web::kMaxRequestHead + 1 - std::min(web_->head.size(), web::kMaxRequestHead + 1);
  if (room == 0) return IoStatus::ok;
  const std::span<char> into = scratch.first(std::min(room, scratch.size()));
  const ssize_t n = is_tls() ? read_tls(into) : ::read(fd_.get(), into.data(), into.size());
  if (n > 0) {
    web_->head.append(into.data(), static_cast<std::size_t>(n));
    return IoStatus::ok;
  }
  if (n == 0) return IoStatus::eof;
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return IoStatus::ok;
  return IoStatus::error;
}

void Connection::start_websocket(std::size_t head_used) {
  web_->upgraded = true;
  web_request = false;
  web_->last_heard = loop_.now;
  // Frames sent right behind the request are lines waiting for a turn.
  if (head_used < web_->head.size()) backlog_.assign(std::string_view(web_->head).substr(head_used));
  std::string().swap(web_->head);
  backlog_at_ = 0;
}

void Connection::queue_ws_control(web::Opcode opcode, std::string_view payload) {
  deliver_control(SharedLine::build([&](std::string& out) { web::append_frame(out, opcode, payload); }));
}

void Connection::ws_close(std::uint16_t code, std::string_view reason) {
  if (!is_websocket() || web_->close_sent) return;
  deliver_control(SharedLine::build([&](std::string& out) { web::append_close(out, code, reason); }));
  web_->close_sent = true;
}

bool Connection::ws_keepalive_lost(OutputQueue::Clock::time_point now, std::chrono::seconds after,
                                   std::chrono::seconds pong_within) {
  if (!is_websocket() || web_->close_sent) return false;
  if (web_->ping_sent) return now - *web_->ping_sent >= pong_within;
  if (now - web_->last_heard >= after) {
    queue_ws_control(web::Opcode::ping, {});
    web_->ping_sent = now;
  }
  return false;
}

Connection::IoStatus Connection::flush() {
  if (user_space_tls_) return flush_tls();
  // Up to IOV_MAX (1024 on Linux) lines per writev: under load a receiver
  // collects dozens of lines per loop iteration, and each extra syscall
  // costs more than the lines it carries. 16 KiB of stack.
  std::array<iovec, kMaxIovecs> iov;
  while (!output_.empty()) {
    const std::size_t count = output_.gather(iov);
    std::size_t offered = 0;
    for (std::size_t i = 0; i < count; ++i) offered += iov[i].iov_len;

    const ssize_t n = ::writev(fd_.get(), iov.data(), static_cast<int>(count));
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return IoStatus::ok;
      return IoStatus::error;
    }
    output_.consume(static_cast<std::size_t>(n), loop_.now);
    loop_.counters.bytes_sent += static_cast<std::size_t>(n);
    if (static_cast<std::size_t>(n) < offered) return IoStatus::ok;  // socket buffer full
  }
  return IoStatus::ok;
}

Connection::IoStatus Connection::sent(const SendBatch& batch, std::size_t i, bool& again) {
  again = false;
  switch (batch.apply(i, output_, loop_.now)) {
    case SendBatch::Outcome::sent:
      again = !output_.empty();
      return IoStatus::ok;
    case SendBatch::Outcome::short_send:  // socket buffer full
    case SendBatch::Outcome::would_block:
      return IoStatus::ok;
    case SendBatch::Outcome::not_sent:
      again = true;
      return IoStatus::ok;
    case SendBatch::Outcome::failed:
      return IoStatus::error;
  }
  return IoStatus::ok;
}

}  // namespace chat

namespace chat {

Connection::IoStatus Connection::flush_tls() {
  // Each receiver encrypts its own copy: the queue's first bytes are copied
  // into one record-sized buffer (16 KiB of stack) and handed to OpenSSL.
  // They leave the queue only once OpenSSL took them, so after want_write
  // the queue still starts with the same bytes and the retry copies
  // exactly those again (SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER allows the new
  // address).
  std::array<char, kTlsRecord> record;
  while (!output_.empty()) {
    const std::size_t len = output_.copy_front(std::span(record).first(tls_retry_ != 0 ? tls_retry_ : record.size()));
    tls::Result r = tls_.write(std::span<const char>(record.data(), len));
    switch (r.status) {
      case tls::Status::done:
        tls_retry_ = 0;
        output_.consume(r.bytes, loop_.now);
        loop_.counters.bytes_sent += r.bytes;
        continue;  // a short write means the socket is full: the next one says so
      case tls::Status::want_write:
      case tls::Status::want_read:  // renegotiation is refused: not expected
        tls_retry_ = len;
        return IoStatus::ok;
      case tls::Status::closed:
      case tls::Status::error:
        if (r.status == tls::Status::error && !r.socket_error) tls_error_ = std::move(r.error);
        return IoStatus::error;
    }
  }
  return IoStatus::ok;
}

}  // namespace chat
