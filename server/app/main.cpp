// chatd: parse the command line, size the fd limit, open the listeners and
// hand everything to the reactor.
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "app/options.h"
#include "base/server_log.h"
#include "classic/classic_renderer.h"
#include "classic/messages.h"
#include "cluster/cluster_bus.h"
#include "cluster/redis_url.h"
#include "core/chat.h"
#include "core/renderer.h"
#include "net/listener.h"
#include "net/pollers/poller.h"
#include "net/reactor.h"
#include "net/signal_pipe.h"
#include "store/history_store.h"
#include "threads/thread_server.h"
#include "tls/tls_credentials.h"
#include "tls_context.h"

namespace {

// File descriptors chatd needs besides its clients: stdio, listeners, the
// signal pipe, the poller, the spare kept for EMFILE, some slack.
constexpr rlim_t kReservedFds = 32;

// Raises the soft RLIMIT_NOFILE to the hard limit and lowers the client cap
// if even that is too small, saying so.
void fit_fd_limit(chat::Options& options) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur != limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
    ::getrlimit(RLIMIT_NOFILE, &limit);
  }
  const rlim_t wanted = static_cast<rlim_t>(options.max_clients) + kReservedFds;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
    const rlim_t cap = limit.rlim_cur > kReservedFds ? limit.rlim_cur - kReservedFds : 1;
    chat::diagnostic("the open file limit is " + std::to_string(limit.rlim_cur) + ": serving at most " +
                     std::to_string(cap) + " clients instead of " + std::to_string(options.max_clients));
    options.max_clients = static_cast<std::size_t>(cap);
  }
}

// Loads the stored history into the rooms and keeps storing new lines.
void attach_store(chat::Chat& room, chat::HistoryStore* store, std::size_t per_room) {
  if (store == nullptr) return;
  store->load_into(room, per_room);
  room.set_history_sink(store);
}

