#include "tmux_pane.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "chatd_process.h"

namespace chat::test {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPollInterval = 20ms;

std::string trim_right(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) s.pop_back();
  return s;
}

}  // namespace

std::string TmuxPane::find_tmux() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/tmux";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

TmuxPane::TmuxPane(const std::string& shell_command, int width, int height) : tmux_path_(find_tmux()) {
  if (tmux_path_.empty()) throw std::runtime_error("tmux not found on PATH");
  char dir_template[] = "/tmp/chat-tmux-XXXXXX";
  if (::mkdtemp(dir_template) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = dir_template;
  socket_ = dir_ + "/tmux.sock";
  tmux({"new-session", "-d", "-x", std::to_string(width), "-y", std::to_string(height), shell_command});
}

TmuxPane::~TmuxPane() {
  (void)tmux({"kill-server"}, false);
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string TmuxPane::tmux(const std::vector<std::string>& args, bool check) {
  // -S: our own server socket; -f /dev/null: none of the user's
  // configuration; -u: UTF-8 whatever the test's locale.
  std::vector<std::string> full{"-S", socket_, "-f", "/dev/null", "-u"};
  full.insert(full.end(), args.begin(), args.end());
  const RunResult r = run_program(tmux_path_, full, {}, 10s);
  if (check && r.exit_code != 0) {
    throw std::runtime_error("tmux " + args.front() + " failed (" + std::to_string(r.exit_code) + "): " + r.err);
  }
  return r.out;
}

void TmuxPane::type(std::string_view text) { tmux({"send-keys", "-t", "0", "-l", std::string(text)}); }

void TmuxPane::record_output(const std::string& path) {
  tmux({"pipe-pane", "-o", "-t", "0", "cat >> '" + path + "'"});
}

void TmuxPane::paste(std::string_view text) {
  tmux({"set-buffer", "-b", "test-paste", "--", std::string(text)});
  // -p: bracketed, if the program asked for it; newlines arrive as CR.
  tmux({"paste-buffer", "-p", "-d", "-b", "test-paste", "-t", "0"});
}

void TmuxPane::press(const std::vector<std::string>& keys) {
  std::vector<std::string> args{"send-keys", "-t", "0"};
  args.insert(args.end(), keys.begin(), keys.end());
  tmux(args);
}

void TmuxPane::resize(int width, int height) {
  tmux({"resize-window", "-t", "0", "-x", std::to_string(width), "-y", std::to_string(height)});
}

void TmuxPane::respawn(const std::string& shell_command) {
  tmux({"respawn-pane", "-k", "-t", "0", shell_command});
}

std::string TmuxPane::capture(bool escapes) {
  std::vector<std::string> args{"capture-pane", "-p", "-t", "0"};
  if (escapes) args.push_back("-e");
  last_ = tmux(args);
  return last_;
}

std::vector<std::string> TmuxPane::rows() {
  std::vector<std::string> result;
  std::stringstream lines(capture());
  std::string line;
  while (std::getline(lines, line)) result.push_back(trim_right(line));
  while (!result.empty() && result.back().empty()) result.pop_back();
  return result;
}

bool TmuxPane::wait_for(std::string_view needle, std::chrono::milliseconds timeout, bool escapes) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (capture(escapes).find(needle) != std::string::npos) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kPollInterval);  // polling the screen: the condition is re-checked
  }
}

bool TmuxPane::wait_cursor_row(std::string_view text, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const Cursor c = cursor();
    const std::vector<std::string> all = rows();
    if (c.y >= 0 && static_cast<std::size_t>(c.y) < all.size() && all[static_cast<std::size_t>(c.y)] == text) {
      return true;
    }
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(kPollInterval);
  }
}

TmuxPane::Cursor TmuxPane::cursor() {
  const std::string out = tmux({"display-message", "-p", "-t", "0", "#{cursor_x} #{cursor_y}"});
  Cursor c;
  std::istringstream(out) >> c.x >> c.y;
  return c;
}

pid_t TmuxPane::pane_pid() {
  return static_cast<pid_t>(std::stol(tmux({"display-message", "-p", "-t", "0", "#{pane_pid}"})));
}

std::optional<pid_t> wait_child_of(pid_t parent, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    std::vector<pid_t> children;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      const std::string name = entry.path().filename();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::ifstream stat(entry.path() / "stat");
      std::string content;
      std::getline(stat, content);
      // "pid (comm) state ppid ...": comm may hold spaces, so read after the last ')'.
      const auto close = content.rfind(')');
      if (close == std::string::npos) continue;
      std::istringstream rest(content.substr(close + 2));
      char state = 0;
      pid_t ppid = 0;
      rest >> state >> ppid;
      if (ppid == parent) children.push_back(static_cast<pid_t>(std::stol(name)));
    }
    if (children.size() == 1) return children.front();
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(kPollInterval);
  }
}

}  // namespace chat::test
