#include "interactive_session.h"

#include <poll.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <memory>
#include <string_view>

#include "async_connect.h"
#include "colors.h"
#include "command.h"
#include "connect.h"
#include "display_width.h"
#include "history.h"
#include "key_decoder.h"
#include "line_editor.h"
#include "nick_tracker.h"
#include "outgoing_line.h"
#include "room_tracker.h"
#include "reconnect_backoff.h"
#include "screen.h"
#include "server_link.h"
#include "signals.h"
#include "terminal.h"
#include "timestamp.h"
#include "utf8.h"

namespace chat::client {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::string_view kPrompt = "\xC2\xBB ";  // "» "
// How long a lone ESC (or half a sequence) waits for the rest: keys from a
// terminal arrive in one read, a person pressing Esc then [ does not.
constexpr auto kEscapeWait = 50ms;
constexpr auto kReconnectTimeout = 10s;
// A resize is drawn this long after the last SIGWINCH: a window dragged to a
// new size sends many, and a terminal that reflows its lines (tmux, VTE)
// may not have done so yet when the signal arrives.
constexpr auto kResizeSettle = 50ms;
constexpr std::size_t kReadChunk = 4096;

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n >= 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      pollfd p{fd, POLLOUT, 0};
      (void)::poll(&p, 1, -1);
    } else if (errno != EINTR) {
      return false;
    }
  }
  return true;
}

int poll_timeout(std::optional<Clock::time_point> deadline) {
  if (!deadline) return -1;
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now());
  return left.count() <= 0 ? 0 : static_cast<int>(left.count());
}

class Interactive {
 public:
  Interactive(UniqueFd socket, const InteractiveConfig& config)
      : config_(config),
        screen_(config.color ? "\x1b[1m" + std::string(kPrompt) + "\x1b[0m" : std::string(kPrompt),
                text_width(kPrompt), terminal_columns(config.output_fd)) {
    if (!config_.history_path.empty()) history_.load(config_.history_path);
    if (config_.nick) nicks_.set_own(*config_.nick);
    connected(std::move(socket));
  }

