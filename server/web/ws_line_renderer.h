// The line protocol over WebSocket: each line another Renderer makes (the
// classic one) becomes one text frame, its payload the line without "\n".
// Registered as a protocol of its own, so a Rendering builds a line's frame
// once and every WebSocket receiver queues the same bytes: server frames
// are unmasked, hence identical for all (docs/WEB.md).
#pragma once

#include "core/renderer.h"

namespace chat::web {

class WsLineRenderer final : public Renderer {
 public:
  explicit WsLineRenderer(const Renderer& lines) : lines_(lines) {}
  void render(const Event& event, std::string& out) const override;

 private:
  const Renderer& lines_;
};

// Appends each "\n"-ended line of `lines` to `out` as a text frame.
void append_line_frames(std::string& out, std::string_view lines);

}  // namespace chat::web
