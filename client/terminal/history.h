// The lines the user sent, for Up/Down recall: kept in memory, optionally
// loaded from and appended to a file (~/.chat_history).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chat::client {

class History {
 public:
  explicit History(std::size_t max_entries = 1000) : max_(max_entries) {}

  // Records a sent line: blank lines and a repeat of the last line are not
  // kept. Ends any browsing. Returns true if the line was kept.
  bool add(std::string_view line);

  // Browsing: older() from the line being typed (`current`, kept as the
  // draft to come back to) and newer() back towards it. nullopt when there
  // is nothing further in that direction.
  std::optional<std::string> older(std::string_view current);
  std::optional<std::string> newer();
  void stop_browsing() noexcept { position_ = entries_.size(); }

  [[nodiscard]] const std::vector<std::string>& entries() const noexcept { return entries_; }

  // File persistence, one line per entry. load() keeps the newest entries;
  // errors are ignored (history is a convenience, never a reason to fail).
  void load(const std::string& path);
  // Appends one line to the file (created 0600: lines may include /msg).
  static void append_to_file(const std::string& path, std::string_view line);

 private:
  std::size_t max_;
  std::vector<std::string> entries_;
  std::size_t position_ = 0;  // == entries_.size() when not browsing
  std::string draft_;
};

// "$HOME/.chat_history", or empty when HOME is unset.
[[nodiscard]] std::string default_history_path();

}  // namespace chat::client
