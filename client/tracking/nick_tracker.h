// Who is online, as far as the client can tell from the lines the server
// sends (join, leave, nick changes, /who replies, people talking): the
// names Tab completes. Pure: lines in, names out.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chat::client {

class NickTracker {
 public:
  // Feeds one (sanitized) line from the server.
  void observe(std::string_view line);

  // The user's own name once the server has said it ("You are now known
  // as X"), or set from --nick; reclaimed after a reconnect.
  [[nodiscard]] const std::optional<std::string>& own() const noexcept { return own_; }
  void set_own(std::string name) { own_ = std::move(name); }
  void clear_own() { own_.reset(); }  // the name could not be had: the server's IP:PORT stands

  // Everyone else known to be online, in order of arrival.
  [[nodiscard]] const std::vector<std::string>& others() const noexcept { return names_; }
  void forget_all() { names_.clear(); }  // a new connection starts from nothing

 private:
  void add(std::string_view name);
  void remove(std::string_view name);
  // Adds "a, b, c" or "a, b," (a /who line that continues); returns whether
  // it continues.
  bool add_list(std::string_view list);

  std::vector<std::string> names_;
  std::optional<std::string> own_;
  bool who_continues_ = false;  // the last line was a /who line ending in ","
};

// Whether `line` is the server refusing `name` as already taken: "! nickname
// in use: NAME", possibly followed by a reason (" (looks like OWNER)").
[[nodiscard]] bool refuses_nickname_in_use(std::string_view line, std::string_view name);

// Tab completion of the word before the cursor: a command when it is the
// first word and starts with '/', otherwise a nickname. Matching ignores
// ASCII case.
struct Completion {
  std::string replacement;           // the word's new text; empty: no match
  std::vector<std::string> choices;  // every match when more than one remains
};
[[nodiscard]] Completion complete_word(std::string_view word, bool first_word,
                                       const std::vector<std::string>& nicks);

}  // namespace chat::client
