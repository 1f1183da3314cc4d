#include "results.h"

#include <cmath>
#include <cstdio>

namespace flood {
namespace {

std::string number(double v, int decimals) {
  if (!std::isfinite(v)) return "null";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (const unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string row(const char* label, const std::string& value) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "  %-18s %s\n", label, value.c_str());
  return buf;
}

std::string count(std::uint64_t v) { return std::to_string(v); }

}  // namespace

std::string format_table(const Results& r) {
  std::string t;
  t += "flood: " + std::to_string(r.clients) + " clients, " + std::to_string(r.senders) + " senders, " +
       r.protocol + " protocol, " + std::to_string(r.size) + "-byte payloads, ";
  if (r.mode == "open") {
    t += "open loop " + number(r.rate, 0) + " msg/s for " + number(r.duration, 1) + " s\n";
  } else {
    t += "closed loop, window " + std::to_string(r.window) + "\n";
  }
  t += row("connect+join", number(r.connect_s, 3) + " s");
  t += row("sent", count(r.sent) + " messages (" + count(r.messages) + " per sender planned)");
  t += row("expected", count(r.expected) + " deliveries");
  t += row("delivered", count(r.deliveries) + " in " + number(r.seconds, 3) + " s = " +
                            number(r.deliveries_per_s, 0) + " deliveries/s");
  t += row("lost", count(r.lost));
  t += row("duplicated", count(r.duplicates));
  t += row("garbled", count(r.garbled));
  if (r.echoes) t += row("echoed to sender", count(r.echoes));
  if (r.gaps) t += row("sequence gaps", count(r.gaps));
  if (r.disconnected) t += row("disconnected", count(r.disconnected));
  if (r.notices) t += row("server notices", count(r.notices) + " (first: " + r.first_notice + ")");
  // The usual first run: a default chatd limits each client's lines.
  if (r.first_notice.starts_with("! slow down:")) {
    t += row("why", "chatd's rate limit dropped lines (default 10 lines/s, bursts of 50 per client);");
    t += row("", "to benchmark, start chatd with --rate-limit 0");
  }
  t += row("latency us", "p50 " + number(r.p50_us, 1) + "  p90 " + number(r.p90_us, 1) + "  p99 " +
                             number(r.p99_us, 1) + "  p99.9 " + number(r.p999_us, 1) + "  max " +
                             number(r.max_us, 1) + "  mean " + number(r.mean_us, 1));
  t += row("server cpu", r.server_cpu_s ? number(*r.server_cpu_s, 2) + " s" : std::string("-"));
  t += row("server peak rss", r.server_rss_kb ? std::to_string(*r.server_rss_kb) + " kB" : std::string("-"));
  // Near 100 % of one core means flood itself may be the limit of this run.
  t += row("flood cpu", number(r.flood_cpu_s, 2) + " s" +
                            (r.seconds > 0 ? " (" + number(100 * r.flood_cpu_s / r.seconds, 0) + " % of one core)" : ""));
  std::string verdict = r.ok() ? "ok" : "FAILED";
  if (!r.error.empty()) verdict += ": " + r.error;
  if (r.timed_out) verdict += " (timeout)";
  if (r.stalled) verdict += " (no progress, gave up)";
  t += row("result", verdict);
  return t;
}

std::string format_json(const Results& r) {
  std::string j = "{";
  auto field = [&j](const char* name, const std::string& value) {
    if (j.size() > 1) j += ",";
    j += "\"";
    j += name;
    j += "\":";
    j += value;
  };
  field("clients", count(r.clients));
  field("senders", count(r.senders));
  field("messages", count(r.messages));
  field("size", count(r.size));
  field("protocol", json_string(r.protocol));
  field("mode", json_string(r.mode));
  field("window", count(r.window));
  field("rate", number(r.rate, 1));
  field("duration", number(r.duration, 3));
  field("sent", count(r.sent));
  field("expected", count(r.expected));
  field("deliveries", count(r.deliveries));
  field("lost", count(r.lost));
  field("duplicates", count(r.duplicates));
  field("garbled", count(r.garbled));
  field("echoes", count(r.echoes));
  field("gaps", count(r.gaps));
  field("disconnected", count(r.disconnected));
  field("notices", count(r.notices));
  field("seconds", number(r.seconds, 6));
  field("deliveries_per_s", number(r.deliveries_per_s, 1));
  field("p50_us", number(r.p50_us, 1));
  field("p90_us", number(r.p90_us, 1));
  field("p99_us", number(r.p99_us, 1));
  field("p999_us", number(r.p999_us, 1));
  field("max_us", number(r.max_us, 1));
  field("mean_us", number(r.mean_us, 1));
  field("connect_s", number(r.connect_s, 6));
  field("server_cpu_s", r.server_cpu_s ? number(*r.server_cpu_s, 3) : "null");
  field("server_rss_kb", r.server_rss_kb ? std::to_string(*r.server_rss_kb) : "null");
  field("flood_cpu_s", number(r.flood_cpu_s, 3));
  field("timed_out", r.timed_out ? "true" : "false");
  field("stalled", r.stalled ? "true" : "false");
  field("ok", r.ok() ? "true" : "false");
  field("error", r.error.empty() ? "null" : json_string(r.error));
  return j + "}";
}

}  // namespace flood
