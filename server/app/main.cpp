// chatd: parse the command line (and --config), size the fd limit, take
// or open the listeners, tell systemd, and hand everything to the engine.
// Over the house's 400 lines: each capability merged this stop (metrics,
// the web port, accounts, admins, uring) added its wiring here. The next
// change should move each capability's setup (listeners, reload, password
// workers) into a file of its own beside this one.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "app/metrics_source.h"
#include "app/options.h"
#include "base/server_log.h"
#include "classic/classic_renderer.h"
#include "classic/messages.h"
#include "cluster/cluster_bus.h"
#include "passwords/password_pool.h"
#include "store/account_store.h"
#include "cluster/redis_url.h"
#include "core/chat.h"
#include "core/renderer.h"
#include "net/listener.h"
#include "net/metrics_endpoint.h"
#include "net/pollers/poller.h"
#include "net/reactor.h"
#include "net/signal_pipe.h"
#include "store/history_store.h"
#include "store/history_writer.h"
#include "store/moderation_store.h"
#include "systemd/listen_fds.h"
#include "systemd/notify.h"
#include "systemd/service_task.h"
#include "threads/thread_server.h"
#include "web/http_response.h"
#include "web/ws_line_renderer.h"
#include "tls/tls_credentials.h"
#include "nickname.h"
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
// after its "HH:MM " time. The store is only read: a missing file or room is
// one line and exit 1.
int export_history(const std::string& path, const std::string& room, bool local_time) {
  auto lines = chat::HistoryStore::export_room(path, room);
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

// --server-name's default: the host's name (IRC's server name).
std::string default_server_name() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::snprintf(host, sizeof host, "chatd");
  std::string name = host;
  for (char& c : name) {
    if (c <= ' ' || c >= 127 || c == ':' || c == '!' || c == '@') c = '_';
  }
  return name;
}

// Open file descriptors, from /proc/self/fd (nullopt where there is none).
std::optional<std::size_t> open_fds() {
  std::error_code error;
  std::size_t n = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", error), end; !error && it != end; it.increment(error)) ++n;
  if (error || n == 0) return std::nullopt;
  return n - 1;  // the directory iterator's own fd
}