  int run() {
    out_ += screen_.draw(editor_);
    for (;;) {
      if (!flush()) return 1;
      if (link_) link_->shutdown_if_done();

      std::optional<Clock::time_point> deadline;
      if (decoder_.has_pending()) deadline = Clock::now() + kEscapeWait;
      if (retry_at_ && (!deadline || *retry_at_ < *deadline)) deadline = retry_at_;
      if (resize_at_ && (!deadline || *resize_at_ < *deadline)) deadline = resize_at_;

      std::array<pollfd, 4> fds{{
          {link_ ? link_->fd() : -1, static_cast<short>(POLLIN | (link_ && link_->wants_write() ? POLLOUT : 0)), 0},
          {input_open_ ? config_.input_fd : -1, POLLIN, 0},
          {config_.signal_fd, POLLIN, 0},
          {connecting_ ? connecting_->done_fd() : -1, POLLIN, 0},
      }};
      const int ready = ::poll(fds.data(), fds.size(), poll_timeout(deadline));
      if (ready < 0 && errno != EINTR) return 1;
      if (ready == 0 && decoder_.has_pending()) {
        for (const Key& key : decoder_.flush()) {
          if (const auto code = on_key(key)) return finish(*code);
        }
        if (input_open_) out_ += screen_.draw(editor_);
      }

      if (fds[2].revents != 0) {
        bool resized = false;
        if (drain_signals(config_.signal_fd, resized)) return finish_with_exit();
        if (resized) resize_at_ = Clock::now() + kResizeSettle;
      }
      if ((fds[1].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) != 0) {
        if (const auto code = read_input()) return finish(*code);
      }
      if (link_ && (fds[0].revents & POLLOUT) != 0) (void)link_->send_pending();
      if (link_ && (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
        if (const auto code = read_server()) return finish(*code);
      }
      if (connecting_ && fds[3].revents != 0) connect_finished();
      if (retry_at_ && Clock::now() >= *retry_at_) start_reconnect();
      if (resize_at_ && Clock::now() >= *resize_at_) {
        resize_at_.reset();
        out_ += screen_.resize(terminal_columns(config_.output_fd), editor_);
      }
      if (link_ && link_->wants_write()) (void)link_->send_pending();
    }
  }

 private:
  // --- output ---------------------------------------------------------------

  // `stamp`: false for history lines, which carry the time they were said.
  void show(std::string styled_line, bool stamp = true) {
    if (stamp && config_.timestamps) {
      const std::string stamp = timestamp_now();
      styled_line.insert(0, config_.color ? color_timestamp(stamp) : stamp);
    }
    if (!above_.empty()) above_ += "\r\n";
    above_ += styled_line;
  }
  void show_server_line(std::string_view raw) {
    const std::string line = sanitize_text(raw);  // no escape from the network reaches the terminal
    nicks_.observe(line);
    const bool replayed = rooms_.observe(line);
    if (rooms_.current() != shown_room_) update_prompt();
    if (replayed) {
      // History: dim, with the time it was said (sent by the server).
      show(config_.color ? "\x1b[2m" + line + "\x1b[0m" : line, false);
      return;
    }
    show(config_.color ? color_server_line(line) : line);
  }

  // "#random » " once the room is known, else "» ".
  void update_prompt() {
    shown_room_ = rooms_.current();
    const std::string room = shown_room_ ? *shown_room_ + " " : std::string();
    const std::string plain = room + std::string(kPrompt);
    screen_.set_prompt(config_.color ? "\x1b[1m" + plain + "\x1b[0m" : plain, text_width(plain));
  }
  void show_own_line(std::string_view line) { show(config_.color ? color_own_line(line) : std::string(line)); }
  void show_notice(std::string_view line) { show(config_.color ? color_notice(line) : std::string(line)); }

  // One write per loop turn. Lines shown during the turn go above the input
  // row together, so a burst of 1000 lines costs one redraw, not 1000.
  bool flush() {
    if (!above_.empty()) {
      out_.insert(0, screen_.print_above(above_, editor_));
      above_.clear();
    }
    if (out_.empty()) return true;
    const bool ok = write_all(config_.output_fd, out_);
    out_.clear();
    return ok;
  }

  int finish(int code) {
    out_ += screen_.erase();
    (void)flush();
    return code;
  }
  int finish_with_exit() {
    out_ += screen_.erase();
    out_ += "exit\r\n";
    (void)flush();
    return 0;
  }

  // --- keyboard -------------------------------------------------------------

  std::optional<int> read_input() {
    char buf[kReadChunk];
    const ssize_t n = ::read(config_.input_fd, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) return std::nullopt;
    if (n <= 0) return end_of_input();  // the terminal went away
    for (const Key& key : decoder_.feed(std::string_view(buf, static_cast<std::size_t>(n)))) {
      if (const auto code = on_key(key)) return code;
      if (!input_open_) break;  // /quit or Ctrl-D: the rest of the keys mean nothing
    }
    if (input_open_) out_ += screen_.draw(editor_);
    return std::nullopt;
  }

  std::optional<int> on_key(const Key& key) {
    switch (editor_.apply(key)) {
      case LineEditor::Action::none: break;
      case LineEditor::Action::submit: return submit();
      case LineEditor::Action::end_of_input: return end_of_input();
      case LineEditor::Action::interrupt: return finish_with_exit();
      case LineEditor::Action::history_up:
        if (auto line = history_.older(editor_.text())) editor_.set_text(*line);
        break;
      case LineEditor::Action::history_down:
        if (auto line = history_.newer()) editor_.set_text(*line);
        break;
      case LineEditor::Action::complete: complete(); break;
      case LineEditor::Action::redraw: out_ += "\x1b[H\x1b[2J"; break;
      case LineEditor::Action::suspend: suspend(); break;
    }
    return std::nullopt;
  }

  std::optional<int> submit() {
    const std::string line = editor_.text();
    if (!link_) {
      if (parse_command(line).kind == Command::Kind::quit) return 0;
      if (!line.empty()) show_notice("! not connected; press Enter again once reconnected");
      return std::nullopt;
    }
    if (history_.add(line) && !config_.history_path.empty()) {
      History::append_to_file(config_.history_path, line);
    }
    editor_.clear();
    const OutgoingLine out = translate_outgoing(line);
    if (!out.to_send.empty()) link_->queue(out.to_send);
    if (!out.to_print.empty()) show_own_line(out.to_print);
    if (out.quits) return end_of_input();
    return std::nullopt;
  }

  // Ctrl-D on an empty line, /quit, or the terminal closing: nothing more
  // will be typed. The server closes after its last lines; we print them.
  std::optional<int> end_of_input() {
    input_open_ = false;
    screen_.set_input_visible(false);
    editor_.clear();
    out_ += screen_.erase();
    if (!link_) return 0;
    link_->finish_when_sent();
    retry_at_.reset();
    return std::nullopt;
  }

  void suspend() {
    if (!config_.suspend) return;
    out_ += screen_.erase();
    (void)flush();
    config_.suspend();
    // The window may have changed size while we were stopped.
    out_ += screen_.resize(terminal_columns(config_.output_fd), editor_);
  }

  void complete() {
    const std::string word = encode_utf8(editor_.word_before_cursor());
    const bool room = word.starts_with('#') && !editor_.word_is_first();
    const Completion c = complete_word(word, editor_.word_is_first(), room ? rooms_.known() : nicks_.others());
    // Rooms come from "/rooms": when no known room matches, ask; the reply
    // (shown) fills the list for the next Tab.
    if (room && c.replacement.empty() && link_) link_->queue("/rooms\n");
    if (!c.replacement.empty()) editor_.replace_word_before_cursor(decode_to_code_points(c.replacement));
    if (c.choices.size() > 1 && c.replacement == word) {
      std::string list;
      for (const std::string& choice : c.choices) list += (list.empty() ? "" : "  ") + choice;
      show(config_.color ? color_notice(list) : list);
    }
  }

  // --- server ---------------------------------------------------------------

  std::optional<int> read_server() {
    const auto result = link_->read([this](std::string_view line) { show_server_line(line); });
    if (result == ServerLink::ReadResult::open) return std::nullopt;
    link_.reset();
    if (!input_open_) return 0;  // the close we asked for
    if (!config_.reconnect) {
      show_notice("! disconnected from server");
      return 1;
    }
    nicks_.forget_all();
    attempt_ = 1;
    schedule_retry("! disconnected from server; reconnecting in ");
    return std::nullopt;
  }

  void schedule_retry(std::string notice) {
    const auto delay = reconnect_delay(attempt_);
    notice += std::to_string(delay.count()) + " s (Ctrl-C quits)";
    show_notice(notice);
    retry_at_ = Clock::now() + delay;
  }

  void start_reconnect() {
    retry_at_.reset();
    connecting_ = std::make_unique<AsyncConnect>(config_.host, config_.port, kReconnectTimeout);
  }

  void connect_finished() {
    ConnectResult result = connecting_->take();
    connecting_.reset();
    if (auto* fd = std::get_if<UniqueFd>(&result)) {
      show_notice("> reconnected to " + format_endpoint(config_.host, config_.port));
      connected(std::move(*fd));
      return;
    }
    const std::string why = std::holds_alternative<ConnectError>(result)
                                ? std::get<ConnectError>(result).message
                                : std::string("cancelled");
    ++attempt_;
    schedule_retry("! " + why + "; next try in ");
  }

  void connected(UniqueFd socket) {
    link_.emplace(std::move(socket));
    // Reclaim the name: the one the server last confirmed, else --nick.
    if (nicks_.own()) link_->queue("/nick " + *nicks_.own() + "\n");
    // Back to the room we were in (after a reconnect), else --room.
    rooms_.reset_replay();
    if (const auto& room = rooms_.current() ? rooms_.current() : config_.room) link_->queue("/join " + *room + "\n");
    // Fills the nickname list for Tab, and shows who is here.
    link_->queue("/who\n");
    attempt_ = 0;
  }

  InteractiveConfig config_;
  LineEditor editor_;
  History history_;
  KeyDecoder decoder_;
  Screen screen_;
  NickTracker nicks_;
  RoomTracker rooms_;
  std::optional<std::string> shown_room_;  // the room in the prompt
  std::optional<ServerLink> link_;
  std::unique_ptr<AsyncConnect> connecting_;
  std::optional<Clock::time_point> retry_at_;
  std::optional<Clock::time_point> resize_at_;
  int attempt_ = 0;
  bool input_open_ = true;
  std::string above_;  // lines to show above the input row, "\r\n"-separated
  std::string out_;    // other terminal output collected during one loop turn
};

}  // namespace

int run_interactive(UniqueFd socket, const InteractiveConfig& config) {
  return Interactive(std::move(socket), config).run();
}

}  // namespace chat::client
