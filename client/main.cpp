// chat: the bundled terminal client. Parses the command line, connects, and
// hands the socket to the session loop.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "options.h"
#include "session/chat_session.h"
#include "session/interactive_session.h"
#include "terminal/colors.h"
#include "terminal/history.h"
#include "terminal/signals.h"
#include "terminal/terminal.h"
#include "tls_client_context.h"
#include "transport/connect.h"

namespace {

using namespace chat::client;

constexpr auto kConnectTimeout = std::chrono::seconds(10);

// Started with fd 0, 1 or 2 closed, the socket could land there and user
// input or output would go to the server: fill the gaps with /dev/null.
void ensure_standard_fds() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
      (void)::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);  // takes the lowest free fd: this one
    }
  }
}

// Exit codes: 0 success, 1 runtime failure (cannot connect, disconnected),
// 2 bad command line.
int run(const Options& options) {
  ignore_sigpipe();
  SignalPipe signals;
  const TerminalMode terminal = detect_terminal(STDIN_FILENO, STDOUT_FILENO);
  // The line editor needs both ends: it reads keys and draws the input row.
  // Anything else (a pipe on either side) keeps the plain line session.
  const bool interactive = terminal.input && terminal.output;
  if (interactive) signals.watch_resize();

  chat::tls::ContextPtr tls;
  if (options.tls) {
    auto made = chat::tls::make_client_context({.ca_file = options.ca, .verify = !options.insecure});
    if (const auto* error = std::get_if<chat::tls::TlsError>(&made)) {
      std::cerr << "chat: TLS: " << error->message << std::endl;
      return 1;
    }
    tls = std::move(std::get<chat::tls::ContextPtr>(made));
    if (options.insecure) {
      std::cerr << "chat: TLS: --insecure: the server's certificate is not verified; anyone on the path can "
                   "read and change this session"
                << std::endl;
    }
  }

  ConnectResult connected = connect_to(options.host, options.port, kConnectTimeout, signals.fd(), tls.get());
  std::optional<ServerStream> socket;
  std::string first_error;
  if (const auto* error = std::get_if<ConnectError>(&connected)) {
    // --reconnect covers the first connection too, at a terminal; a
    // certificate that fails verification ends it at once.
    if (!(options.reconnect && interactive) || error->fatal) {
      std::cerr << "chat: " << error->message << std::endl;
      return 1;
    }
    first_error = error->message;
  } else if (std::holds_alternative<ConnectCancelled>(connected)) {
    std::cout << clear_current_line(terminal) << "exit" << std::endl;
    return 0;
  } else {
    socket = std::move(std::get<ServerStream>(connected));
  }

  // --password-file: its first line, read once; sent on every (re)connection.
  std::optional<std::string> password;
  if (options.password_file) {
    std::ifstream file(*options.password_file);
    std::string line;
    if (!file || !std::getline(file, line) || line.empty()) {
      std::cerr << "chat: cannot read a password from " << *options.password_file << std::endl;
      return 2;
    }
    if (line.ends_with('\r')) line.pop_back();
    password = std::move(line);
  }

  // --room random and --room '#random' both mean #random.
  std::optional<std::string> room;
  if (options.room) room = options.room->starts_with('#') ? *options.room : "#" + *options.room;

  if (interactive) {
    RawMode raw(STDIN_FILENO);  // restored when this scope ends, however it ends
    if (raw.active()) {
      InteractiveConfig config;
      config.signal_fd = signals.fd();
      config.host = options.host;
      config.port = options.port;
      config.tls = tls.get();
      config.nick = options.nick;
      config.password = password;
      config.room = room;
      config.color = want_color(options.no_color, std::getenv("NO_COLOR"), std::getenv("TERM"), terminal.output);
      config.timestamps = options.timestamps;
      config.reconnect = options.reconnect;
      config.bell = !options.no_bell;
      config.first_error = first_error;
      if (!options.no_history) config.history_path = default_history_path();
      config.suspend = [&raw] {
        // The shell gets its terminal back as it left it; SIGTSTP's default
        // action stops us until fg (SIGCONT), then the editor takes over again.
        raw.restore();
        ::raise(SIGTSTP);
        (void)raw.enter();
      };
      return run_interactive(std::move(socket), config);
    }
  }

  SessionConfig config;
  config.signal_fd = signals.fd();
  config.terminal = terminal;
  config.nick = options.nick;
  config.password = password;
  config.room = room;
  config.timestamps = options.timestamps;
  if (!socket) {  // a terminal that would not go raw: no --reconnect editor to retry in
    std::cerr << "chat: " << first_error << std::endl;
    return 1;
  }
  return run_session(std::move(*socket), config);
}

}  // namespace

int main(int argc, char** argv) {
  ensure_standard_fds();
  const std::vector<std::string_view> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  const ParseResult parsed = parse_options(args);

  if (std::holds_alternative<ShowHelp>(parsed)) {
    std::cout << usage_text() << std::flush;
    return 0;
  }
  if (std::holds_alternative<ShowVersion>(parsed)) {
    std::cout << "chat " << CHAT_VERSION << std::endl;
    return 0;
  }
  if (const auto* error = std::get_if<UsageError>(&parsed)) {
    std::cerr << "chat: " << error->message << std::endl;
    return 2;
  }
  try {
    return run(std::get<Options>(parsed));
  } catch (const std::exception& e) {
    std::cerr << "chat: " << e.what() << std::endl;
    return 1;
  }
}
