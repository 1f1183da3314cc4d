#include "session/chat_session.h"

#include <poll.h>

#include <array>
#include <chrono>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "line_framer.h"
#include "tracking/arrival_filter.h"
#include "tracking/outgoing_line.h"
#include "tracking/timestamp.h"
#include "utf8.h"

namespace chat::client {

namespace {

constexpr std::size_t kReadChunk = std::size_t{64} * 1024;
// Server lines are at most --max-line bytes plus a name; this only bounds
// what a hostile server can make us buffer.
constexpr std::size_t kMaxServerLine = std::size_t{1024} * 1024;
constexpr std::size_t kMaxInputLine = std::size_t{1024} * 1024;
// Unsent bytes above which input is not read: a slow server slows the
// producer down instead of growing our buffer without bound.
constexpr std::size_t kPauseInputAbove = std::size_t{64} * 1024;

constexpr std::string_view kDisconnected = "! disconnected from server\n";

using Clock = std::chrono::steady_clock;

bool would_block(int error) { return error == EAGAIN || error == EWOULDBLOCK; }

// Writes all of `bytes` to `fd`, waiting if `fd` happens to be non-blocking
// (a terminal shared with another process may be). False on failure.
bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n >= 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
    } else if (would_block(errno)) {
      pollfd p{fd, POLLOUT, 0};
      (void)::poll(&p, 1, -1);
    } else if (errno != EINTR) {
      return false;
    }
  }
  return true;
}

class Session {
 public:
  Session(ServerStream server, const SessionConfig& config) : server_(std::move(server)), config_(config) {
    if (config_.nick && config_.password) {
      queue_to_server("/login " + *config_.nick + " " + *config_.password + "\n");
    } else if (config_.nick) {
      queue_to_server("/nick " + *config_.nick + "\n");
    }
    if (config_.room) {
      queue_to_server("/join " + *config_.room + "\n");
      arrival_.expect_join();  // only that room's history is shown
    }
  }

