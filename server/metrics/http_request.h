// The metrics port's HTTP, as little as a scraper needs: one request per
// connection, GET /metrics answered, anything else refused. Pure (bytes in,
// a verdict and the response bytes out), so hostile requests are
// unit-tested without a socket (tests/unit/metrics/).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace chat {

enum class HttpVerdict {
  incomplete,   // no blank line yet: read more (within kMaxHttpRequest)
  metrics,      // GET /metrics (a query string is ignored): 200 and the body
  not_found,    // a well-formed GET of any other path: 404
  not_allowed,  // another method: 405
  bad_request,  // not HTTP/1.x, or a head past kMaxHttpRequest: 400
};

// The longest request head read; a scraper's is a few hundred bytes.
inline constexpr std::size_t kMaxHttpRequest = 8192;

// What to answer to the bytes a client sent so far.
HttpVerdict classify_http_request(std::string_view received);

// The whole response for a verdict (not `incomplete`): status line,
// Content-Type, Content-Length, "Connection: close", then `body` (the
// metrics, for `metrics`; a one-line reason otherwise).
std::string http_response(HttpVerdict verdict, std::string_view metrics_body = {});

// The answer to a scraper over the concurrency cap, before reading it.
std::string http_busy_response();

}  // namespace chat
