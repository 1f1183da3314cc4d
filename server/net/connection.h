// One client's connection: its socket, its line framer (the read side) and
// its output queue (the write side). The reactor drives it; the chat sees it
// only as a Member to deliver lines to.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/member.h"
#include "core/renderer.h"
#include "irc/irc_client.h"
#include "line_framer.h"
#include "metrics/loop_counters.h"
#include "net/output_queue.h"
#include "net/rate_limiter.h"
#include "net/limits.h"
#include "net/send_batch.h"
#include "net/send_progress.h"
#include "net/web_session.h"
#include "socket_address.h"
#include "tls_stream.h"
#include "unique_fd.h"
#include "web/websocket.h"

namespace chat {

// State shared by every connection of one loop: the time of the current
// iteration (so a broadcast to 10,000 receivers reads the clock once) and
// the connections that got output during it, flushed before the loop sleeps.
struct LoopContext {
  OutputQueue::Clock::time_point now{};
  std::vector<class Connection*> to_flush;
  // Connections whose wait for the cluster (a /nick claim) is over: the
  // reactor hands them lines again (Reactor::resume_paused).
  std::vector<class Connection*> to_resume;
  // Connections the chat removed (Member::drop): closed once their output
  // is out (Reactor::close_dropped).
  std::vector<class Connection*> to_drop;
  // The protocols' renderers, for the notices connections send on their
  // own ("! 3 messages skipped"); none: the classic protocol's.
  const Renderers* renderers = nullptr;
  // What --metrics reports of this loop (plain integers: one thread).
  LoopCounters counters;
  // --replay-rate: history replay bytes per source address (off unless
  // the reactor sets it).
  ReplayBudget replay_budget{0};
};

class Connection final : public Member {
 public:
  // `tls`: a server-side TLS stream on `fd` (a connection to the TLS port),
  // or empty for plain TCP. `protocol`: what its lines are rendered in.
  // `web`: a connection to the web port (its HTTP request first, then a
  // WebSocket whose messages are the lines).
  // `irc`: a connection to the IRC port (its lines are IRC messages,
  // read by that client; docs/IRC.md).
  Connection(UniqueFd fd, PeerAddress peer, const ServerLimits& limits, LoopContext& loop, tls::Stream tls = {},
             ProtocolId protocol = kCanonicalProtocol, bool web = false, std::unique_ptr<irc::IrcClient> irc = {});
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Member: queue a line (or count it as skipped) and schedule a flush.
  void deliver(const SharedLine& line) override;
  // Member: an IRC client renders its own replies (its nick, its caps).
  void receive(const Renderers& renderers, const Event& event) override;
  // Member: IRC's USER and AWAY, for WHO.
  [[nodiscard]] UserInfo user_info() const override { return irc_ != nullptr ? irc_->user_info() : UserInfo{}; }
  // The IRC port's client, or none.
  [[nodiscard]] irc::IrcClient* irc() const noexcept { return irc_.get(); }
  bool accepts_reply(std::size_t bytes, std::size_t lines) override;
  // A replay costs --rate-limit lines by size, and is not built while
  // earlier output waits in the queue (net/limits.h: kReplayBacklog).
  bool accepts_replay(std::size_t bytes, std::size_t lines) override;
  // A line the server must get through (shutdown, idle disconnect, refusal,
  // drop notice): queued within OutputQueue::kControlReserve past the limit.
  void deliver_control(const SharedLine& line);
  // A notice the network layer sends on its own ("! slow down: ..."),
  // rendered in this connection's protocol and queued as a control line.
  void notice(const Event& event);
  // The limits changed (SIGHUP): --rate-limit and --max-queue apply to it
  // from now on (--max-line does not change live).
  void set_limits(const ServerLimits& limits) noexcept {
    rate_limiter.set_limit(limits.rate_limit);
    output_.set_limit(limits.max_queue);
  }
  enum class IoStatus { ok, eof, error };