  int run() {
    for (;;) {
      if (input_ended_ && pending() == 0 && !half_closed_ && !write_failed_) {
        // Everything the user had to say is sent: tell the server with EOF,
        // and keep printing until it closes (it flushes to us first).
        server_.shutdown_write();
        half_closed_ = true;
      }

      int timeout_ms = -1;
      if (awaiting_greeting_) {
        const auto left = std::chrono::ceil<std::chrono::milliseconds>(greeting_deadline_ -
                                                                      Clock::now());
        if (left.count() <= 0) {
          awaiting_greeting_ = false;
        } else {
          timeout_ms = static_cast<int>(left.count());
        }
      }
      const bool want_input = !awaiting_greeting_ && !input_ended_ && !write_failed_ &&
                              pending() <= kPauseInputAbove;
      const bool want_out = pending() > 0 || server_.read_wants_write();
      std::array<pollfd, 3> fds{{
          {server_.fd(), static_cast<short>(POLLIN | (want_out ? POLLOUT : 0)), 0},
          {want_input ? config_.input_fd : -1, POLLIN, 0},
          {config_.signal_fd, POLLIN, 0},
      }};
      if (::poll(fds.data(), fds.size(), timeout_ms) < 0) {
        if (errno == EINTR) continue;  // a signal shows up on signal_fd
        return fail("poll", errno);
      }

      if (fds[2].revents != 0) {
        to_screen_ += clear_current_line(config_.terminal);
        to_screen_ += "exit\n";
        return flush_screen() ? 0 : 1;
      }
      if ((fds[0].revents & POLLOUT) != 0 || (server_.write_wants_read() && fds[0].revents != 0)) send_pending();
      // POLLNVAL too: a closed stdin reads as an error, then as end of input.
      if ((fds[1].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) != 0) read_input();
      if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0 || (server_.read_wants_write() && fds[0].revents != 0)) {
        if (const auto code = read_server()) {
          return flush_screen() ? *code : 1;
        }
      }
      // Send what the input produced right away rather than on the next turn.
      if (pending() > 0 && !write_failed_) send_pending();
      if (!flush_screen()) return 1;
    }
  }

 private:
  [[nodiscard]] std::size_t pending() const noexcept { return to_server_.size() - sent_; }

  void queue_to_server(std::string_view bytes) {
    if (sent_ > 0 && sent_ == to_server_.size()) {
      to_server_.clear();
      sent_ = 0;
    }
    to_server_.append(bytes);
  }

  void send_pending() {
    while (pending() > 0) {
      const IoResult r = server_.write(std::string_view(to_server_).substr(sent_));
      if (r.kind == IoResult::Kind::bytes) {
        sent_ += r.count;
      } else if (r.kind == IoResult::Kind::would_block) {
        break;
      } else {
        // The connection is broken (EPIPE, ECONNRESET). Stop sending; the
        // read side sees the end too and reports it after any last lines.
        write_failed_ = true;
        to_server_.clear();
        sent_ = 0;
        return;
      }
    }
    if (sent_ == to_server_.size()) {
      to_server_.clear();
      sent_ = 0;
    } else if (sent_ > kReadChunk && sent_ * 2 > to_server_.size()) {
      to_server_.erase(0, sent_);  // keep the buffer from creeping forward forever
      sent_ = 0;
    }
  }

  // Returns the exit code once the server has closed the connection.
  std::optional<int> read_server() {
    char buf[kReadChunk];
    IoResult r;
    do {  // TLS may hold decrypted bytes poll() cannot see: take them all
      r = server_.read(buf);
      if (r.kind == IoResult::Kind::bytes) print_server_bytes(std::string_view(buf, r.count));
    } while (r.kind == IoResult::Kind::bytes && server_.has_buffered());
    if (r.kind != IoResult::Kind::closed) return std::nullopt;

    // EOF or reset. A last line without "\n" is still shown.
    if (server_lines_.buffered() > 0) print_server_bytes("\n");
    if (input_ended_ && !write_failed_ && pending() == 0) return 0;  // the expected close
    stamp();
    to_screen_ += kDisconnected;
    return 1;
  }

  void print_server_bytes(std::string_view bytes) {
    server_lines_.feed(bytes, [this](const Frame& frame) {
      if (frame.kind == Frame::Kind::too_long) {
        to_screen_ += "! overlong line from server skipped\n";
      } else {
        awaiting_greeting_ = false;
        if (arrival_.hide(frame.text)) return true;
        stamp();
        // The server sanitizes what users send, but we trust no server with
        // our terminal: no escape sequence reaches it from the network.
        append_sanitized(to_screen_, frame.text);
        to_screen_ += '\n';
      }
      return true;
    });
  }

  void read_input() {
    char buf[kReadChunk];
    const ssize_t n = ::read(config_.input_fd, buf, sizeof buf);
    if (n > 0) {
      input_lines_.feed(std::string_view(buf, static_cast<std::size_t>(n)),
                        [this](const Frame& frame) { return on_input_line(frame); });
      return;
    }
    if (n < 0 && (errno == EINTR || would_block(errno))) return;
    if (n < 0) {
      const std::string message = std::string("chat: cannot read input: ") + std::strerror(errno) + "\n";
      (void)write_all(config_.error_fd, message);
    }
    // End of input (Ctrl-D on a terminal). A last line without "\n" counts.
    if (input_lines_.buffered() > 0) {
      input_lines_.feed("\n", [this](const Frame& frame) { return on_input_line(frame); });
    }
    input_ended_ = true;
  }

  // Returns false to drop the rest of the input (after /quit).
  bool on_input_line(const Frame& frame) {
    if (input_ended_) return false;
    if (frame.kind == Frame::Kind::too_long) {
      to_screen_ += "! input line too long (max " + std::to_string(kMaxInputLine) +
                    " bytes), not sent\n";
      return true;
    }
    const OutgoingLine out = translate_outgoing(frame.text);
    if (!out.to_send.empty()) queue_to_server(out.to_send);
    if (!out.to_print.empty()) {
      to_screen_ += echo_replacement(config_.terminal);
      stamp();
      to_screen_ += out.to_print;
      to_screen_ += '\n';
    }
    if (out.quits) input_ended_ = true;
    return !out.quits;
  }

  // --timestamps: the local time before the line about to be added.
  void stamp() {
    if (config_.timestamps) to_screen_ += timestamp_now();
  }

  // One write per loop turn: consumers of a pipe see whole lines promptly.
  bool flush_screen() {
    if (to_screen_.empty()) return true;
    const bool ok = write_all(config_.output_fd, to_screen_);
    to_screen_.clear();
    if (!ok) {
      const std::string message = std::string("chat: cannot write output: ") + std::strerror(errno) + "\n";
      (void)write_all(config_.error_fd, message);
    }
    return ok;
  }

  int fail(const char* what, int error) {
    (void)flush_screen();
    const std::string message = std::string("chat: ") + what + ": " + std::strerror(error) + "\n";
    (void)write_all(config_.error_fd, message);
    return 1;
  }

  ServerStream server_;
  SessionConfig config_;
  std::string to_server_;  // bytes queued for the server; [sent_, size) still unsent
  std::size_t sent_ = 0;
  std::string to_screen_;  // output collected during one loop turn
  LineFramer server_lines_{kMaxServerLine};
  LineFramer input_lines_{kMaxInputLine};
  Clock::time_point greeting_deadline_ = Clock::now() + config_.greeting_wait;
  bool awaiting_greeting_ = true;  // no server line yet: hold input back
  bool input_ended_ = false;  // EOF on input or /quit: nothing more to send
  bool half_closed_ = false;
  bool write_failed_ = false;
  ArrivalFilter arrival_;  // chat --room: hides the default room's replay
};

}  // namespace

int run_session(ServerStream server, const SessionConfig& config) {
  return Session(std::move(server), config).run();
}

}  // namespace chat::client
