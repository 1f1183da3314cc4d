#include "chatd_process.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "process_util.h"

// CHATD_PATH comes from tests/support/CMakeLists.txt when the chatd target
// exists; without it the harness still builds but cannot start a server.
#ifdef CHATD_PATH
constexpr const char* kChatdPath = CHATD_PATH;
#else
constexpr const char* kChatdPath = nullptr;
#endif

namespace chat::test {

namespace {

std::string& engine_storage() {
#if defined(__linux__)
  static std::string engine = "epoll";
#elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__)
  static std::string engine = "kqueue";
#else
  static std::string engine = "poll";
#endif
  return engine;
}

constexpr std::string_view kStartedPrefix = "Chat Server started on port ";
constexpr std::string_view kTlsStartedPrefix = "Chat Server started on TLS port ";

// The port N of the stdout line "PREFIX N." or "PREFIX N (...)." among the
// complete lines of `out`.
std::optional<std::uint16_t> parse_started_line(const std::string& out, std::string_view prefix) {
  std::size_t at = 0;
  for (std::size_t newline; (newline = out.find('\n', at)) != std::string::npos; at = newline + 1) {
    std::string_view line(out.data() + at, newline - at);
    // chatd --log-time: "2026-12-07T17:02:11.042Z " before it.
    if (line.size() > 25 && line[4] == '-' && line[10] == 'T' && line[23] == 'Z' && line[24] == ' ') {
      line.remove_prefix(25);
    }
    if (!line.starts_with(prefix) || !line.ends_with('.')) continue;
    line.remove_prefix(prefix.size());
    unsigned value = 0;
    std::size_t digits = 0;
    for (; digits < line.size() && line[digits] >= '0' && line[digits] <= '9'; ++digits) {
      value = value * 10 + static_cast<unsigned>(line[digits] - '0');
    }
    if (digits == 0 || digits > 5 || value == 0 || value > 65535) return std::nullopt;
    if (line[digits] != '.' && line[digits] != ' ') return std::nullopt;
    return static_cast<std::uint16_t>(value);
  }
  return std::nullopt;
}

bool has_arg(const std::vector<std::string>& args, std::string_view name) {
  for (const std::string& a : args) {
    if (a == name || a.starts_with(std::string(name) + "=")) return true;
  }
  return false;
}

}  // namespace

const std::string& engine_under_test() { return engine_storage(); }
void set_engine_under_test(std::string engine) { engine_storage() = std::move(engine); }

ChatdProcess::ChatdProcess(std::vector<std::string> extra_args)
    : ChatdProcess("127.0.0.1", 0, std::move(extra_args)) {}

ChatdProcess::ChatdProcess(std::string host, std::uint16_t port,
                           std::vector<std::string> extra_args)
    : ChatdProcess(std::move(host), port, std::move(extra_args), ChatdLaunch{}) {}

ChatdProcess::ChatdProcess(std::string host, std::uint16_t port, std::vector<std::string> extra_args,
                           const ChatdLaunch& launch) {
  std::vector<std::string> args = {"--host", std::move(host), "--port", std::to_string(port),
                                   "--engine", engine_under_test()};
  args.insert(args.end(), extra_args.begin(), extra_args.end());

  if (kChatdPath == nullptr) throw std::runtime_error("built without a chatd target (CHATD_PATH)");
  Pipe out = make_pipe();
  Pipe err = make_pipe();
  if (launch.stuck_stdout || launch.stuck_stderr) {
    const int fd = launch.stuck_stdout ? out.write.get() : err.write.get();
    ::fcntl(fd, F_SETPIPE_SZ, 4096);  // the smallest a pipe can be: one page
  }
  stuck_stdout_ = launch.stuck_stdout;
  if (launch.stuck_stderr) err_closed_ = true;  // nothing will ever be read from it
  Pipe wake = make_pipe();
  std::string program = kChatdPath;
  if (launch.open_file_limit) {
    // sh lowers both limits, then exec keeps the pid: pid() is chatd's.
    args.insert(args.begin(), {"-c", "ulimit -n " + std::to_string(*launch.open_file_limit) +
                                         " && exec \"$0\" \"$@\"",
                               program});
    program = "/bin/sh";
  }
  if (launch.max_user_processes) {
    // RLIMIT_NPROC binds only a user without CAP_SYS_RESOURCE: as root, run
    // chatd as `nobody` under it. prlimit and setpriv exec, so pid() stays
    // chatd's.
    const std::string limit = std::to_string(*launch.max_user_processes);
    std::vector<std::string> wrapper = {"--nproc=" + limit + ":" + limit};
    if (::geteuid() == 0) {
      wrapper.insert(wrapper.end(), {"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"});
    }
    wrapper.push_back(program);
    args.insert(args.begin(), wrapper.begin(), wrapper.end());
    program = "/usr/bin/prlimit";
  }
  if (launch.file_size_limit) {
    const std::string limit = std::to_string(*launch.file_size_limit);
    args.insert(args.begin(), {"--fsize=" + limit + ":" + limit, program});
    program = "/usr/bin/prlimit";
  }
  if (!launch.wrapper.empty()) {
    args.insert(args.begin(), program);
    args.insert(args.begin(), launch.wrapper.begin() + 1, launch.wrapper.end());
    program = launch.wrapper.front();
  }
  pid_ = spawn_process(program, args, -1, out.write.get(), err.write.get());
  pidfd_ = open_pidfd(pid_);
  // Only the child may hold the write ends, so EOF on them means it is gone.
  out.write.reset();
  err.write.reset();
  out_fd_ = std::move(out.read);
  err_fd_ = std::move(err.read);
  if (launch.stuck_stderr) stuck_err_ = std::move(err_fd_);  // held open, never read
  wake_read_ = std::move(wake.read);
  wake_write_ = std::move(wake.write);

  try {
    reader_ = std::thread([this] { read_output(); });
    // The plain line comes first unless --tls-only; the TLS line follows it
    // with --tls-cert (or --tls-port, for a --tls-cert in a --config file).
    const bool want_plain = !has_arg(extra_args, "--tls-only");
    const bool want_tls = has_arg(extra_args, "--tls-cert") || has_arg(extra_args, "--tls-port");
    std::optional<std::uint16_t> started, tls_started;
    {
      std::unique_lock lock(mutex_);
      changed_.wait_for(lock, 5s, [&] {
        started = want_plain ? parse_started_line(out_, kStartedPrefix) : std::uint16_t{0};
        tls_started = want_tls ? parse_started_line(out_, kTlsStartedPrefix) : std::uint16_t{0};
        return (started && tls_started) || out_closed_;
      });
    }
    if (!started || !tls_started) {
      throw std::runtime_error("chatd did not start (stdout: \"" + stdout_text() +
                               "\", stderr: \"" + stderr_text() + "\")");
    }
    port_ = *started;
    tls_port_ = *tls_started;
  } catch (...) {
    stop();
    throw;
  }
}

ChatdProcess::~ChatdProcess() { stop(); }

void ChatdProcess::stop() {
  if (pid_ > 0 && !exit_code_) {
    ::kill(pid_, SIGTERM);
    if (!wait_exit(3s)) {
      ::kill(pid_, SIGKILL);
      if (!wait_exit(5s)) {
        // SIGKILL cannot be ignored; reap it without a bound rather than leak a zombie.
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        exit_code_ = decode_wait_status(status);
      }
    }
  }
  if (reader_.joinable()) {
    // The pipes normally reach EOF when chatd exits; the wake byte covers the
    // case where something else still holds them open.
    const char byte = 'x';
    [[maybe_unused]] auto n = ::write(wake_write_.get(), &byte, 1);
    reader_.join();
  }
}

void ChatdProcess::read_output() {
  pollfd fds[3] = {{out_fd_.get(), POLLIN, 0}, {err_fd_.get(), POLLIN, 0},
                   {wake_read_.get(), POLLIN, 0}};
  char buffer[65536];
  bool out_open = true, err_open = err_fd_.get() >= 0;
  while (out_open || err_open) {
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[2].revents != 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      std::lock_guard lock(mutex_);
      if (n > 0) {
        (i == 0 ? out_ : err_).append(buffer, static_cast<std::size_t>(n));
        if (i == 0 && stuck_stdout_ && out_.find('\n') != std::string::npos) {
          out_closed_ = true;  // the started line is in; the rest stays in the pipe
          out_open = false;
          fds[0].fd = -1;
        }
      } else {
        (i == 0 ? out_closed_ : err_closed_) = true;
        (i == 0 ? out_open : err_open) = false;
        fds[i].fd = -1;  // poll ignores negative fds
      }
      changed_.notify_all();
    }
  }
  std::lock_guard lock(mutex_);
  out_closed_ = err_closed_ = true;
  changed_.notify_all();
}

