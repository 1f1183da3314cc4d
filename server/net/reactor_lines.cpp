// The reactor's line path: reading and framing a connection's lines into
// the chat, serving backlogs and rate-limit reports, flushing every queue
// that got output, and taking leavers out of the chat (settle()).
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "net/reactor.h"

namespace chat {

namespace {

// Lines handled per connection per wake-up (lines the rate limit drops are
// nearly free and do not count). A client that writes 100 KB of "x\n" at
// once with --rate-limit 0 gets this many lines handled, then everyone
// else gets a turn: its burst cannot make the loop broadcast 50,000 lines
// before anyone else is read (docs/SECURITY.md). A paste takes a turn or two.
constexpr std::size_t kLinesPerWakeup = 64;
// --engine uring: the most iovecs one round of sends points at (256 KiB of
// them). A batch holds every receiver's iovecs at once, where a writev
// needs one receiver's on the stack: without a bound, 1,000 receivers of a
// connection storm, 1,000 "entered" lines each, held 16 MB of iovecs
// (storm1000's peak RSS doubled). Receivers past the bound go next round.
constexpr std::size_t kRoundIovecs = 16 * 1024;

}  // namespace

void Reactor::on_readable(Connection& conn) {
  if (conn.paused) return;  // an event from before it paused
  if (conn.read_turn == iteration_ && iteration_ != 0) return;  // one turn per wake-up
  conn.read_turn = iteration_;
  // A WebSocket's pongs are not input: only its lines keep it from idling.
  if (!conn.is_websocket()) conn.last_input = loop_.now;
  using Cost = Connection::FrameCost;
  const auto status = conn.read_lines(scratch_, kLinesPerWakeup, [&](const Frame& frame) {
    if (conn.is_websocket()) [[unlikely]] conn.last_input = loop_.now;
    ++loop_.counters.lines_received;
    if (frame.kind == Frame::Kind::too_long) [[unlikely]] {
      ++loop_.counters.lines_too_long;
      conn.notice(Event{.kind = Event::Kind::line_too_long, .count = limits_.max_line});
      return Cost::counted;
    }
    // Every line counts, commands included, before it is interpreted: a
    // burst of /nick, /who or /join costs what a burst of text does.
    const RateLimiter::Decision rate = conn.rate_limiter.on_line(loop_.now);
    if (rate.report_dropped > 0) conn.notice(Event{.kind = Event::Kind::slow_down, .count = rate.report_dropped});
    if (!rate.pass) {
      ++loop_.counters.lines_rate_limited;
      return Cost::free;  // dropped unparsed: not worth a turn
    }
    if (conn.irc() != nullptr) [[unlikely]] return on_irc_line(conn, frame.text);
    if (!conn.member) [[unlikely]] return Cost::stop;  // the chat dropped it (Member::drop)
    // The classic line protocol: its parser reads the line into a Command.
    switch (chat_.handle(*conn.member, parse_command(frame.text))) {
      case Chat::Outcome::stay:
        return Cost::counted;
      case Chat::Outcome::quit:
        conn.closing_because(Disconnect::quit);
        leave_room(conn);
        return Cost::stop;
      case Chat::Outcome::wait:  // a /nick claim in the cluster: later lines wait for its answer
        conn.paused = true;
        return Cost::pause;
    }
    return Cost::counted;
  });
  if (conn.paused) [[unlikely]] {
    // Not read, not served until resume_paused(): no readable events meanwhile.
    update_interest(conn, conn.interest & ~kReadable);
  } else if (conn.has_backlog() && !conn.backlog_listed && conn.reading) {
    conn.backlog_listed = true;
    backlogged_.push_back(conn.fd());
  }
  if (conn.rate_limiter.report_due() && !conn.report_listed) {
    conn.report_listed = true;
    report_waiters_.push_back(conn.fd());
  }

  if (status == Connection::IoStatus::error) {
    if (conn.is_tls() && !conn.tls_error().empty()) {
      diagnostic("TLS error", "TLS error: " + conn.peer_name() + ": " + conn.tls_error());
    }
    close_connection(conn, Disconnect::reset);
  } else if (status == Connection::IoStatus::eof) {
    conn.closing_because(Disconnect::eof);
    // The peer may only have half-closed (nc at end of input, chat in pipe
    // mode): it still gets what is queued for it, then we close.
    leave_room(conn);
  }
  if (conn.reading || conn.dead) return;
  conn.ws_close(web::close_code::normal);  // /quit or EOF: our close frame ends the WebSocket
  // No more input: stop watching for it (a level-triggered poller would
  // report the EOF forever) and close once the output is out.
  if (conn.output().empty()) {
    close_connection(conn);
  } else {
    update_interest(conn, kWritable);
  }
}

void Reactor::serve_backlogs() {
  // Connections whose socket had more lines than one turn's share: the
  // lines are already read, so no poller event will come for them.
  std::vector<int> waiting = std::move(backlogged_);
  backlogged_.clear();
  for (int fd : waiting) {
    Connection* conn = connection(fd);
    if (conn == nullptr) continue;
    conn->backlog_listed = false;
    if (conn->dead || !conn->reading || conn->paused || !conn->has_backlog()) continue;
    if (conn->read_turn == iteration_) {  // had its turn through an event
      conn->backlog_listed = true;
      backlogged_.push_back(fd);
      continue;
    }
    on_readable(*conn);
  }
}

void Reactor::send_due_reports() {
  // "! slow down: N messages dropped" once the burst is over, not when the
  // next line comes (which may be never).
  for (std::size_t i = 0; i < report_waiters_.size();) {
    Connection* conn = connection(report_waiters_[i]);
    if (conn != nullptr && !conn->dead && conn->reading) {
      if (const std::size_t dropped = conn->rate_limiter.take_due_report(loop_.now)) {
        conn->notice(Event{.kind = Event::Kind::slow_down, .count = dropped});
      }
      if (conn->rate_limiter.report_due()) {
        ++i;
        continue;
      }
    }
    if (conn != nullptr) conn->report_listed = false;
    report_waiters_[i] = report_waiters_.back();
    report_waiters_.pop_back();
  }
}

void Reactor::leave_room(Connection& conn) {
  conn.reading = false;
  if (conn.member) {
    // Announced in settle(), after every connection found dead meanwhile is
    // marked so: the "left" lines go only to those still there.
    pending_leaves_.push_back(*conn.member);
    conn.member.reset();
  }
}

void Reactor::process_leaves() {
  for (std::size_t i = 0; i < pending_leaves_.size(); ++i) chat_.leave(pending_leaves_[i]);
  pending_leaves_.clear();
}

void Reactor::resume_paused() {
  // Connections whose /nick the cluster has answered (Connection::resume):
  // their next lines, read or still in the socket, get turns again.
  std::vector<Connection*> resumed = std::move(loop_.to_resume);
  loop_.to_resume.clear();
  for (Connection* conn : resumed) {
    if (conn->dead || !conn->paused) continue;
    conn->paused = false;
    if (!conn->reading) continue;
    update_interest(*conn, conn->interest | kReadable);
    if (!conn->dead && conn->has_backlog() && !conn->backlog_listed) {
      conn->backlog_listed = true;
      backlogged_.push_back(conn->fd());
    }
  }
}

void Reactor::close_dropped() {
  std::vector<Connection*> dropped = std::move(loop_.to_drop);
  loop_.to_drop.clear();
  for (Connection* conn : dropped) {
    if (conn->dead) continue;
    if (conn->output().empty()) {
      close_connection(*conn);
    } else {
      update_interest(*conn, kWritable);  // on_writable closes it once flushed
    }
  }
}

void Reactor::take_passwords() {
  char bytes[64];
  while (::read(password_wake_read_.get(), bytes, sizeof bytes) > 0) {
  }
  for (PasswordResult& result : passwords_->drain()) chat_.on_password(std::move(result));
}

void Reactor::settle() {
  if (!loop_.to_resume.empty()) [[unlikely]] resume_paused();
  if (!loop_.to_drop.empty()) [[unlikely]] close_dropped();
  // Announcing leaves queues output; flushing it can find more dead peers,
  // whose leaves are announced in turn.
  do {
    process_leaves();
    flush_scheduled();
  } while (!pending_leaves_.empty());
}

void Reactor::on_writable(Connection& conn) { after_flush(conn, conn.flush()); }

void Reactor::after_flush(Connection& conn, Connection::IoStatus status) {
  if (status == Connection::IoStatus::error) {
    if (conn.is_tls() && !conn.tls_error().empty()) {
      diagnostic("TLS error", "TLS error: " + conn.peer_name() + ": " + conn.tls_error());
    }
    close_connection(conn, Disconnect::reset);
    return;
  }
  if (conn.output().empty() && !conn.reading) {
    close_connection(conn);
    return;
  }
  const unsigned reads = conn.reading && !conn.paused ? kReadable : kNone;
  update_interest(conn, reads | (conn.output().empty() ? kNone : kWritable));
}

void Reactor::flush_scheduled() {
  if (sender_ != nullptr) {
    flush_batched();
    return;
  }
  // Try to write everything queued during this iteration now, before
  // sleeping: most sockets take it at once, and only those that come up
  // short get write interest. Indexing, not iterators: closing one
  // connection delivers its "left" line to others, which may append here.
  for (std::size_t i = 0; i < loop_.to_flush.size(); ++i) {
    Connection& conn = *loop_.to_flush[i];
    conn.flush_scheduled = false;
    if (conn.dead) continue;
    if (!(conn.interest & kWritable)) on_writable(conn);
  }
  loop_.to_flush.clear();
}

void Reactor::flush_batched() {
  // The same as flush_scheduled(), with every queue's send of a round
  // handed to the engine at once (one io_uring_enter, not one writev per
  // receiver). The entries point at the queued shared lines themselves.
  // Rounds go on while some queue has more than one entry's worth, or got
  // lines from a leave announced meanwhile.
  while (!loop_.to_flush.empty()) {
    round_.swap(loop_.to_flush);
    batch_.clear();
    for (Connection* conn : round_) {
      conn->flush_scheduled = false;
      if (conn->dead || (conn->interest & kWritable)) continue;
      if (!conn->sends_in_batch() || conn->output().empty()) {
        on_writable(*conn);  // TLS in user space; or nothing left to send
        continue;
      }
      const std::size_t used = batch_.empty() ? 0 : batch_.entry(batch_.size() - 1).first + batch_.entry(batch_.size() - 1).count;
      if (used + SendBatch::kMaxIovecs > kRoundIovecs) {
        conn->flush_scheduled = true;  // next round
        loop_.to_flush.push_back(conn);
        continue;
      }
      conn->add_to(batch_);
    }
    round_.clear();
    if (batch_.empty()) continue;
    if (const auto ec = sender_->send(batch_)) [[unlikely]] {
      // What was not sent is written the ordinary way below.
      diagnostic("uring send", std::string(poller_->name()) + " send batch failed: " + ec.message());
    }
    for (std::size_t i = 0; i < batch_.size(); ++i) {
      auto& conn = *static_cast<Connection*>(batch_.entry(i).owner);
      if (conn.dead) continue;
      bool again = false;
      const Connection::IoStatus status = conn.sent(batch_, i, again);
      if (again && batch_.entry(i).result == SendBatch::kNotSent) {
        on_writable(conn);
        continue;
      }
      if (again) {
        if (!conn.flush_scheduled) {
          conn.flush_scheduled = true;
          loop_.to_flush.push_back(&conn);
        }
        continue;
      }
      after_flush(conn, status);
    }
  }
}

void Reactor::update_interest(Connection& conn, unsigned interest) {
  if (interest == conn.interest) return;
  if ((interest & kWritable) && !(conn.interest & kWritable)) ++write_waiters_;
  if (!(interest & kWritable) && (conn.interest & kWritable)) --write_waiters_;
  conn.interest = interest;
  if (const auto ec = poller_->modify(conn.fd(), interest)) {
    diagnostic("cannot update", "cannot update " + conn.peer_name() + ": " + ec.message());
    close_connection(conn);
  }
}

void Reactor::close_connection(Connection& conn, Disconnect why) {
  if (conn.dead) return;
  conn.closing_because(why);
  ++loop_.counters.disconnects[static_cast<std::size_t>(conn.close_reason)];
  if (conn.handshaking) --handshakes_;
  if (conn.web_request) --web_requests_;
  if (conn.is_websocket()) --websockets_;
  conn.web_request = false;
  conn.handshaking = false;
  leave_room(conn);
  if (conn.interest & kWritable) --write_waiters_;
  conn.dead = true;
  admission_.release(conn.peer());
  dead_fds_.push_back(conn.fd());
}

}  // namespace chat