  // The web port. An HTTP response, queued whatever --max-queue says (its
  // size is bounded by the embedded files).
  void send_response(const SharedLine& response);
  // Reads the request head (plain or TLS) into request_head(), never
  // holding more than web::kMaxRequestHead + 1 bytes.
  IoStatus read_request_head(std::span<char> scratch);
  [[nodiscard]] std::string_view request_head() const noexcept { return web_->head; }
  // The 101 is queued: the bytes after the head's first `head_used` are
  // the first WebSocket frames, and lines flow as frames from here on.
  void start_websocket(std::size_t head_used);
  [[nodiscard]] bool is_web() const noexcept { return web_ != nullptr; }
  [[nodiscard]] bool is_websocket() const noexcept { return web_ != nullptr && web_->upgraded; }
  // Queues our close frame (once); nothing is queued after it.
  void ws_close(std::uint16_t code, std::string_view reason = {});
  // Keepalive: a ping when the peer has been silent `after`; true if a ping
  // sent earlier has waited `pong_within` for any answer (the peer is gone).
  bool ws_keepalive_lost(OutputQueue::Clock::time_point now, std::chrono::seconds after,
                         std::chrono::seconds pong_within);
  // Member: the line that paused this connection is answered.
  void resume() override;
  // Member: over TLS, or from loopback.
  [[nodiscard]] bool confidential() const override { return is_tls() || peer_.loopback; }
  // Member: the chat removed it; it reads no more and closes once flushed.
  void drop(DropReason why) override;

  // What on_frame says about a line: it cost a share of the budget (it was
  // handled), it was nearly free (dropped by the rate limit), reading must
  // stop (the connection is closing), or it must pause: the lines after it
  // wait, unread or in the backlog, until the reactor resumes it.
  enum class FrameCost { counted, free, stop, pause };

  // Hands lines to on_frame(const Frame&) -> FrameCost until `budget` of
  // them were counted: first those left over from the last call, then what
  // the socket has. Bytes read past the
  // budget are kept (at most one read's worth, and the socket is not read
  // again until they are used), so one sender's 100 KB burst costs the
  // others one fair share per wake-up, not the whole burst.
  template <class OnFrame>
  IoStatus read_lines(std::span<char> scratch, std::size_t budget, OnFrame&& on_frame);
  // Whether lines read from the socket are still waiting for a turn (or,
  // over TLS, bytes OpenSSL decrypted, or its EOF, that no poller event
  // will announce).
  [[nodiscard]] bool has_backlog() const noexcept { return backlog_at_ < backlog_.size() || tls_more_; }

  // Writes queued output until the queue is empty or the socket is full:
  // writev on the socket (plain, or kTLS), or records of up to 16 KiB
  // through OpenSSL. `ok` with output still queued means "wait until
  // writable".
  IoStatus flush();

  // --engine uring: whether this connection's output goes out in the
  // reactor's send batch (a plain or kTLS socket, the handshake done; with
  // TLS in user space each receiver encrypts its own copy: flush()).
  [[nodiscard]] bool sends_in_batch() const noexcept { return !user_space_tls_ && !handshaking; }
  // Adds this connection's queued bytes to `batch`, as one entry.
  void add_to(SendBatch& batch) const { batch.add(fd_.get(), const_cast<Connection*>(this), output_); }
  // Applies the result of entry `i` of `batch` (this connection's), with
  // what flush() would have returned. `again`: everything offered went and
  // more is queued (a queue longer than one entry), or nothing was sent
  // (EINTR, or the engine failed): go on flushing.
  IoStatus sent(const SendBatch& batch, std::size_t i, bool& again);