void ChatdProcess::signal(int signo) const {
  // Never signal a reaped pid: it may already belong to someone else.
  if (pid_ > 0 && !exit_code_) ::kill(pid_, signo);
}

std::optional<int> ChatdProcess::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  if (!exit_code_) {
    exit_code_ = await_exit(pid_, pidfd_.get(), deadline);
    if (!exit_code_) return std::nullopt;
  }
  // chatd is gone; let the reader collect the last of its output.
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, 2s, [&] { return out_closed_ && err_closed_; });
  return exit_code_;
}

std::string ChatdProcess::stdout_text() const {
  std::lock_guard lock(mutex_);
  return out_;
}

std::string ChatdProcess::stderr_text() const {
  std::lock_guard lock(mutex_);
  return err_;
}

bool ChatdProcess::wait_output(bool from_stdout, const std::string& needle,
                               std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  const std::string& text = from_stdout ? out_ : err_;
  const bool& closed = from_stdout ? out_closed_ : err_closed_;
  changed_.wait_for(lock, timeout,
                    [&] { return text.find(needle) != std::string::npos || closed; });
  return text.find(needle) != std::string::npos;
}

bool ChatdProcess::wait_stdout(const std::string& needle, std::chrono::milliseconds timeout) const {
  return wait_output(true, needle, timeout);
}

bool ChatdProcess::wait_stderr(const std::string& needle, std::chrono::milliseconds timeout) const {
  return wait_output(false, needle, timeout);
}

}  // namespace chat::test
