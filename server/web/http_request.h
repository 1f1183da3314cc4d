// The head of one HTTP/1.1 request (request line and headers), parsed pure:
// bytes in, a Request or a verdict out. chatd's web port reads at most one
// request per connection (a page, a file, or the WebSocket upgrade), so the
// parser keeps only the few headers that decide what to answer.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace chat::web {

// Request line and headers together may not exceed this (a longer head
// is answered 431 and the connection closed).
inline constexpr std::size_t kMaxRequestHead = 8 * 1024;

struct Request {
  std::string method;  // "GET"
  std::string target;  // "/", "/ws", "/app.js?v=1"
  int minor_version = 1;  // HTTP/1.x
  // The headers chatd reads; each is "" when absent. A repeated header is
  // joined with ", " as RFC 9110 says a list is.
  std::string host;
  std::string origin;
  std::string upgrade;
  std::string connection;
  std::string ws_key;
  std::string ws_version;
  std::string ws_protocol;
  bool has_body = false;  // Content-Length other than 0, or Transfer-Encoding

  // The target without its query ("/?nick=ann" -> "/").
  [[nodiscard]] std::string_view path() const noexcept;
};

struct HeadResult {
  enum class Status {
    incomplete,  // no blank line yet, and within kMaxRequestHead
    complete,    // `request` is filled; `used` bytes were the head
    too_large,   // 431: no end of the head within kMaxRequestHead
    bad,         // 400: not an HTTP/1.x request head
  };
  Status status = Status::incomplete;
  std::size_t used = 0;
  Request request;
};

// Parses the bytes a connection has sent so far (from its first byte).
// Lines end in "\r\n" (a bare "\n" is accepted too).
[[nodiscard]] HeadResult parse_request_head(std::string_view bytes);

// Whether `list` (a comma-separated header value) holds `token`, compared
// without regard to ASCII case ("keep-alive, Upgrade" holds "upgrade").
[[nodiscard]] bool header_has_token(std::string_view list, std::string_view token) noexcept;

// ASCII case-insensitive equality.
[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;

}  // namespace chat::web
