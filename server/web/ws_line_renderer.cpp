#include "web/ws_line_renderer.h"

#include "web/websocket.h"

namespace chat::web {

void append_line_frames(std::string& out, std::string_view lines) {
  while (!lines.empty()) {
    const auto nl = lines.find('\n');
    std::string_view line = lines.substr(0, nl);
    lines.remove_prefix(nl == std::string_view::npos ? lines.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    append_frame(out, Opcode::text, line);
  }
}

void WsLineRenderer::render(const Event& event, std::string& out) const {
  // The lines are rendered once into a reused buffer, then framed into
  // `out` (the shared line's pooled buffer): one copy per line per protocol.
  thread_local std::string text;
  text.clear();
  lines_.render(event, text);
  out.reserve(out.size() + text.size() + 4 * 4);
  append_line_frames(out, text);
}

}  // namespace chat::web
