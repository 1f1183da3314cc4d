// How events become bytes: one Renderer per wire protocol, and a Rendering
// that turns one event into one shared line per protocol, built the first
// time a receiver of that protocol asks and then shared by all of them (the
// shared-line design: one allocation per line per protocol, never one per
// receiver).
//
// Protocol 0 is the canonical one: its text is what the log prints and the
// history store keeps. chatd registers the classic line protocol there
// (server/classic/classic_renderer.h); the core never knows which it is.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/shared_line.h"
#include "core/event.h"

namespace chat {

class Renderer {
 public:
  // Appends the bytes of `event` for a receiver of this protocol: whole
  // lines, each with its line ending. Appends nothing for an event this
  // protocol does not show.
  virtual void render(const Event& event, std::string& out) const = 0;
  // The canonical protocol's text is what the history store keeps, so its
  // renderer also reads a kept line back: the said entry that rendered as
  // `line` (with its "\n"), or nullopt. Other protocols need not.
  [[nodiscard]] virtual std::optional<HistoryEntry> parse_history(std::int64_t /*time*/,
                                                                  std::string_view /*line*/) const {
    return std::nullopt;
  }

 protected:
  ~Renderer() = default;
};

// Which renderer a receiver reads: an index into Renderers.
using ProtocolId = std::uint8_t;
inline constexpr ProtocolId kCanonicalProtocol = 0;

// The protocols of one server. Not owning; fixed before anyone connects.
class Renderers {
 public:
  static constexpr std::size_t kMax = 4;

  explicit Renderers(const Renderer& canonical) { add(canonical); }
  // Registers `renderer` and returns its id.
  ProtocolId add(const Renderer& renderer) {
    renderers_[count_] = &renderer;
    return static_cast<ProtocolId>(count_++);
  }
  [[nodiscard]] const Renderer& operator[](ProtocolId id) const { return *renderers_[id]; }
  [[nodiscard]] std::size_t size() const noexcept { return count_; }

  // `event` for one receiver of `protocol`, in a line of its own.
  [[nodiscard]] SharedLine render(ProtocolId protocol, const Event& event) const {
    return SharedLine::build([&](std::string& out) { (*this)[protocol].render(event, out); });
  }

 private:
  std::array<const Renderer*, kMax> renderers_{};
  std::size_t count_ = 0;
};

// One event on its way to many receivers.
class Rendering {
 public:
  Rendering(const Renderers& renderers, const Event& event) : renderers_(renderers), event_(event) {}

  [[nodiscard]] const SharedLine& line(ProtocolId protocol) {
    SharedLine& line = lines_[protocol];
    if (!line) line = renderers_.render(protocol, event_);
    return line;
  }
  [[nodiscard]] const SharedLine& canonical() { return line(kCanonicalProtocol); }
  [[nodiscard]] const Event& event() const noexcept { return event_; }

 private:
  const Renderers& renderers_;
  const Event& event_;
  std::array<SharedLine, Renderers::kMax> lines_;
};

}  // namespace chat
