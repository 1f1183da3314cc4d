// A private tmux server running one command in a pane of a known size, for
// tests that drive `chat` as a person would (send-keys) and read the screen
// as the person sees it (capture-pane). Each TmuxPane has its own server
// socket in its own temporary directory, so the user's tmux is never
// touched, and kills that server when it goes.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chat::test {

using namespace std::chrono_literals;

class TmuxPane {
 public:
  // The tmux executable found on PATH, or empty if there is none.
  static std::string find_tmux();

  // Starts `shell_command` (run by /bin/sh) in a detached width x height
  // session. Throws std::runtime_error if tmux cannot start it.
  TmuxPane(const std::string& shell_command, int width = 100, int height = 30);
  ~TmuxPane();  // kill-server, then the temporary directory goes
  TmuxPane(const TmuxPane&) = delete;
  TmuxPane& operator=(const TmuxPane&) = delete;

  // A directory private to this pane (for scripts, stty dumps, HOME).
  [[nodiscard]] const std::string& dir() const { return dir_; }

  // Types `text` literally (send-keys -l): UTF-8 goes through as is.
  void type(std::string_view text);
  // From now on, appends the bytes the program writes to the terminal
  // (escapes, bells and all) to `path` (pipe-pane).
  void record_output(const std::string& path);
  // Pastes `text` as a terminal does (paste-buffer -p): inside bracketed-
  // paste markers when the program turned them on.
  void paste(std::string_view text);
  // Presses named keys: "Enter", "Left", "BSpace", "C-d", "Home", ...
  void press(const std::vector<std::string>& keys);
  void resize(int width, int height);
  // Replaces the pane's command (respawn-pane -k) once the directory exists.
  void respawn(const std::string& shell_command);

  // The visible screen, one line per row, trailing spaces trimmed; with
  // `escapes`, the SGR attributes too (capture-pane -e).
  [[nodiscard]] std::string capture(bool escapes = false);
  // The screen's rows, without empty rows at the bottom.
  [[nodiscard]] std::vector<std::string> rows();
  // Polls the screen every 20 ms until it contains `needle`; false at the
  // deadline (then the last screen is in last_screen()).
  bool wait_for(std::string_view needle, std::chrono::milliseconds timeout = 5s, bool escapes = false);
  // Waits until the row the cursor is on equals `text` (trailing spaces trimmed).
  bool wait_cursor_row(std::string_view text, std::chrono::milliseconds timeout = 5s);
  [[nodiscard]] const std::string& last_screen() const { return last_; }

  struct Cursor {
    int x = -1, y = -1;
  };
  [[nodiscard]] Cursor cursor();
  // The pid of the pane's first process (the shell running the command).
  [[nodiscard]] pid_t pane_pid();

 private:
  std::string tmux(const std::vector<std::string>& args, bool check = true);

  std::string tmux_path_;
  std::string dir_;
  std::string socket_;
  std::string last_;
};

// The child of `parent` (by /proc), if it has exactly one; bounded wait for
// it to appear.
std::optional<pid_t> wait_child_of(pid_t parent, std::chrono::milliseconds timeout = 5s);

}  // namespace chat::test
