// The classic line protocol's renderer: every event as the lines the
// classroom chat printed, byte for byte (docs/PROTOCOL.md; the text of each
// line is in classic/messages.h). It is chatd's canonical protocol: the
// stdout log and the history store keep its text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/event.h"
#include "core/renderer.h"

namespace chat {

class ClassicRenderer final : public Renderer {
 public:
  struct Style {
    std::size_t max_line = 4096;  // --max-line: list replies are split within it
    bool local_time = false;      // history times in the server's zone, not UTC
    // What "today" is for replayed lines' dates: seconds since the epoch;
    // null: the system clock.
    std::int64_t (*clock)() = nullptr;
  };
  ClassicRenderer() = default;
  explicit ClassicRenderer(Style style) : style_(style) {}

  // The renderer with the default style, for notices outside any server's
  // settings (an output queue built without one).
  static const ClassicRenderer& plain();

  void render(const Event& event, std::string& out) const override;
  // A line of history as render() wrote it ("[NAME] TEXT\n" or "* NAME
  // TEXT\n"), read back: how the store's lines come back after a restart.
  [[nodiscard]] std::optional<HistoryEntry> parse_history(std::int64_t time, std::string_view line) const override;

 private:
  Style style_;
};

}  // namespace chat
