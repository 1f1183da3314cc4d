#include "web/web_policy.h"

#include <algorithm>

namespace chat::web {

Route error_route(int status, std::string_view reason, std::string_view why, std::string_view extra_header) {
  Route r;
  r.kind = Route::Kind::error;
  r.status = status;
  r.reason.assign(reason);
  r.why.assign(why);
  r.extra_header.assign(extra_header);
  return r;
}

bool origin_allowed(const Request& request, const WebPolicy& policy) {
  if (request.origin.empty()) return true;
  const std::string own = std::string(policy.tls ? "https://" : "http://") + request.host;
  if (!request.host.empty() && iequals(request.origin, own)) return true;
  return std::any_of(policy.extra_origins.begin(), policy.extra_origins.end(),
                     [&](const std::string& o) { return iequals(o, request.origin); });
}

std::string parse_origins(std::string_view list, std::vector<std::string>& out) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list.remove_prefix(comma == std::string_view::npos ? list.size() : comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.empty()) continue;
    const auto scheme = item.find("://");
    if (scheme == std::string_view::npos || (item.substr(0, scheme) != "http" && item.substr(0, scheme) != "https")) {
      return "'" + std::string(item) + "' is not an origin like https://chat.example.org";
    }
    const std::string_view host = item.substr(scheme + 3);
    if (host.empty() || host.find('/') != std::string_view::npos) {
      return "'" + std::string(item) + "' is not an origin like https://chat.example.org (no path)";
    }
    out.emplace_back(item);
  }
  return {};
}

std::string choose_subprotocol(std::string_view offered) {
  if (offered.empty()) return {};
  if (header_has_token(offered, kLinesSubprotocol)) return std::string(kLinesSubprotocol);
  if (header_has_token(offered, kIrcSubprotocol)) {
    return "!subprotocol text.ircv3.net (IRC) is not served yet on the web port: use --irc-port, or chat.lines or none here";
  }
  return "!no subprotocol offered is served: chatd speaks chat.lines (or none)";
}

}  // namespace chat::web
