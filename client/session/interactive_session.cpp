// The terminal session: keys, screen, server lines and reconnects. Over the
// house's 400 lines since password prompts (accounts) and the room-history
// filter (chat --room) joined it; the next change should move the prompt
// and the reconnect policy into files of their own.
#include "session/interactive_session.h"

#include <poll.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <memory>
#include <string_view>
#include <vector>

#include "command.h"
#include "nickname.h"
#include "terminal/colors.h"
#include "terminal/display_width.h"
#include "terminal/history.h"
#include "terminal/key_decoder.h"
#include "terminal/line_editor.h"
#include "terminal/prompt.h"
#include "terminal/screen.h"
#include "terminal/signals.h"
#include "terminal/terminal.h"
#include "tracking/arrival_filter.h"
#include "tracking/attention.h"
#include "tracking/nick_tracker.h"
#include "tracking/outgoing_line.h"
#include "tracking/reconnect_backoff.h"
#include "tracking/room_tracker.h"
#include "tracking/timestamp.h"
#include "transport/async_connect.h"
#include "transport/connect.h"
#include "transport/server_link.h"
#include "utf8.h"

namespace chat::client {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Bracketed paste on and off (xterm, tmux, VTE, kitty, iTerm2 all have it):
// pasted text then arrives between ESC [200~ and ESC [201~.
constexpr std::string_view kPasteOn = "\x1b[?2004h";
constexpr std::string_view kPasteOff = "\x1b[?2004l";
// A --nick that is taken is tried with this many '_' added at most.
constexpr int kNickFallbacks = 3;
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
  Interactive(std::optional<ServerStream> socket, const InteractiveConfig& config)
      : config_(config), screen_("", 0, terminal_columns(config.output_fd)) {
    if (!config_.history_path.empty()) history_.load(config_.history_path);
    if (config_.nick) nicks_.set_own(*config_.nick);
    if (socket) {
      connected(std::move(*socket));
    } else {
      // --reconnect and the first connection failed: retry as after a loss.
      attempt_ = 1;
      schedule_retry(config_.first_error);
    }
    refresh_prompt();
  }

