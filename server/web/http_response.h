// The bytes chatd's web port answers with: every response carries the same
// security headers (Content-Security-Policy default-src 'self' and
// frame-ancestors 'none', nosniff, no referrer; HSTS on the TLS port) and
// Connection: close, since one request is all a connection gets.
#pragma once

#include <string>
#include <string_view>

#include "core/renderer.h"
#include "web/web_policy.h"

namespace chat::web {

// A whole response: status line, headers, body.
[[nodiscard]] std::string file_response(std::string_view content_type, std::string_view body, const WebPolicy& policy);
[[nodiscard]] std::string error_response(const Route& route, const WebPolicy& policy);
// 408 (the request head did not arrive in time), 431 (too large), 400.
[[nodiscard]] std::string status_response(int status, std::string_view reason, std::string_view why,
                                          const WebPolicy& policy);
// 101 Switching Protocols for Sec-WebSocket-Key `key`.
[[nodiscard]] std::string upgrade_response(std::string_view key, std::string_view subprotocol);

// Renders a refusal notice ("! server full") as a 503 response, for the
// web port's clients turned away before their request is read.
class HttpRefusalRenderer final : public Renderer {
 public:
  explicit HttpRefusalRenderer(const Renderer& lines) : lines_(lines) {}
  void render(const Event& event, std::string& out) const override;

 private:
  const Renderer& lines_;
};

}  // namespace chat::web