// --export-history #ROOM: the room's stored lines as they were sent, each
// after its "HH:MM " time.
int export_history(chat::HistoryStore& store, const std::string& room, bool local_time) {
  auto lines = store.read_room(room);
  if (const auto* message = std::get_if<std::string>(&lines)) {
    chat::diagnostic(*message);
    return 1;
  }
  std::string out;
  for (const auto& line : std::get<std::vector<chat::HistoryStore::Line>>(lines)) {
    out.clear();
    chat::msg::append_clock(out, line.time, local_time);
    out += line.text;
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
  return std::fflush(stdout) == 0 ? 0 : 1;
}

// --node-name's default: HOST:PID, unique on one machine and across machines.
std::string default_node_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::snprintf(host, sizeof host, "chatd");
  std::string name = host;
  for (char& c : name) {
    if (c <= ' ' || c >= 127) c = '_';
  }
  return name + ":" + std::to_string(::getpid());
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  auto parsed = chat::parse_options(args);
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    chat::diagnostic(*error);
    return 2;
  }
  auto [action, options] = std::get<chat::ParsedOptions>(std::move(parsed));
  if (action == chat::Action::help) {
    std::fputs(chat::usage_text().c_str(), stdout);
    return 0;
  }
  if (action == chat::Action::version) {
    std::puts("chatd " CHAT_VERSION);
    return 0;
  }

  // --store: opened before anything listens, so a bad path is one line and
  // exit 1 with nothing started.
  std::unique_ptr<chat::HistoryStore> store;
  if (options.store) {
    auto opened = chat::HistoryStore::open(*options.store);
    if (const auto* message = std::get_if<std::string>(&opened)) {
      chat::diagnostic(*message);
      return 1;
    }
    store = std::move(std::get<std::unique_ptr<chat::HistoryStore>>(opened));
  }
  if (options.export_history) return export_history(*store, *options.export_history, options.history_local);
  if (const auto warning = chat::queue_warning(options)) chat::diagnostic(*warning);

  // --tls-cert/--tls-key: checked before anything listens, like a bad option.
  std::unique_ptr<chat::TlsCredentials> tls_credentials;
  if (options.tls_cert) {
    auto loaded = chat::TlsCredentials::load(*options.tls_cert, *options.tls_key);
    if (const auto* message = std::get_if<std::string>(&loaded)) {
      chat::diagnostic(*message);
      return 2;
    }
    tls_credentials = std::move(std::get<std::unique_ptr<chat::TlsCredentials>>(loaded));
  }

  fit_fd_limit(options);

  // --cluster: the Redis host is looked up once, here, before anything
  // listens (a lookup inside the loop could block it).
  std::string redis_address;
  if (options.cluster) {
    const std::string host = std::get<chat::RedisUrl>(chat::parse_redis_url(*options.cluster)).host;
    std::string why;
    const auto address = chat::resolve_redis_host(host, why);
    if (!address) {
      chat::diagnostic("cannot resolve the redis host " + host + ": " + why);
      return 1;
    }
    redis_address = *address;
  }

  std::error_code error;
  std::unique_ptr<chat::Poller> poller;
  if (options.engine != chat::kThreadsEngine) {
    const chat::Engine* engine =
        options.engine.empty() ? &chat::engines().front() : chat::find_engine(options.engine);
    poller = engine->create(error);
    if (!poller) {
      chat::diagnostic("cannot start the " + std::string(engine->name) + " engine: " + error.message());
      return 1;
    }
  }

  std::vector<chat::UniqueFd> fds;
  if (!options.tls_only) {
    auto listeners = chat::open_listeners(options.host, options.port, options.reuse_port);
    if (const auto* message = std::get_if<std::string>(&listeners)) {
      chat::diagnostic(*message);
      return 1;
    }
    fds = std::move(std::get<std::vector<chat::UniqueFd>>(listeners));
  }
  chat::TlsSetup tls;
  if (tls_credentials) {
    auto listeners = chat::open_listeners(options.host, options.tls_port, options.reuse_port);
    if (const auto* message = std::get_if<std::string>(&listeners)) {
      chat::diagnostic(*message);
      return 1;
    }
    tls.listeners = std::move(std::get<std::vector<chat::UniqueFd>>(listeners));
    tls.credentials = tls_credentials.get();
  }

  chat::SignalPipe signals = chat::SignalPipe::install(error);
  if (error) {
    chat::diagnostic("cannot set up signal handling: " + error.message());
    return 1;
  }

  if (!fds.empty()) std::fputs(chat::msg::started(chat::bound_port(fds.front().get())).c_str(), stdout);
  if (tls.credentials != nullptr) {
    const chat::tls::KernelTls ktls = chat::tls::kernel_tls();
    const std::string how = ktls.available ? "kernel TLS where the cipher allows, else user-space TLS"
                                           : "user-space TLS: " + ktls.why_not;
    std::fputs(chat::msg::tls_started(chat::bound_port(tls.listeners.front().get()), how).c_str(), stdout);
  }
  std::fflush(stdout);  // scripts wait for these lines to learn the ports

  // From here on nothing writes to stdout or stderr directly: a reader that
  // stops reading must never block the server (docs/ARCHITECTURE.md).
  chat::LogWriter out(STDOUT_FILENO);
  chat::LogWriter err(STDERR_FILENO);
  chat::set_diagnostic_writer(&err);
  chat::ServerLog log(out, options.quiet);
  // The chat and the protocols it is rendered in: the classic line
  // protocol is the canonical one (the log's and the store's text).
  const chat::ClassicRenderer classic({.max_line = options.max_line, .local_time = options.history_local});
  const chat::Renderers renderers(classic);
  chat::Chat chat(log, renderers, chat::room_config(options));
  attach_store(chat, store.get(), options.history);
  const chat::ServerLimits limits = chat::server_limits(options);
  int status = 0;
  if (!poller) {
    chat::ThreadServer server(limits, chat, renderers, std::move(fds), signals.read_fd(), log, std::move(tls));
    status = server.run();
  } else {
    chat::Reactor reactor(limits, chat, renderers, std::move(poller), std::move(fds), signals.read_fd(), log,
                          std::move(tls));
    std::unique_ptr<chat::ClusterBus> cluster;
    if (options.cluster) {
      const auto url = std::get<chat::RedisUrl>(chat::parse_redis_url(*options.cluster));  // checked by parse_options
      cluster = std::make_unique<chat::ClusterBus>(chat, reactor.poller(), url, redis_address,
                                                   options.node_name.value_or(default_node_name()),
                                                   std::chrono::seconds(options.node_timeout_s), log,
                                                   static_cast<int>(options.cluster_wire));
      reactor.attach(cluster.get());
    }
    status = reactor.run();
  }
  chat::set_diagnostic_writer(nullptr);
  return status;
}