  // TLS only: one step of the handshake. Once it is done, lines flow as
  // on a plain connection.
  tls::Result handshake();
  [[nodiscard]] bool is_tls() const noexcept { return static_cast<bool>(tls_); }
  // Why the last TLS read or write failed, if TLS failed ("" if none did,
  // or if the socket failed as it can for a plain connection: not logged).
  [[nodiscard]] const std::string& tls_error() const noexcept { return tls_error_; }
  [[nodiscard]] std::string tls_description() const { return tls_.description(); }
  [[nodiscard]] bool kernel_encrypts() const noexcept { return is_tls() && !user_space_tls_; }

  // While output waits for a full socket: whether the peer took bytes out
  // of the kernel's send queue since the last call (see send_progress.h).
  bool peer_read_since_last_check() { return send_progress_.peer_read_since_last_check(fd_.get()); }

  [[nodiscard]] int fd() const noexcept { return fd_.get(); }
  [[nodiscard]] const PeerAddress& peer() const noexcept { return peer_; }
  [[nodiscard]] const std::string& peer_name() const noexcept { return peer_name_; }
  [[nodiscard]] const OutputQueue& output() const noexcept { return output_; }
  void note_output_progress(OutputQueue::Clock::time_point now) noexcept { output_.note_progress(now); }

  // The reactor's bookkeeping for this connection.
  std::optional<MemberId> member;  // set while in the chat
  bool reading = true;                   // false after EOF, /quit or shutdown
  bool paused = false;                   // a line awaits the cluster: no more lines until resume()
  bool dead = false;                     // closed this iteration; reaped after it
  bool flush_scheduled = false;          // already in LoopContext::to_flush
  unsigned interest = 0;                 // what the poller watches for
  OutputQueue::Clock::time_point last_input;  // for --idle-timeout
  RateLimiter rate_limiter;                   // for --rate-limit
  std::uint64_t read_turn = 0;     // the loop iteration that last read this connection
  bool backlog_listed = false;     // in the reactor's list of connections with a backlog
  bool report_listed = false;      // in the reactor's list of drop reports to send
  bool handshaking = false;        // TLS: not in the room until the handshake is done
  Disconnect close_reason = Disconnect::none;  // the first reason found to close it (--metrics)

  // Records why it is closing, unless a reason was found before.
  void closing_because(Disconnect why) noexcept {
    if (close_reason == Disconnect::none) close_reason = why;
  }
  bool web_request = false;        // web port: the request head is not answered yet

 private:
  // Queues `line` as `kind` and schedules a flush (deliver, deliver_control).
  void queue(const SharedLine& line, OutputQueue::Kind kind);
  // read() for TLS: decrypts into `out` until it is full or the socket has
  // nothing more; -1 with errno EAGAIN when nothing was there.
  ssize_t read_tls(std::span<char> out);
  IoStatus flush_tls();
  [[nodiscard]] bool backlog_left() const noexcept { return backlog_at_ < backlog_.size(); }
  // Decodes WebSocket frames: text messages go to `handle` as lines, pings
  // are answered, a close or a breach ends reading (web_->ended).
  template <class Handle, class Count>
  std::size_t feed_websocket(std::string_view bytes, Handle& handle, Count& count);
  void queue_ws_control(web::Opcode opcode, std::string_view payload);

