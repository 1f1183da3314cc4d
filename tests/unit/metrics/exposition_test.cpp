// The exposition writer: counters in, Prometheus text out. The format is
// also checked by promtool on a real scrape (tests/integration/metrics_test.cpp).
#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "metrics/exposition.h"
#include "metrics/http_request.h"

using namespace std::chrono_literals;

namespace {

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.starts_with(line + "\n");
}

}  // namespace

TEST_CASE("metrics: every family has HELP and TYPE and the gauges their values") {
  chat::LoopCounters loop;
  chat::MetricsSnapshot s;
  s.version = "1.2.3";
  s.loop = &loop;
  s.users = 7;
  s.line_users = 5;
  s.websocket_users = 2;
  s.rooms = 3;
  s.connections = 9;
  const std::string text = chat::render_metrics(s);
  CHECK(has_line(text, "# TYPE chatd_users gauge"));
  CHECK(has_line(text, "chatd_users 7"));
  CHECK(has_line(text, "chatd_users_by_protocol{protocol=\"line\"} 5"));
  CHECK(has_line(text, "chatd_users_by_protocol{protocol=\"websocket\"} 2"));
  CHECK(has_line(text, "chatd_rooms 3"));
  CHECK(has_line(text, "chatd_connections 9"));
  CHECK(has_line(text, "chatd_build_info{version=\"1.2.3\"} 1"));
  CHECK(has_line(text, "# TYPE chatd_lines_received_total counter"));
  CHECK(text.ends_with("\n"));
  // Without --store or --cluster, their families are absent, not zero.
  CHECK(text.find("chatd_store_") == std::string::npos);
  CHECK(text.find("chatd_cluster_") == std::string::npos);
}

TEST_CASE("metrics: counters by reason list every reason, zeros included") {
  chat::LoopCounters loop;
  loop.refuse(chat::Refusal::too_many_from_ip);
  loop.refuse(chat::Refusal::too_many_from_ip);
  loop.disconnects[static_cast<std::size_t>(chat::Disconnect::stall)] = 4;
  loop.accepted[1] = 5;
  loop.accepted[static_cast<std::size_t>(chat::Listener::web)] = 3;
  chat::MetricsSnapshot s;
  s.version = "x";
  s.loop = &loop;
  const std::string text = chat::render_metrics(s);
  CHECK(has_line(text, "chatd_connections_refused_total{reason=\"too_many_from_ip\"} 2"));
  CHECK(has_line(text, "chatd_connections_refused_total{reason=\"server_full\"} 0"));
  CHECK(has_line(text, "chatd_connections_refused_total{reason=\"out_of_fds\"} 0"));
  CHECK(has_line(text, "chatd_disconnects_total{reason=\"stall\"} 4"));
  CHECK(has_line(text, "chatd_disconnects_total{reason=\"quit\"} 0"));
  CHECK(has_line(text, "chatd_disconnects_total{reason=\"kicked\"} 0"));
  CHECK(has_line(text, "chatd_disconnects_total{reason=\"banned\"} 0"));
  CHECK(has_line(text, "chatd_disconnects_total{reason=\"replaced\"} 0"));
  CHECK(text.find("reason=\"none\"") == std::string::npos);
  CHECK(has_line(text, "chatd_connections_accepted_total{listener=\"tls\"} 5"));
  CHECK(has_line(text, "chatd_connections_accepted_total{listener=\"plain\"} 0"));
  CHECK(has_line(text, "chatd_connections_accepted_total{listener=\"web\"} 3"));
}

TEST_CASE("metrics: a histogram's buckets are cumulative and end in +Inf, sum and count") {
  chat::LoopCounters loop;
  loop.loop_iteration_seconds.observe(50us);    // first bucket (le 0.0001)
  loop.loop_iteration_seconds.observe(100us);   // on the bound: still the first
  loop.loop_iteration_seconds.observe(3ms);     // le 0.005
  loop.loop_iteration_seconds.observe(20s);     // past the last bound
  chat::MetricsSnapshot s;
  s.version = "x";
  s.loop = &loop;
  const std::string text = chat::render_metrics(s);
  const std::string name = "chatd_loop_iteration_duration_seconds";
  CHECK(has_line(text, "# TYPE " + name + " histogram"));
  CHECK(has_line(text, name + "_bucket{le=\"0.0001\"} 2"));
  CHECK(has_line(text, name + "_bucket{le=\"0.0025\"} 2"));
  CHECK(has_line(text, name + "_bucket{le=\"0.005\"} 3"));
  CHECK(has_line(text, name + "_bucket{le=\"10\"} 3"));
  CHECK(has_line(text, name + "_bucket{le=\"+Inf\"} 4"));
  CHECK(has_line(text, name + "_count 4"));
  CHECK(has_line(text, name + "_sum 20.00315"));
}