// --admin NAME[,NAME]: the names, or nullopt with `bad` the one that is not
// a nickname.
std::optional<std::vector<std::string>> parse_admins(std::string_view list, std::string& bad) {
  std::vector<std::string> admins;
  for (std::string_view rest = list; !rest.empty();) {
    const auto comma = rest.find(',');
    const std::string_view name = rest.substr(0, comma);
    if (!chat::is_valid_nickname(name)) {
      bad = name;
      return std::nullopt;
    }
    admins.emplace_back(name);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
  }
  return admins;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

// SIGHUP with --config: re-reads the file (and the same command line over
// it), applies what can change live, and logs one line saying what changed
// and what waits for a restart. `running` holds the values in force.
//
// Live (the option rows marked .live): the TLS certificate and key, and
// with a reactor engine the limits the reactor takes through set_limits()
// (max-clients, max-per-ip, max-queue, rate-limit, the timeouts, the
// handshake rate) and the admins (Chat::set_admins, on the loop's thread).
class Reloader {
 public:
  // `apply_limits`: hands new limits to the running engine; `apply_admins`
  // the new admins to its chat; both empty with the threads engine, whose
  // limits and chat (under its lock) then need a restart. `client_cap`: the
  // most clients the open file limit allows (fit_fd_limit).
  Reloader(std::vector<std::string_view> args, chat::Options running, chat::TlsCredentials* tls,
           std::function<void(const chat::ServerLimits&)> apply_limits,
           std::function<void(const std::vector<std::string>&)> apply_admins, std::size_t client_cap)
      : args_(std::move(args)),
        running_(std::move(running)),
        tls_(tls),
        apply_limits_(std::move(apply_limits)),
        apply_admins_(std::move(apply_admins)),
        client_cap_(client_cap) {}

  void operator()() {
    std::string line = "SIGHUP: re-read " + *running_.config + ": ";
    auto parsed = chat::parse_options(args_);
    if (const auto* error = std::get_if<std::string>(&parsed)) {
      line += *error + " (keeping the running configuration)";
      reload_tls(running_.tls_cert, running_.tls_key, line);
      chat::diagnostic(line);
      return;
    }
    const chat::Options& wanted = std::get<chat::ParsedOptions>(parsed).options;
    std::string bad_admin;
    const auto admins = parse_admins(wanted.admins, bad_admin);
    if (!admins) {
      line += "invalid admin '" + bad_admin +
              "': expected nicknames separated by commas (keeping the running configuration)";
      reload_tls(running_.tls_cert, running_.tls_key, line);
      chat::diagnostic(line);
      return;
    }
    std::vector<std::string> now, later;
    const bool tls_on = tls_ != nullptr && wanted.tls_cert.has_value();
    bool limits_changed = false;
    for (const std::string& name : chat::changed_options(running_, wanted)) {
      const bool tls_file = name == "tls-cert" || name == "tls-key";
      const bool admin = name == "admin";
      const bool live = is_live(name) && (tls_file ? tls_on
                                          : admin  ? static_cast<bool>(apply_admins_)
                                                   : static_cast<bool>(apply_limits_));
      (live ? now : later).push_back(name);
      limits_changed = limits_changed || (live && !tls_file && !admin);
      if (live && admin) {
        running_.admins = wanted.admins;
        apply_admins_(*admins);
      }
    }
    if (limits_changed) apply_limits(wanted);
    if (now.empty() && later.empty()) line += "nothing changed";
    if (!now.empty()) line += "changed now: " + join(now);
    if (!later.empty()) line += std::string(now.empty() ? "" : "; ") + "needs a restart: " + join(later);
    if (tls_on) {
      reload_tls(wanted.tls_cert, wanted.tls_key, line);
    } else {
      reload_tls(running_.tls_cert, running_.tls_key, line);
    }
    chat::diagnostic(line);
  }

 private:
  // Re-reads the certificate and key (new connections get them; connected
  // users keep theirs); a bad pair keeps the one loaded before.
  void reload_tls(const std::optional<std::string>& cert, const std::optional<std::string>& key, std::string& line) {
    if (tls_ == nullptr || !cert || !key) return;
    auto loaded = chat::TlsCredentials::load(*cert, *key);
    if (const auto* error = std::get_if<std::string>(&loaded)) {
      line += "; keeping the TLS certificate loaded before: " + *error;
      return;
    }
    *tls_ = std::move(*std::get<std::unique_ptr<chat::TlsCredentials>>(loaded));
    running_.tls_cert = cert;
    running_.tls_key = key;
    line += "; reloaded the TLS certificate from " + *cert + " and its key from " + *key;
  }

  static bool is_live(std::string_view name) {
    for (const chat::OptionRow& row : chat::option_table()) {
      if (chat::config_name(row) == name) return row.live;
    }
    return false;
  }

  // The reactor's limits from `wanted`; --max-line keeps its running value.
  void apply_limits(const chat::Options& wanted) {
    running_.max_clients = wanted.max_clients;
    running_.max_per_ip = wanted.max_per_ip;
    running_.max_queue = wanted.max_queue;
    running_.rate_limit = wanted.rate_limit;
    running_.stall_timeout_s = wanted.stall_timeout_s;
    running_.idle_timeout_s = wanted.idle_timeout_s;
    running_.tls_handshake_timeout_s = wanted.tls_handshake_timeout_s;
    running_.tls_handshake_rate = wanted.tls_handshake_rate;
    chat::ServerLimits limits = chat::server_limits(running_);
    limits.max_clients = std::min(limits.max_clients, client_cap_);
    apply_limits_(limits);
  }

  std::vector<std::string_view> args_;
  chat::Options running_;
  chat::TlsCredentials* tls_;
  std::function<void(const chat::ServerLimits&)> apply_limits_;
  std::function<void(const std::vector<std::string>&)> apply_admins_;
  std::size_t client_cap_;
};

}  // namespace

