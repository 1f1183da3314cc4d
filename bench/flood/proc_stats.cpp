#include "proc_stats.h"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <iterator>
#include <string>

namespace flood {
namespace {

std::optional<std::string> slurp(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text;
}

std::string_view trim_left(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

bool take_number(std::string_view& s, long long& out) {
  s = trim_left(s);
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc{}) return false;
  s.remove_prefix(static_cast<std::size_t>(ptr - s.data()));
  return true;
}

}  // namespace

std::optional<double> parse_stat_cpu_seconds(std::string_view stat, long ticks_per_second) {
  // The command name in "(...)" may hold spaces and parentheses: fields are
  // counted from the last ')'. After it come state (field 3) ... utime (14), stime (15).
  const auto close = stat.rfind(')');
  if (close == std::string_view::npos || ticks_per_second <= 0) return std::nullopt;
  std::string_view rest = stat.substr(close + 1);
  // Skip state and fields 4..13 (11 tokens), then read two numbers.
  for (int skipped = 0; skipped < 11; ++skipped) {
    rest = trim_left(rest);
    const auto space = rest.find(' ');
    if (space == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(space);
  }
  long long utime = 0, stime = 0;
  if (!take_number(rest, utime) || !take_number(rest, stime)) return std::nullopt;
  return static_cast<double>(utime + stime) / static_cast<double>(ticks_per_second);
}

std::optional<long> parse_status_kb(std::string_view status, std::string_view field) {
  std::size_t at = 0;
  while (at < status.size()) {
    auto end = status.find('\n', at);
    if (end == std::string_view::npos) end = status.size();
    std::string_view line = status.substr(at, end - at);
    at = end + 1;
    if (line.size() > field.size() && line.starts_with(field) && line[field.size()] == ':') {
      std::string_view rest = line.substr(field.size() + 1);
      long long kb = 0;
      if (!take_number(rest, kb)) return std::nullopt;
      return static_cast<long>(kb);
    }
  }
  return std::nullopt;
}

std::optional<double> read_cpu_seconds(long pid) {
  const auto text = slurp("/proc/" + std::to_string(pid) + "/stat");
  if (!text) return std::nullopt;
  return parse_stat_cpu_seconds(*text, ::sysconf(_SC_CLK_TCK));
}

std::optional<long> read_status_kb(long pid, std::string_view field) {
  const auto text = slurp("/proc/" + std::to_string(pid) + "/status");
  if (!text) return std::nullopt;
  return parse_status_kb(*text, field);
}

double own_cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

std::optional<double> read_cpu_seconds(std::span<const long> pids) {
  double sum = 0;
  for (const long pid : pids) {
    const auto cpu = read_cpu_seconds(pid);
    if (!cpu) return std::nullopt;
    sum += *cpu;
  }
  return sum;
}

std::optional<long> read_status_kb(std::span<const long> pids, std::string_view field) {
  long sum = 0;
  for (const long pid : pids) {
    const auto kb = read_status_kb(pid, field);
    if (!kb) return std::nullopt;
    sum += *kb;
  }
  return sum;
}

}  // namespace flood