  int run() {
    out_ += kPasteOn;
    out_ += screen_.draw(editor_);
    for (;;) {
      if (refresh_prompt()) out_ += screen_.draw(editor_);
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
      if (link_ && ((fds[0].revents & POLLOUT) != 0 || (link_->write_wants_read() && fds[0].revents != 0))) {
        (void)link_->send_pending();
      }
      if (link_ && ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0 ||
                    (link_->read_wants_write() && fds[0].revents != 0))) {
        if (const auto code = read_server()) return finish(*code);
      }
      if (connecting_ && fds[3].revents != 0) {
        if (const auto code = connect_finished()) return finish(*code);
      }
      if (retry_at_ && Clock::now() >= *retry_at_) start_reconnect();
      if (resize_at_ && Clock::now() >= *resize_at_) {
        resize_at_.reset();
        const std::string erase_old = screen_.resize_erase(terminal_columns(config_.output_fd));
        (void)refresh_prompt();  // the prompt may shrink to "» " on a narrow terminal
        out_ += erase_old + screen_.draw(editor_);
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
    if (arrival_.hide(line)) return;  // the default room's history, before our /join
    nicks_.observe(line);
    if (rooms_.observe(line)) {
      // History, with the time it was said (sent by the server): the time
      // dim, names in their colours.
      show(config_.color ? color_history_line(line) : line, false);
      return;
    }
    const Attention kind = attention(line, nicks_.own().value_or(""));
    if (kind != Attention::none && config_.bell) bell_ = true;
    show(config_.color ? color_attention_line(line, kind) : line);
    if (line.starts_with("> You are now known as ")) claiming_.reset();
    if (claiming_ && refuses_nickname_in_use(line, *claiming_)) claim_fallback();
    if (const auto limit = refused_line_limit(line); limit && *limit < max_line_) {
      // Only a server with a smaller --max-line than the default gets here.
      max_line_ = *limit;
      show_notice("! that line was not delivered; longer lines are now split at " + std::to_string(*limit) +
                  " bytes");
    }
  }
  void show_own_lines(std::string_view lines) {
    while (!lines.empty()) {
      const auto end = lines.find('\n');
      const std::string_view line = lines.substr(0, end);
      show(config_.color ? color_own_line(line) : std::string(line));
      if (end == std::string_view::npos) break;
      lines.remove_prefix(end + 1);
    }
  }

  // The --nick (or reclaimed) name is taken: try NAME_, NAME__, ... so the
  // user is not left as IP:PORT, and say so.
  void claim_fallback() {
    const std::string next = *claiming_ + "_";
    if (++claim_tries_ > kNickFallbacks || !is_valid_nickname(next) || !link_) {
      show_notice("! " + *claiming_ + " is taken too; choose a name with /nick NAME");
      claiming_.reset();
      nicks_.clear_own();
      return;
    }
    show_notice("> " + *claiming_ + " is taken; trying " + next);
    claim(next);
  }
  void claim(const std::string& name) {
    claiming_ = name;
    link_->queue("/nick " + name + "\n");
  }

  // The prompt for what is known now; true if it changed.
  bool refresh_prompt() {
    if (asking_) {
      const std::string text = asking_->first ? "Password again: " : "Password: ";
      if (text == prompt_) return false;
      prompt_ = text;
      screen_.set_prompt(text, text_width(text));
      return true;
    }
    PromptParts parts;
    parts.nick = nicks_.own().value_or("");
    parts.room = rooms_.current().value_or("");
    if (!link_) parts.state = input_open_ && (retry_at_ || connecting_) ? "reconnecting" : "disconnected";
    const std::string text = prompt_for_width(parts, screen_.columns());
    if (text == prompt_) return false;
    prompt_ = text;
    screen_.set_prompt(config_.color ? "\x1b[1m" + text + "\x1b[0m" : text, text_width(text));
    return true;
  }
  void show_notice(std::string_view line) { show(config_.color ? color_notice(line) : std::string(line)); }

  // One write per loop turn. Lines shown during the turn go above the input
  // row together, so a burst of 1000 lines costs one redraw, not 1000.
  bool flush() {
    if (bell_) {
      out_ += '\a';
      bell_ = false;
    }
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
    out_ += kPasteOff;
    (void)flush();
    return code;
  }
  int finish_with_exit() {
    out_ += screen_.erase();
    out_ += kPasteOff;
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
    if (key.kind == Key::Kind::paste_start) {
      pasting_ = true;
      pasted_.clear();
      return std::nullopt;
    }
    if (pasting_) {
      collect_paste(key);
      return std::nullopt;
    }
    if (!paste_lines_.empty()) return confirm_paste(key);
    if (key.kind != Key::Kind::tab) cycle_.reset();
    switch (editor_.apply(key)) {
      case LineEditor::Action::none: break;
      case LineEditor::Action::submit: return submit();
      case LineEditor::Action::end_of_input: return end_of_input();
      case LineEditor::Action::interrupt: return finish_with_exit();
      case LineEditor::Action::history_up:
        if (asking_) break;  // no history while a password is typed
        if (auto line = history_.older(editor_.text())) editor_.set_text(*line);
        break;
      case LineEditor::Action::history_down:
        if (asking_) break;
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
    if (asking_) return answer_secret(line);
    if (is_reconnect_command(line)) {
      editor_.clear();
      reconnect_now();
      return std::nullopt;
    }
    if (!link_) {
      if (parse_command(line).kind == Command::Kind::quit) return 0;
      if (!line.empty()) show_notice("! not connected; press Enter again once reconnected");
      return std::nullopt;
    }
    const Command command = parse_command(line);
    if ((command.kind == Command::Kind::login && !command.arg.empty() && command.text.empty()) ||
        (command.kind == Command::Kind::register_account && command.arg.empty())) {
      editor_.clear();
      ask_secret(command.kind == Command::Kind::login ? "/login " + std::string(command.arg) + " " : "/register ",
                 command.kind == Command::Kind::register_account);
      return std::nullopt;
    }
    // A password typed on the line itself goes to the server only: never
    // into the history.
    if (!carries_password(command.kind)) remember(line);
    editor_.clear();
    return send(line);
  }

  static bool carries_password(Command::Kind kind) {
    return kind == Command::Kind::login || kind == Command::Kind::register_account ||
           kind == Command::Kind::password;
  }

  // `/login NAME` and `/register` ask for the password with echo off
  // (twice for /register); the line with it is sent, never kept or shown.
  struct Asking {
    std::string command;  // "/login NAME " or "/register "
    bool twice = false;
    std::optional<std::string> first;  // the first entry, when asked twice
  };
  void ask_secret(std::string command, bool twice) {
    asking_ = Asking{std::move(command), twice, std::nullopt};
    screen_.set_secret(true);
    (void)refresh_prompt();
  }
  std::optional<int> answer_secret(const std::string& typed) {
    std::string password = typed;
    editor_.clear();
    Asking asking = std::move(*asking_);
    asking_.reset();
    if (password.empty()) {
      end_secret();
      show_notice("! cancelled: no password given");
      return std::nullopt;
    }
    if (asking.twice && !asking.first) {
      asking.first = password;
      asking_ = std::move(asking);
      (void)refresh_prompt();
      return std::nullopt;
    }
    end_secret();
    if (asking.first && *asking.first != password) {
      show_notice("! the passwords differ: not registered");
      return std::nullopt;
    }
    if (!link_) {
      show_notice("! not connected; the password was not sent");
      return std::nullopt;
    }
    link_->queue(asking.command + password + "\n");
    return std::nullopt;
  }
  void end_secret() {
    screen_.set_secret(false);
    (void)refresh_prompt();
  }

  void remember(const std::string& line) {
    if (history_.add(line) && !config_.history_path.empty()) {
      History::append_to_file(config_.history_path, line);
    }
  }

  std::optional<int> send(std::string_view line) {
    const OutgoingLine out = translate_outgoing(line, OutgoingContext{nicks_.own(), max_line_});
    if (!out.to_send.empty()) link_->queue(out.to_send);
    if (!out.to_print.empty()) show_own_lines(out.to_print);
    if (out.quits) return end_of_input();
    return std::nullopt;
  }

  // /reconnect is chat's own: never sent to the server.
  static bool is_reconnect_command(std::string_view line) {
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos) return false;
    line.remove_prefix(start);
    line = line.substr(0, line.find_last_not_of(" \t") + 1);
    return nickname_key(line) == "/reconnect";
  }

  void reconnect_now() {
    if (link_) {
      show_notice("! already connected");
    } else if (connecting_) {
      show_notice("> already trying to connect");
    } else {
      attempt_ = std::max(attempt_, 1);
      start_reconnect();
    }
  }

  // --- bracketed paste ------------------------------------------------------

  void collect_paste(const Key& key) {
    switch (key.kind) {
      case Key::Kind::character: append_utf8(pasted_, key.ch); break;
      case Key::Kind::enter: pasted_ += '\n'; break;
      case Key::Kind::tab: pasted_ += '\t'; break;  // text, never completion
      case Key::Kind::paste_end:
        pasting_ = false;
        finish_paste();
        break;
      default: break;  // other keys mean nothing inside a paste
    }
  }

  // One line goes into the editor; several are held until the user says.
  void finish_paste() {
    const std::u32string& buffer = editor_.code_points();
    std::string whole = encode_utf8(std::u32string_view(buffer).substr(0, editor_.cursor()));
    whole += pasted_;
    const std::string after = encode_utf8(std::u32string_view(buffer).substr(editor_.cursor()));
    whole += after;
    std::vector<std::string> lines;
    for (std::string_view rest = whole;;) {
      const auto nl = rest.find('\n');
      const std::string_view line = rest.substr(0, nl);
      if (line.find_first_not_of(" \t") != std::string_view::npos) lines.emplace_back(line);
      if (nl == std::string_view::npos) break;
      rest.remove_prefix(nl + 1);
    }
    if (lines.size() <= 1) {
      // The editor shows a TAB as a space: it keeps one row per line.
      std::string text = pasted_;
      std::erase(text, '\n');
      for (char& c : text) {
        if (c == '\t') c = ' ';
      }
      editor_.insert(text);
      return;
    }
    paste_lines_ = std::move(lines);
    saved_input_ = editor_.text();
    editor_.clear();
    show_notice("Paste " + std::to_string(paste_lines_.size()) + " lines? Enter sends, Esc cancels");
  }

  std::optional<int> confirm_paste(const Key& key) {
    if (key.kind == Key::Kind::escape || key.kind == Key::Kind::interrupt) {
      paste_lines_.clear();
      editor_.set_text(saved_input_);
      show_notice("> paste cancelled");
      return std::nullopt;
    }
    if (key.kind != Key::Kind::enter) return std::nullopt;  // Enter or Esc, nothing else
    std::vector<std::string> lines = std::move(paste_lines_);
    paste_lines_.clear();
    if (!link_) {
      editor_.set_text(saved_input_);
      show_notice("! not connected; the paste was not sent");
      return std::nullopt;
    }
    for (const std::string& line : lines) {
      if (const auto code = send(line)) return code;
    }
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
    out_ += kPasteOff;
    (void)flush();
    config_.suspend();
    out_ += kPasteOn;
    // The window may have changed size while we were stopped.
    out_ += screen_.resize(terminal_columns(config_.output_fd), editor_);
  }

  // Tab: completes the word; with several matches the first Tab extends
  // what they share and lists them, each further Tab puts the next one in.
  // A nickname at the start of the line gets ": " after it, as IRC has it.
  void complete() {
    if (cycle_) {
      cycle_->index = (cycle_->index + 1) % cycle_->choices.size();
      editor_.replace_before_cursor(cycle_->start, decode_to_code_points(cycle_->choices[cycle_->index] + cycle_->suffix));
      return;
    }
    const std::string word = encode_utf8(editor_.word_before_cursor());
    const bool first = editor_.word_is_first();
    const bool room = word.starts_with('#') && !first;
    const Completion c = complete_word(word, first, room ? rooms_.known() : nicks_.others());
    // Rooms come from "/rooms": when no known room matches, ask; the reply
    // (shown) fills the list for the next Tab.
    if (room && c.replacement.empty() && c.choices.empty() && link_) link_->queue("/rooms\n");
    const bool command = first && word.starts_with('/');
    const std::string suffix = first && !command ? ": " : " ";
    const std::size_t start = editor_.cursor() - editor_.word_before_cursor().size();
    if (c.choices.empty()) {
      if (!c.replacement.empty()) {
        // One match: complete_word added a space; at the start, ": " instead.
        std::string whole = c.replacement;
        if (whole.ends_with(' ')) whole.pop_back();
        editor_.replace_before_cursor(start, decode_to_code_points(whole + suffix));
      }
      return;
    }
    if (!c.replacement.empty()) editor_.replace_word_before_cursor(decode_to_code_points(c.replacement));
    std::string list;
    for (const std::string& choice : c.choices) list += (list.empty() ? "" : "  ") + choice;
    show(config_.color ? color_notice(list) : list);
    cycle_ = Cycle{c.choices, c.choices.size() - 1, suffix, start};
  }

  // --- server ---------------------------------------------------------------

  std::optional<int> read_server() {
    const auto result = link_->read([this](std::string_view line) { show_server_line(line); });
    if (result == ServerLink::ReadResult::open) return std::nullopt;
    link_.reset();
    claiming_.reset();
    if (!input_open_) return 0;  // the close we asked for
    if (!config_.reconnect) {
      show_notice("! disconnected from server");
      // The line being typed is not lost: it is the newest history entry.
      const std::string draft = editor_.text();
      const bool secret = asking_ || carries_password(parse_command(draft).kind);
      if (!secret && draft.find_first_not_of(" \t") != std::string::npos) {
        remember(draft);
        show_notice(fit({"! your unsent line is kept in the history (Up recalls it next time)",
                         "! unsent line kept in history"}));
      }
      return 1;
    }
    nicks_.forget_all();
    attempt_ = 1;
    schedule_retry("disconnected from server");
    return std::nullopt;
  }

  // One row, whatever the width: the longest wording that fits.
  std::string fit(std::initializer_list<std::string> choices) const {
    const std::vector<std::string> all(choices);
    return std::string(first_that_fits(all, screen_.columns()));
  }

  void schedule_retry(const std::string& why) {
    const auto delay = reconnect_delay(attempt_);
    const std::string in = std::to_string(delay.count()) + " s";
    show_notice(fit({"! " + why + "; retrying in " + in + " (Ctrl-C quits, /reconnect now)",
                     "! " + why + "; retrying in " + in, "! retrying in " + in}));
    retry_at_ = Clock::now() + delay;
  }

  void start_reconnect() {
    retry_at_.reset();
    connecting_ = std::make_unique<AsyncConnect>(config_.host, config_.port, kReconnectTimeout, config_.tls);
  }

  std::optional<int> connect_finished() {
    ConnectResult result = connecting_->take();
    connecting_.reset();
    if (auto* server = std::get_if<ServerStream>(&result)) {
      show_notice((was_connected_ ? "> reconnected to " : "> connected to ") +
                  format_endpoint(config_.host, config_.port));
      connected(std::move(*server));
      return std::nullopt;
    }
    if (const auto* error = std::get_if<ConnectError>(&result); error != nullptr && error->fatal) {
      show_notice("! " + error->message);
      return 1;
    }
    const std::string why = std::holds_alternative<ConnectError>(result)
                                ? std::get<ConnectError>(result).message
                                : std::string("cancelled");
    ++attempt_;
    schedule_retry(why);
    return std::nullopt;
  }

  void connected(ServerStream socket) {
    link_.emplace(std::move(socket));
    was_connected_ = true;
    // Reclaim the name: the one the server last confirmed, else --nick.
    claim_tries_ = 0;
    if (config_.password && config_.nick) {
      link_->queue("/login " + *config_.nick + " " + *config_.password + "\n");  // never shown nor kept
    } else if (nicks_.own()) {
      claim(*nicks_.own());
    }
    // Back to the room we were in (after a reconnect), else --room.
    rooms_.reset_replay();
    if (const auto& room = rooms_.current() ? rooms_.current() : config_.room) {
      link_->queue("/join " + *room + "\n");
      arrival_.expect_join();
    }
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
  ArrivalFilter arrival_;  // --room or a rejoin: only that room's history is shown
  std::optional<ServerLink> link_;
  std::unique_ptr<AsyncConnect> connecting_;
  std::optional<Clock::time_point> retry_at_;
  std::optional<Clock::time_point> resize_at_;
  int attempt_ = 0;
  bool input_open_ = true;
  bool was_connected_ = false;             // false until the first connection (--reconnect)
  std::string prompt_;                     // the prompt's text as drawn
  std::optional<Asking> asking_;          // a password being typed (echo off)
  std::optional<std::string> claiming_;    // the name asked for on connecting, until the server answers
  int claim_tries_ = 0;
  std::size_t max_line_ = kDefaultMaxLine;  // the server's line limit as far as known
  bool bell_ = false;                       // ring once at the next flush
  bool pasting_ = false;                    // between ESC [200~ and ESC [201~
  std::string pasted_;                      // the paste so far
  std::vector<std::string> paste_lines_;    // a multi-line paste awaiting Enter or Esc
  std::string saved_input_;                 // the input row before it, back on Esc
  struct Cycle {
    std::vector<std::string> choices;
    std::size_t index;  // the choice in the line now
    std::string suffix;
    std::size_t start;  // where the completed word starts, in code points
  };
  std::optional<Cycle> cycle_;  // Tab pressed again cycles through these
  std::string above_;  // lines to show above the input row, "\r\n"-separated
  std::string out_;    // other terminal output collected during one loop turn
};

}  // namespace

int run_interactive(std::optional<ServerStream> socket, const InteractiveConfig& config) {
  return Interactive(std::move(socket), config).run();
}

}  // namespace chat::client