  UniqueFd fd_;
  PeerAddress peer_;
  std::string peer_name_;
  LineFramer framer_;
  std::string backlog_;          // bytes read but not yet framed (over budget)
  std::size_t backlog_at_ = 0;   // how much of backlog_ is used
  OutputQueue output_;
  LoopContext& loop_;
  SendProgress send_progress_;
  tls::Stream tls_;
  bool user_space_tls_ = false;  // TLS, and OpenSSL encrypts (no kTLS send)
  bool tls_more_ = false;        // TLS bytes or EOF to read without an event
  bool tls_eof_ = false;         // TLS: closed (or failed) after the bytes returned
  bool tls_failed_ = false;      // TLS: that was a failure, not a close
  std::size_t tls_retry_ = 0;    // TLS: bytes of the write that wanted a retry
  std::string tls_error_;
  std::unique_ptr<WebSession> web_;  // the web port's state, or none
  std::unique_ptr<irc::IrcClient> irc_;  // the IRC port's client, or none
};

template <class OnFrame>
Connection::IoStatus Connection::read_lines(std::span<char> scratch, std::size_t budget, OnFrame&& on_frame) {
  std::size_t lines = 0;
  bool closing = false;
  bool pausing = false;
  // Hands one line to on_frame; whether framing may go on.
  auto handle = [&](const Frame& f) {
    switch (on_frame(f)) {
      case FrameCost::stop:
        closing = true;
        return false;
      case FrameCost::pause:
        pausing = true;
        return false;
      case FrameCost::free:
        return true;
      case FrameCost::counted:
        break;
    }
    return ++lines < budget;
  };
  // A WebSocket ping costs a share of the budget like a line.
  auto count = [&] { return ++lines < budget; };
  // Frames `bytes` until the budget is spent; returns how many were used.
  auto frame = [&](std::string_view bytes) {
    if (web_ != nullptr) [[unlikely]] return feed_websocket(bytes, handle, count);
    return framer_.feed(bytes, handle);
  };
  auto ended = [&] { return web_ != nullptr && web_->ended; };
  if (backlog_left()) {
    backlog_at_ += frame(std::string_view(backlog_).substr(backlog_at_));
    if (ended()) return IoStatus::eof;
    if (closing || backlog_left()) return IoStatus::ok;
    backlog_.clear();
    backlog_at_ = 0;
    if (pausing || lines >= budget) return IoStatus::ok;
  }
  // A few reads per wake-up at most, so one fast sender cannot starve the
  // others; level-triggered pollers report the rest next time.
  for (int round = 0; round < 4; ++round) {
    const ssize_t n = is_tls() ? read_tls(scratch) : ::read(fd_.get(), scratch.data(), scratch.size());
    if (n > 0) {
      const std::string_view bytes(scratch.data(), static_cast<std::size_t>(n));
      const std::size_t used = frame(bytes);
      if (ended()) return IoStatus::eof;
      if (closing) return IoStatus::ok;
      if (used < bytes.size()) {  // over budget or paused: the rest waits for its turn
        backlog_.assign(bytes.substr(used));
        return IoStatus::ok;
      }
      if (pausing) return IoStatus::ok;  // the socket is not read again until resumed
      // A short read means the socket is drained: skip the EAGAIN round trip.
      if (static_cast<std::size_t>(n) < scratch.size()) return IoStatus::ok;
      continue;
    }
    if (n == 0) return IoStatus::eof;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return IoStatus::ok;
    if (errno != EINTR) return IoStatus::error;
  }
  return IoStatus::ok;
}

template <class Handle, class Count>
std::size_t Connection::feed_websocket(std::string_view bytes, Handle& handle, Count& count) {
  web_->last_heard = loop_.now;  // any bytes answer a ping
  web_->ping_sent.reset();
  return web_->decoder.feed(bytes, [&](const web::WsEvent& e) {
    switch (e.kind) {
      case web::WsEvent::Kind::text:
        return handle(Frame{Frame::Kind::line, e.payload});
      case web::WsEvent::Kind::too_long:
        handle(Frame{Frame::Kind::too_long, {}});  // "! line too long", then 1009
        return true;
      case web::WsEvent::Kind::ping:
        // Only while nothing else waits: a ping flood cannot fill the
        // queue with pongs (RFC 6455 5.5.3 allows answering the last only).
        if (output_.empty()) queue_ws_control(web::Opcode::pong, e.payload);
        return count();
      case web::WsEvent::Kind::pong:
        return true;
      case web::WsEvent::Kind::close:
        ws_close(e.code == 1005 ? web::close_code::normal : e.code);
        web_->ended = true;
        return false;
      case web::WsEvent::Kind::fail:
        ws_close(e.code, e.payload);
        web_->ended = true;
        return false;
    }
    return false;
  });
}

}  // namespace chat
