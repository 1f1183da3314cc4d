#include "app/metrics_source.h"

#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cluster/cluster_bus.h"
#include "core/chat.h"
#include "net/reactor.h"
#include "store/history_store.h"

namespace chat {

namespace {

// The boot time in seconds since the epoch (/proc/stat's btime), read once.
std::optional<double> boot_time() {
  static const std::optional<double> btime = []() -> std::optional<double> {
    std::ifstream in("/proc/stat");
    std::string key;
    double value = 0;
    while (in >> key) {
      if (key == "btime" && in >> value) return value;
      in.ignore(1 << 16, '\n');
    }
    return std::nullopt;
  }();
  return btime;
}

std::uint64_t count_fds() {
  std::error_code error;
  std::uint64_t n = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", error), end; !error && it != end; it.increment(error)) ++n;
  return n > 0 ? n - 1 : 0;  // the directory iterator's own fd
}

}  // namespace

std::optional<ProcessStats> read_process_stats() {
  std::ifstream in("/proc/self/stat");
  std::string text;
  if (!in || !std::getline(in, text)) return std::nullopt;
  // The command name (field 2) is in parentheses and may hold spaces: the
  // fields are counted after its closing ')'.
  const std::size_t close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  std::vector<std::string> f;  // f[0] is field 3 (state)
  while (fields >> field) f.push_back(field);
  if (f.size() < 22) return std::nullopt;
  const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const long page = ::sysconf(_SC_PAGESIZE);
  ProcessStats p;
  try {
    p.cpu_seconds = (std::stod(f[11]) + std::stod(f[12])) / ticks;  // utime, stime (fields 14, 15)
    p.virtual_bytes = std::stoull(f[20]);                          // vsize (23)
    p.resident_bytes = std::stoull(f[21]) * static_cast<std::uint64_t>(page);  // rss (24), pages
    if (const auto btime = boot_time()) p.start_time_seconds = *btime + std::stod(f[19]) / ticks;  // starttime (22)
  } catch (const std::exception&) {
    return std::nullopt;
  }
  p.open_fds = count_fds();
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) p.max_fds = limit.rlim_cur;
  return p;
}

std::string MetricsSource::operator()() const {
  MetricsSnapshot s;
  s.version = version_;
  s.loop = &reactor_.counters();
  s.users = chat_.online();
  // Users by protocol: this node's, counted by a walk at each scrape.
  std::array<std::uint64_t, 256> by_protocol{};  // every ProtocolId
  chat_.count_local_by_protocol(by_protocol);
  for (std::size_t p = 0; p < by_protocol.size(); ++p) {
    (websocket_ && p == *websocket_ ? s.websocket_users : s.line_users) += by_protocol[p];
  }
  s.rooms = chat_.room_count();
  s.connections = reactor_.connections();
  if (store_ != nullptr) s.store = store_->stats();
  if (cluster_ != nullptr) {
    s.cluster = ClusterStats{.linked = cluster_->linked(),
                             .events_received = cluster_->events_received(),
                             .events_sent = cluster_->events_sent(),
                             .events_skipped = cluster_->skipped()};
  }
  s.process = read_process_stats();
  return render_metrics(s);
}

}  // namespace chat
