#include "metrics/http_request.h"

namespace chat {

namespace {

constexpr std::string_view kMetricsType = "text/plain; version=0.0.4; charset=utf-8";

std::string response(std::string_view status, std::string_view type, std::string_view body) {
  std::string out = "HTTP/1.1 ";
  out += status;
  out += "\r\nContent-Type: ";
  out += type;
  out += "\r\nContent-Length: ";
  out += std::to_string(body.size());
  out += "\r\nConnection: close\r\n\r\n";
  out += body;
  return out;
}

}  // namespace

HttpVerdict classify_http_request(std::string_view received) {
  // Only the request line matters, but the whole head is awaited so the
  // client is not answered (and closed) while still sending it.
  std::size_t end = received.find("\r\n\r\n");
  std::size_t eol = received.find("\r\n");
  if (end == std::string_view::npos) {
    end = received.find("\n\n");  // a bare-LF client (printf | nc)
    if (eol == std::string_view::npos || (end != std::string_view::npos && end < eol)) eol = received.find('\n');
  }
  if (end == std::string_view::npos) {
    return received.size() >= kMaxHttpRequest ? HttpVerdict::bad_request : HttpVerdict::incomplete;
  }
  const std::string_view line = received.substr(0, eol);
  const std::size_t sp1 = line.find(' ');
  const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return HttpVerdict::bad_request;
  }
  const std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!version.starts_with("HTTP/1.") || version.size() != 8 || target.empty() || target.front() != '/') {
    return HttpVerdict::bad_request;
  }
  if (method != "GET") return HttpVerdict::not_allowed;
  if (const std::size_t q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
  return target == "/metrics" ? HttpVerdict::metrics : HttpVerdict::not_found;
}

std::string http_response(HttpVerdict verdict, std::string_view metrics_body) {
  switch (verdict) {
    case HttpVerdict::metrics:
      return response("200 OK", kMetricsType, metrics_body);
    case HttpVerdict::not_found:
      return response("404 Not Found", "text/plain; charset=utf-8", "not found: chatd serves GET /metrics\n");
    case HttpVerdict::not_allowed:
      return response("405 Method Not Allowed", "text/plain; charset=utf-8", "chatd serves GET /metrics\n");
    case HttpVerdict::incomplete:
    case HttpVerdict::bad_request:
      break;
  }
  return response("400 Bad Request", "text/plain; charset=utf-8", "bad request\n");
}

std::string http_busy_response() {
  return response("503 Service Unavailable", "text/plain; charset=utf-8", "too many scrapers at once\n");
}

}  // namespace chat
