// The reactor's web port: one HTTP request per connection, read within
// WebSetup::request_timeout_s and web::kMaxRequestHead, answered with an
// embedded file, an error, or the upgrade to a WebSocket whose text
// messages are lines like any other (docs/WEB.md). Keepalive pings too.
#include "net/reactor.h"
#include "web/http_response.h"
#include "web/static_files.h"

namespace chat {

void Reactor::on_http_request(Connection& conn) {
  const Connection::IoStatus status = conn.read_request_head(scratch_);
  if (status != Connection::IoStatus::ok) {  // gone before asking: nothing to answer
    close_connection(conn);
    return;
  }
  const web::HeadResult head = web::parse_request_head(conn.request_head());
  switch (head.status) {
    case web::HeadResult::Status::incomplete:
      return;
    case web::HeadResult::Status::too_large:
      answer_http(conn, make_line(web::status_response(431, "Request Header Fields Too Large",
                                                       "the request head is over 8 KiB", web_.policy)));
      return;
    case web::HeadResult::Status::bad:
      answer_http(conn, make_line(web::status_response(400, "Bad Request", "not an HTTP/1.1 request", web_.policy)));
      return;
    case web::HeadResult::Status::complete:
      break;
  }
  auto find = [&](std::string_view path) -> const SharedLine* {
    for (const auto& [p, response] : web_files_) {
      if (p == path) return &response;
    }
    return nullptr;
  };
  const web::Route route =
      web::route(head.request, web_.policy, [&](const std::string& path) { return find(path) != nullptr; });
  switch (route.kind) {
    case web::Route::Kind::file:
      answer_http(conn, *find(route.path));
      return;
    case web::Route::Kind::error:
      if (route.status == 403) diagnostic("web origin refused", "refusing " + conn.peer_name() + ": Origin " +
                                                                     head.request.origin + " is not this server's");
      answer_http(conn, make_line(web::error_response(route, web_.policy)));
      return;
    case web::Route::Kind::upgrade:
      break;
  }
  conn.send_response(make_line(web::upgrade_response(head.request.ws_key, route.subprotocol)));
  conn.start_websocket(head.used);
  --web_requests_;
  ++websockets_;
  // From here on it is a member like any other: welcome, "entered", lines
  // through the same limits. The idle clock starts now.
  conn.last_input = loop_.now;
  admit_to_room(conn);
  if (conn.has_backlog() && !conn.backlog_listed) {
    conn.backlog_listed = true;
    backlogged_.push_back(conn.fd());
  }
}

void Reactor::answer_http(Connection& conn, const SharedLine& response) {
  conn.send_response(response);
  conn.web_request = false;
  --web_requests_;
  conn.reading = false;  // one request per connection: closed once the answer is out
  update_interest(conn, kNone);  // flushed before the loop sleeps; writable interest if the socket is full
}

void Reactor::check_web_timeouts(Connection& conn) {
  if (conn.web_request) {  // slowloris: a request head that never ends
    if (conn.handshaking || loop_.now - conn.last_input < std::chrono::seconds(web_.request_timeout_s)) return;
    answer_http(conn, make_line(web::status_response(408, "Request Timeout",
                                                     "the request head did not arrive in time", web_.policy)));
    return;
  }
  if (!conn.is_websocket() || !conn.reading) return;
  const auto pong_within = std::chrono::seconds(limits_.stall_timeout_s > 0 ? limits_.stall_timeout_s : web_.ping_s);
  if (conn.ws_keepalive_lost(loop_.now, std::chrono::seconds(web_.ping_s), pong_within)) {
    const std::string name = conn.member ? chat_.name_of(*conn.member) : conn.peer_name();
    diagnostic("dropping", "dropping " + name + ": no answer to a WebSocket ping for " +
                               std::to_string(pong_within.count()) + " s");
    close_connection(conn);
  }
}

}  // namespace chat
