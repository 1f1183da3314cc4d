#include "web/http_response.h"

#include "web/websocket.h"

namespace chat::web {

namespace {

void append_head(std::string& out, int status, std::string_view reason, std::string_view type, std::size_t length,
                 const WebPolicy& policy, std::string_view extra) {
  out += "HTTP/1.1 " + std::to_string(status) + " ";
  out += reason;
  out += "\r\nContent-Type: ";
  out += type;
  out += "\r\nContent-Length: " + std::to_string(length);
  out +=
      "\r\nContent-Security-Policy: default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
      "\r\nX-Content-Type-Options: nosniff"
      "\r\nReferrer-Policy: no-referrer"
      "\r\nCache-Control: no-cache"
      "\r\nConnection: close\r\n";
  if (policy.tls) out += "Strict-Transport-Security: max-age=31536000\r\n";
  if (!extra.empty()) {
    out += extra;
    out += "\r\n";
  }
  out += "\r\n";
}

}  // namespace

std::string file_response(std::string_view content_type, std::string_view body, const WebPolicy& policy) {
  std::string out;
  append_head(out, 200, "OK", content_type, body.size(), policy, {});
  out += body;
  return out;
}

std::string status_response(int status, std::string_view reason, std::string_view why, const WebPolicy& policy) {
  return error_response(error_route(status, reason, why), policy);
}

std::string error_response(const Route& route, const WebPolicy& policy) {
  const std::string body = std::to_string(route.status) + " " + route.reason + ": " + route.why + "\n";
  std::string out;
  append_head(out, route.status, route.reason, "text/plain; charset=utf-8", body.size(), policy, route.extra_header);
  out += body;
  return out;
}

std::string upgrade_response(std::string_view key, std::string_view subprotocol) {
  std::string out =
      "HTTP/1.1 101 Switching Protocols\r\n"
      "Upgrade: websocket\r\n"
      "Connection: Upgrade\r\n"
      "Sec-WebSocket-Accept: " +
      accept_key(key) + "\r\n";
  if (!subprotocol.empty()) {
    out += "Sec-WebSocket-Protocol: ";
    out += subprotocol;
    out += "\r\n";
  }
  out += "\r\n";
  return out;
}

void HttpRefusalRenderer::render(const Event& event, std::string& out) const {
  std::string line;
  lines_.render(event, line);
  out +=
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
      "X-Content-Type-Options: nosniff\r\nConnection: close\r\nContent-Length: " +
      std::to_string(line.size()) + "\r\n\r\n" + line;
}

}  // namespace chat::web