int main(int argc, char** argv) {
  // `chatd --history-writer PID`: not an option a user gives; the process
  // that writes --store's history, started by chatd on fd 3
  // (store/history_writer.h).
  if (argc == 3 && std::string_view(argv[1]) == "--history-writer") {
    return chat::run_history_writer(3, std::strtol(argv[2], nullptr, 10));
  }
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
  const chat::Options configured = options;  // before fit_fd_limit: what SIGHUP compares with

  if (options.export_history) return export_history(*options.store, *options.export_history, options.history_local);

  // --store: opened before anything listens, so a bad path, a damaged file
  // or a file another chatd holds is one line and exit 1 with nothing
  // started. On disk each room keeps --store-lines lines (at least the
  // --history it replays), which /history pages back through.
  std::unique_ptr<chat::HistoryStore> store;
  if (options.store && !options.check_config) {  // a check creates no file
    const std::size_t keep = options.history == 0 ? 0 : std::max(options.history, options.store_lines);
    // The writer process is this very binary (Linux: even if its file
    // was replaced since, as by a package upgrade).
    std::string self = ::access("/proc/self/exe", X_OK) == 0 ? "/proc/self/exe" : argv[0];
    auto opened = chat::HistoryStore::open(*options.store, keep, std::move(self));
    if (const auto* message = std::get_if<std::string>(&opened)) {
      chat::diagnostic(*message);
      return 1;
    }
    store = std::move(std::get<std::unique_ptr<chat::HistoryStore>>(opened));
  }
  // Accounts live in the same file, in a table of their own.
  std::unique_ptr<chat::AccountStore> account_store;
  if (store) {
    auto opened = chat::AccountStore::open(*options.store);
    if (const auto* message = std::get_if<std::string>(&opened)) {
      chat::diagnostic(*message);
      return 1;
    }
    account_store = std::move(std::get<std::unique_ptr<chat::AccountStore>>(opened));
  }
  // Accounts are kept in the --store file and, with --cluster, in Redis for
  // every node (the file, if any, is then this node's copy: docs/CLUSTER.md).
  bool accounts_on = account_store != nullptr || options.cluster.has_value();
  if (accounts_on && !options.check_config && !chat::PasswordPool::available()) {
    chat::diagnostic("cannot start libsodium: no accounts on this server");
    account_store.reset();
    accounts_on = false;
  }
  // The moderation rules share the history's file (and its lock).
  std::unique_ptr<chat::ModerationStore> rules_store;
  if (store) {
    auto opened = chat::ModerationStore::open(*options.store);
    if (const auto* message = std::get_if<std::string>(&opened)) {
      chat::diagnostic(*message);
      return 1;
    }
    rules_store = std::move(std::get<std::unique_ptr<chat::ModerationStore>>(opened));
  }
  // --admin NAME[,NAME]
  std::string bad_admin;
  const auto parsed_admins = parse_admins(options.admins, bad_admin);
  if (!parsed_admins) {
    chat::diagnostic("invalid --admin '" + bad_admin + "': expected nicknames separated by commas");
    return 1;
  }
  const std::vector<std::string>& admins = *parsed_admins;
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
  if (options.check_config) {
    std::puts(options.config ? ("chatd: " + *options.config + ": configuration OK").c_str()
                             : "chatd: configuration OK");
    return 0;
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
  std::unique_ptr<chat::Sender> sender;  // the engine's completion side, if any (uring)
  if (options.engine != chat::kThreadsEngine) {
    const chat::Engine* engine =
        options.engine.empty() ? &chat::engines().front() : chat::find_engine(options.engine);
    poller = engine->create(error);
    if (poller && engine->create_sender != nullptr) sender = engine->create_sender(error);
    if (!poller || (engine->create_sender != nullptr && !sender)) {
      // No other engine is tried: what was asked for is what runs, or nothing.
      chat::diagnostic("cannot start the " + std::string(engine->name) + " engine: " + error.message());
      return 1;
    }
  }

  // Socket activation: listeners passed by systemd (LISTEN_FDS) replace
  // those chatd would open for that port, whatever --host and --port say.
  auto activated_or = chat::take_listen_fds();
  if (const auto* message = std::get_if<std::string>(&activated_or)) {
    chat::diagnostic(*message);
    return 2;
  }
  auto& activated = std::get<chat::ActivatedListeners>(activated_or);
  for (const std::string& name : activated.ignored) {
    chat::diagnostic("ignoring the passed socket named '" + name +
                     "' (chatd serves 'plain', 'tls', 'web' and 'metrics')");
  }
  if (!activated.tls.empty() && !tls_credentials) {
    chat::diagnostic("a socket named 'tls' was passed, but there is no --tls-cert and --tls-key");
    return 2;
  }
  if (!activated.plain.empty() && options.tls_only) {
    chat::diagnostic("a plain socket was passed, but --tls-only says there is no plain port");
    return 2;
  }

  std::vector<chat::UniqueFd> fds = std::move(activated.plain);
  if (!options.tls_only && fds.empty()) {
    auto listeners = chat::open_listeners(options.host, options.port, options.reuse_port);
    if (const auto* message = std::get_if<std::string>(&listeners)) {
      chat::diagnostic(*message);
      return 1;
    }
    fds = std::move(std::get<std::vector<chat::UniqueFd>>(listeners));
  }
  chat::TlsSetup tls;
  if (tls_credentials && !activated.tls.empty()) {
    tls.listeners = std::move(activated.tls);
    tls.credentials = tls_credentials.get();
  } else if (tls_credentials) {
    auto listeners = chat::open_listeners(options.host, options.tls_port, options.reuse_port);
    if (const auto* message = std::get_if<std::string>(&listeners)) {
      chat::diagnostic(*message);
      return 1;
    }
    tls.listeners = std::move(std::get<std::vector<chat::UniqueFd>>(listeners));
    tls.credentials = tls_credentials.get();
  }

  // --metrics, or a socket named 'metrics': GET /metrics from the loop.
  std::vector<chat::UniqueFd> metrics_fds = std::move(activated.metrics);
  if (!poller && !metrics_fds.empty()) {
    chat::diagnostic("ignoring the passed socket named 'metrics': --engine threads serves no metrics");
    metrics_fds.clear();
  }
  const bool metrics_passed = !metrics_fds.empty();
  if (options.metrics && metrics_fds.empty()) {
    const auto endpoint = *chat::parse_endpoint(*options.metrics);  // checked by parse_options
    auto listeners = chat::open_listeners(endpoint.host, endpoint.port);
    if (const auto* message = std::get_if<std::string>(&listeners)) {
      chat::diagnostic("--metrics: " + *message);
      return 1;
    }
    metrics_fds = std::move(std::get<std::vector<chat::UniqueFd>>(listeners));
  }
  if (metrics_passed) {
    chat::diagnostic("serving metrics on the passed socket (port " +
                     std::to_string(chat::bound_port(metrics_fds.front().get())) + ")");
  } else if (!metrics_fds.empty()) {
    const std::string host = chat::parse_endpoint(*options.metrics)->host;
    const bool v6 = host.find(':') != std::string::npos;
    chat::diagnostic("serving metrics on http://" + (v6 ? "[" + host + "]" : host) + ":" +
                     std::to_string(chat::bound_port(metrics_fds.front().get())) + "/metrics");
  }

  // --web-port, or a socket named 'web': the page and its WebSocket
  // (docs/WEB.md); HTTPS with --tls-cert.
  chat::WebSetup web;
  if (!poller && !activated.web.empty()) {
    chat::diagnostic("ignoring the passed socket named 'web': --engine threads serves no web port");
    activated.web.clear();
  }
  if (!activated.web.empty()) {
    web.listeners = std::move(activated.web);
  } else if (options.web_port) {
    auto listeners = chat::open_listeners(options.host, *options.web_port, options.reuse_port);
    if (const auto* message = std::get_if<std::string>(&listeners)) {
      chat::diagnostic(*message);
      return 1;
    }
    web.listeners = std::move(std::get<std::vector<chat::UniqueFd>>(listeners));
  }
  if (!web.listeners.empty()) {
    if (options.web_origin) static_cast<void>(chat::web::parse_origins(*options.web_origin, web.policy.extra_origins));
    web.policy.tls = tls_credentials != nullptr;
    web.ping_s = options.web_ping_s;
  }

  // --irc-port: IRC clients (docs/IRC.md).
  chat::IrcSetup irc;
  if (options.irc_port) {
    auto listeners = chat::open_listeners(options.host, *options.irc_port, options.reuse_port);
    if (const auto* message = std::get_if<std::string>(&listeners)) {
      chat::diagnostic(*message);
      return 1;
    }
    irc.listeners = std::move(std::get<std::vector<chat::UniqueFd>>(listeners));
  }

  const chat::Notifier notifier = chat::Notifier::from_environment();
  const auto watchdog = chat::watchdog_interval_from_environment();
  if (watchdog && !poller) chat::diagnostic("WATCHDOG_USEC is ignored with --engine threads: its loop sends no pings");

  chat::SignalPipe signals = chat::SignalPipe::install(error);
  if (error) {
    chat::diagnostic("cannot set up signal handling: " + error.message());
    return 1;
  }

  // --log-time stamps these lines too: every line of the stdout log.
  const auto stamped = [&](const std::string& line) {
    if (!options.log_time) return line;
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return chat::rfc3339_millis(std::chrono::duration_cast<std::chrono::milliseconds>(now).count()) + " " + line;
  };
  if (!fds.empty()) std::fputs(stamped(chat::msg::started(chat::bound_port(fds.front().get()))).c_str(), stdout);
  if (tls.credentials != nullptr) {
    const chat::tls::KernelTls ktls = chat::tls::kernel_tls();
    const std::string how = ktls.available ? "kernel TLS where the cipher allows, else user-space TLS"
                                           : "user-space TLS: " + ktls.why_not;
    std::fputs(stamped(chat::msg::tls_started(chat::bound_port(tls.listeners.front().get()), how)).c_str(), stdout);
  }
  if (!web.listeners.empty()) {
    // A wildcard or loopback host is opened as localhost: the page's own origin.
    const bool named = options.host && *options.host != "0.0.0.0" && *options.host != "::" && !options.host->empty();
    std::string host = named ? *options.host : "localhost";
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    const std::string url = std::string(web.policy.tls ? "https://" : "http://") + host + ":" +
                            std::to_string(chat::bound_port(web.listeners.front().get())) + "/";
    std::fputs(stamped(chat::msg::web_started(url)).c_str(), stdout);
  }
  if (!irc.listeners.empty()) {
    std::fputs(stamped(chat::msg::irc_started(chat::bound_port(irc.listeners.front().get()))).c_str(), stdout);
  }
  std::fflush(stdout);  // scripts wait for these lines to learn the ports

  // From here on nothing writes to stdout or stderr directly: a reader that
  // stops reading must never block the server (docs/ARCHITECTURE.md).
  chat::LogWriter out(STDOUT_FILENO);
  chat::LogWriter err(STDERR_FILENO);
  chat::set_diagnostic_writer(&err);
  chat::ServerLog log(out, options.quiet);
  log.set_timestamps(options.log_time);
  // The chat and the protocols it is rendered in: the classic line
  // protocol is the canonical one (the log's and the store's text).
  const chat::ClassicRenderer classic({.max_line = options.max_line, .local_time = options.history_local});
  chat::Renderers renderers(classic);
  // The web port's WebSocket: the same lines, each one text frame, built
  // once per line and shared by every WebSocket receiver.
  const chat::web::WsLineRenderer ws_lines(classic);
  const chat::web::HttpRefusalRenderer http_refusals(classic);
  std::optional<chat::ProtocolId> websocket_protocol;  // for --metrics' users by protocol
  if (!web.listeners.empty()) {
    web.protocol = renderers.add(ws_lines);
    web.refusals = &http_refusals;
    websocket_protocol = web.protocol;
  }
  // The IRC port: its own renderer, and what its clients share.
  const chat::irc::IrcRenderer irc_renderer(
      chat::irc::IrcRenderer::Style{.server = options.server_name.value_or(default_server_name()), .host = "chat"});
  if (!irc.listeners.empty()) {
    irc.protocol = renderers.add(irc_renderer);
    irc.info.renderer = &irc_renderer;
    irc.info.version = "chatd-" CHAT_VERSION;
    const std::time_t started = std::time(nullptr);
    char created[64] = {};
    std::strftime(created, sizeof created, "%Y-%m-%d %H:%M:%S UTC", std::gmtime(&started));
    irc.info.created = created;
    irc.info.motd = {"This is chatd: the same chat on IRC, on the line port (nc) and on the web.",
                     "Rooms are channels; /join #room, /part #room, /msg NICK TEXT work as usual."};
  }
  chat::Chat chat(log, renderers, chat::room_config(options));
  attach_store(chat, store.get(), options.history);
  if (account_store) account_store->load_into(chat);
  const chat::AccountConfig account_config{
      .tls_port = tls.credentials != nullptr ? chat::bound_port(tls.listeners.front().get()) : 0u,
      .allow_plain_passwords = options.allow_plain_passwords};
  // The password workers: destroyed before the engine that takes their
  // results, and only when accounts are kept somewhere.
  const auto start_passwords = [&](auto& engine) {
    std::unique_ptr<chat::PasswordPool> pool;
    if (!accounts_on) return pool;
    pool = std::make_unique<chat::PasswordPool>(options.password_workers);
    if constexpr (requires { engine.attach_passwords(*pool).message(); }) {
      if (const auto ec = engine.attach_passwords(*pool)) {
        chat::diagnostic("cannot start the password workers: " + ec.message());
        pool.reset();
        return pool;
      }
    } else {
      engine.attach_passwords(*pool);
    }
    chat.set_accounts(pool.get(), account_store.get(), account_config);
    return pool;
  };
  chat.set_admins(admins);
  if (rules_store) {
    rules_store->load_into(chat, static_cast<std::int64_t>(std::time(nullptr)));
    chat.set_moderation_sink(rules_store.get());
  }
  const chat::ServerLimits limits = chat::server_limits(options);

  // Signals the engine hands back to us, on its loop's thread.
  const bool reactor_engine = poller != nullptr;
  const auto started_at = std::chrono::steady_clock::now();
  const auto counters = [&] {
    // With --engine threads the chat is under that engine's lock: not read here.
    std::string text = reactor_engine ? "users online " + std::to_string(chat.online()) + ", rooms " +
                                            std::to_string(chat.room_count()) + ", "
                                      : "";
    if (const auto fds_now = open_fds()) text += "open fds " + std::to_string(*fds_now) + ", ";
    const auto up = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_at);
    return text + "up " + std::to_string(up.count()) + " s";
  };
  chat::SignalPipe::Handlers handlers;
  handlers.report = [&] { chat::diagnostic("SIGUSR1: " + counters()); };
  handlers.stopping = [&] { notifier.send("STOPPING=1\nSTATUS=shutting down"); };
  // Set once the reactor exists; SIGHUP is handled on its loop's thread.
  chat::Reactor* live_reactor = nullptr;
  if (configured.config) {
    std::function<void(const chat::ServerLimits&)> apply;
    std::function<void(const std::vector<std::string>&)> apply_admins;
    if (reactor_engine) {
      apply = [&live_reactor](const chat::ServerLimits& l) {
        if (live_reactor != nullptr) live_reactor->set_limits(l);
      };
      apply_admins = [&chat](const std::vector<std::string>& names) { chat.set_admins(names); };
    }
    const std::size_t client_cap =
        options.max_clients < configured.max_clients ? options.max_clients : static_cast<std::size_t>(-1);
    handlers.reload =
        Reloader(args, configured, tls_credentials.get(), std::move(apply), std::move(apply_admins), client_cap);
  }
  chat::SignalPipe::set_handlers(std::move(handlers));

  std::string listening = "listening";
  if (!fds.empty()) listening += " on port " + std::to_string(chat::bound_port(fds.front().get()));
  if (tls.credentials != nullptr) {
    listening += std::string(fds.empty() ? " on" : ",") + " TLS port " +
                 std::to_string(chat::bound_port(tls.listeners.front().get()));
  }
  if (!web.listeners.empty()) listening += ", web port " + std::to_string(chat::bound_port(web.listeners.front().get()));
  if (!irc.listeners.empty()) listening += ", IRC port " + std::to_string(chat::bound_port(irc.listeners.front().get()));
  // The listeners listen and the store is loaded: connections wait in the
  // backlog until the loop's first turn.
  notifier.send("READY=1\nSTATUS=" + listening);

  int status = 0;
  if (!poller) {
    chat::ThreadServer server(limits, chat, renderers, std::move(fds), signals.read_fd(), log, std::move(tls));
    const auto passwords = start_passwords(server);
    status = server.run();
  } else {
    chat::Reactor reactor(limits, chat, renderers, std::move(poller), std::move(fds), signals.read_fd(), log,
                          std::move(tls), std::move(web), std::move(irc));
    live_reactor = &reactor;
    if (sender) reactor.use_sender(std::move(sender));
    std::unique_ptr<chat::ClusterBus> cluster;
    if (options.cluster) {
      const auto url = std::get<chat::RedisUrl>(chat::parse_redis_url(*options.cluster));  // checked by parse_options
      cluster = std::make_unique<chat::ClusterBus>(chat, reactor.poller(), url, redis_address,
                                                   options.node_name.value_or(default_node_name()),
                                                   std::chrono::seconds(options.node_timeout_s), log,
                                                   static_cast<int>(options.cluster_wire));
    }
    // The loop drives one task, each wrapping the next: the service
    // manager's pings, the metrics port, the cluster link.
    chat::LoopTask* task = cluster.get();
    std::unique_ptr<chat::MetricsEndpoint> metrics;
    if (!metrics_fds.empty()) {
      metrics = std::make_unique<chat::MetricsEndpoint>(
          reactor.poller(), std::move(metrics_fds),
          chat::MetricsSource(CHAT_VERSION, reactor, chat, store.get(), cluster.get(), websocket_protocol), task);
      if (const auto ec = metrics->start()) {
        chat::diagnostic("cannot watch the metrics port: " + ec.message());
        return 1;
      }
      task = metrics.get();
    }
    // Under systemd the loop also pings the watchdog and refreshes STATUS.
    std::unique_ptr<chat::ServiceTask> service;
    if (notifier.active()) {
      service = std::make_unique<chat::ServiceTask>(task, notifier, watchdog,
                                                    [&] { return listening + ", " + counters(); });
      task = service.get();
    }
    if (task != nullptr) reactor.attach(task);
    const auto passwords = start_passwords(reactor);
    status = reactor.run();
  }
  live_reactor = nullptr;
  chat::SignalPipe::set_handlers({});  // they refer to what is about to go
  chat::set_diagnostic_writer(nullptr);
  return status;
}