TEST_CASE("metrics: the store, the cluster and the process when there are some") {
  chat::StoreStats store;
  store.queued_lines = 12;
  store.commit_errors = 1;
  store.commit_seconds.observe(2ms);
  chat::ClusterStats cluster{.linked = true, .events_received = 8, .events_sent = 9, .events_skipped = 0};
  chat::ProcessStats process{.cpu_seconds = 1.5, .resident_bytes = 4096, .virtual_bytes = 8192, .open_fds = 10,
                             .max_fds = 1024, .start_time_seconds = 1700000000.25};
  chat::MetricsSnapshot s;
  s.version = "x";
  s.store = store;
  s.cluster = cluster;
  s.process = process;
  const std::string text = chat::render_metrics(s);
  CHECK(has_line(text, "chatd_store_queue_lines 12"));
  CHECK(has_line(text, "chatd_store_commit_errors_total 1"));
  CHECK(has_line(text, "chatd_store_commit_duration_seconds_count 1"));
  CHECK(has_line(text, "chatd_cluster_link_up 1"));
  CHECK(has_line(text, "chatd_cluster_events_received_total 8"));
  CHECK(has_line(text, "chatd_cluster_events_sent_total 9"));
  CHECK(has_line(text, "process_cpu_seconds_total 1.5"));
  CHECK(has_line(text, "process_resident_memory_bytes 4096"));
  CHECK(has_line(text, "process_open_fds 10"));
  CHECK(has_line(text, "process_start_time_seconds 1700000000.25"));
}

TEST_CASE("metrics: a label value is escaped") {
  chat::MetricsSnapshot s;
  s.version = "a\"b\\c\nd";
  CHECK(has_line(chat::render_metrics(s), R"(chatd_build_info{version="a\"b\\c\nd"} 1)"));
}

TEST_CASE("metrics http: GET /metrics is served, the rest refused") {
  using chat::HttpVerdict;
  using chat::classify_http_request;
  CHECK(classify_http_request("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n") == HttpVerdict::metrics);
  CHECK(classify_http_request("GET /metrics?x=1 HTTP/1.0\r\n\r\n") == HttpVerdict::metrics);
  CHECK(classify_http_request("GET /metrics HTTP/1.1\n\n") == HttpVerdict::metrics);
  CHECK(classify_http_request("GET /metrics HTTP/1.1\r\nHost: x\r\n") == HttpVerdict::incomplete);
  CHECK(classify_http_request("GET /") == HttpVerdict::incomplete);
  CHECK(classify_http_request("GET / HTTP/1.1\r\n\r\n") == HttpVerdict::not_found);
  CHECK(classify_http_request("GET /metricsx HTTP/1.1\r\n\r\n") == HttpVerdict::not_found);
  CHECK(classify_http_request("POST /metrics HTTP/1.1\r\n\r\n") == HttpVerdict::not_allowed);
  CHECK(classify_http_request("HEAD /metrics HTTP/1.1\r\n\r\n") == HttpVerdict::not_allowed);
  CHECK(classify_http_request("hello\r\n\r\n") == HttpVerdict::bad_request);
  CHECK(classify_http_request("GET /metrics SPDY/3\r\n\r\n") == HttpVerdict::bad_request);
  CHECK(classify_http_request("GET  /metrics HTTP/1.1\r\n\r\n") == HttpVerdict::bad_request);
  CHECK(classify_http_request(std::string(chat::kMaxHttpRequest, 'x')) == HttpVerdict::bad_request);
}

TEST_CASE("metrics http: responses carry their length and close") {
  const std::string ok = chat::http_response(chat::HttpVerdict::metrics, "a 1\n");
  CHECK(ok.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(ok.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n") != std::string::npos);
  CHECK(ok.find("Content-Length: 4\r\n") != std::string::npos);
  CHECK(ok.find("Connection: close\r\n\r\na 1\n") != std::string::npos);
  CHECK(chat::http_response(chat::HttpVerdict::not_found).starts_with("HTTP/1.1 404 "));
  CHECK(chat::http_response(chat::HttpVerdict::not_allowed).starts_with("HTTP/1.1 405 "));
  CHECK(chat::http_response(chat::HttpVerdict::bad_request).starts_with("HTTP/1.1 400 "));
  CHECK(chat::http_busy_response().starts_with("HTTP/1.1 503 "));
}
