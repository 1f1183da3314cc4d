#include "terminal/history.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string_view>

#include "unique_fd.h"

namespace chat::client {

bool History::add(std::string_view line) {
  stop_browsing();
  if (line.find_first_not_of(" \t") == std::string_view::npos) return false;
  if (line.find('\n') != std::string_view::npos) return false;
  if (!entries_.empty() && entries_.back() == line) return false;
  entries_.emplace_back(line);
  if (entries_.size() > max_) entries_.erase(entries_.begin());
  position_ = entries_.size();
  return true;
}

std::optional<std::string> History::older(std::string_view current) {
  if (position_ > entries_.size()) position_ = entries_.size();
  if (position_ == 0) return std::nullopt;
  if (position_ == entries_.size()) draft_ = std::string(current);
  return entries_[--position_];
}

std::optional<std::string> History::newer() {
  if (position_ >= entries_.size()) return std::nullopt;
  ++position_;
  return position_ == entries_.size() ? draft_ : entries_[position_];
}

void History::load(const std::string& path) {
  std::size_t lines = 0;
  {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      ++lines;
      add(line);
    }
  }
  // The file only grows by appends; once it holds far more than is ever
  // loaded, rewrite it with what was kept.
  if (lines > 2 * max_) {
    // Created 0600 from the start: the history is never readable by others,
    // not even for a moment.
    const std::string temp = path + ".new";
    const UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd) return;
    std::string bytes;
    for (const std::string& entry : entries_) bytes.append(entry).push_back('\n');
    std::string_view rest = bytes;
    while (!rest.empty()) {
      const ssize_t n = ::write(fd.get(), rest.data(), rest.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ::unlink(temp.c_str());
        return;
      }
      rest.remove_prefix(static_cast<std::size_t>(n));
    }
    (void)std::rename(temp.c_str(), path.c_str());
  }
}

void History::append_to_file(const std::string& path, std::string_view line) {
  const UniqueFd fd(::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
  if (!fd) return;
  std::string bytes(line);
  bytes.push_back('\n');
  // One write with O_APPEND: two chat sessions never interleave within a line.
  (void)!::write(fd.get(), bytes.data(), bytes.size());
}

std::string default_history_path() {
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') return {};
  return std::string(home) + "/.chat_history";
}

}  // namespace chat::client
