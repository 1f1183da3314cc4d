// What the web port answers to one request head, decided pure: a file, the
// WebSocket upgrade, or an error status. No sockets, no state.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "web/http_request.h"
#include "web/websocket.h"

namespace chat::web {

struct WebPolicy {
  bool tls = false;  // the port serves HTTPS/WSS: HSTS, and an https:// Origin
  // --web-origin: origins allowed besides the one matching Host
  // ("https://chat.example.org"), exactly as a browser sends them.
  std::vector<std::string> extra_origins;
};

// The subprotocols of the WebSocket: none or chat.lines carries the line
// protocol.
inline constexpr std::string_view kLinesSubprotocol = "chat.lines";
inline constexpr std::string_view kIrcSubprotocol = "text.ircv3.net";

struct Route {
  enum class Kind { file, upgrade, error };
  Kind kind = Kind::error;
  // file: the path to serve ("/" is "/index.html").
  std::string path;
  // upgrade: the subprotocol to name in the answer ("" for none).
  std::string subprotocol;
  // error: the status line's code and reason, and a one-line explanation
  // sent as the body (text/plain).
  int status = 0;
  std::string reason;
  std::string why;
  // error 405: "Allow: GET"; 426: "Sec-WebSocket-Version: 13"
  std::string extra_header;
};

// Decides what to answer to `request`. `has_file(path)` says whether the
// embedded client has that file.
template <class HasFile>
Route route(const Request& request, const WebPolicy& policy, HasFile&& has_file);

// Whether `origin` may open the WebSocket: it is the page's own origin
// (the scheme of this port and the request's Host) or one of --web-origin.
// A request without Origin does not come from a web page (browsers always
// send it on an upgrade) and is let through: cross-site hijacking needs a
// browser.
[[nodiscard]] bool origin_allowed(const Request& request, const WebPolicy& policy);

// Splits --web-origin's comma-separated LIST; an entry must look like
// scheme://host[:port] with nothing after; returns "" or what is wrong.
[[nodiscard]] std::string parse_origins(std::string_view list, std::vector<std::string>& out);

// The subprotocol to answer for an offered Sec-WebSocket-Protocol list:
// "" (none offered), "chat.lines", or nullopt-like "!" + why if what was
// offered is not served.
[[nodiscard]] std::string choose_subprotocol(std::string_view offered);

Route error_route(int status, std::string_view reason, std::string_view why, std::string_view extra_header = {});

template <class HasFile>
Route route(const Request& request, const WebPolicy& policy, HasFile&& has_file) {
  if (request.method != "GET") {
    return error_route(405, "Method Not Allowed", "chatd's web port answers GET only", "Allow: GET");
  }
  if (request.has_body) return error_route(400, "Bad Request", "a GET with a body");
  if (request.minor_version >= 1 && request.host.empty()) return error_route(400, "Bad Request", "no Host header");
  const std::string_view path = request.path();
  if (path == "/ws") {
    if (!header_has_token(request.upgrade, "websocket") || !header_has_token(request.connection, "upgrade")) {
      return error_route(426, "Upgrade Required", "/ws is the WebSocket: send Upgrade: websocket",
                         "Upgrade: websocket");
    }
    if (request.minor_version < 1) return error_route(400, "Bad Request", "a WebSocket needs HTTP/1.1");
    if (request.ws_version != "13") {
      return error_route(426, "Upgrade Required", "only WebSocket version 13 is served", "Sec-WebSocket-Version: 13");
    }
    if (!valid_key(request.ws_key)) return error_route(400, "Bad Request", "a bad Sec-WebSocket-Key");
    if (!origin_allowed(request, policy)) {
      return error_route(403, "Forbidden",
                         "the Origin is not this server's own: a page elsewhere may not open it (see --web-origin)");
    }
    std::string sub = choose_subprotocol(request.ws_protocol);
    if (!sub.empty() && sub.front() == '!') return error_route(400, "Bad Request", std::string_view(sub).substr(1));
    Route r;
    r.kind = Route::Kind::upgrade;
    r.subprotocol = std::move(sub);
    return r;
  }
  const std::string file = path == "/" ? std::string("/index.html") : std::string(path);
  if (!has_file(file)) return error_route(404, "Not Found", "no such page");
  Route r;
  r.kind = Route::Kind::file;
  r.path = file;
  return r;
}

}  // namespace chat::web
