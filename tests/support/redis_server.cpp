#include "redis_server.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "process_util.h"

namespace chat::test {

namespace {

using Clock = std::chrono::steady_clock;

// A port the kernel just handed out on 127.0.0.1 (then released): free now,
// and unlikely to be taken before redis-server binds it; start() retries.
std::uint16_t pick_free_port() {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (!fd || ::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error("cannot pick a free port");
  }
  return ntohs(addr.sin_port);
}

std::string encode_request(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

// Waits until `fd` is ready for `events` or the deadline passes.
bool wait_fd(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
}

}  // namespace

std::optional<std::string> find_redis_server() {
  if (const char* env = std::getenv("REDIS_SERVER"); env != nullptr && *env != '\0') {
    if (::access(env, X_OK) == 0) return std::string(env);
    return std::nullopt;
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    const std::string candidate = dir + "/redis-server";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

std::optional<std::string> redis_query(std::uint16_t port, const std::vector<std::string>& args,
                                       std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd) return std::nullopt;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (errno != EINPROGRESS || !wait_fd(fd.get(), POLLOUT, deadline)) return std::nullopt;
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return std::nullopt;
  }
  const std::string request = encode_request(args);
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_fd(fd.get(), POLLOUT, deadline)) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  std::string reply;
  char buffer[4096];
  while (reply.find("\r\n") == std::string::npos) {
    if (!wait_fd(fd.get(), POLLIN, deadline)) return std::nullopt;
    const ssize_t n = ::recv(fd.get(), buffer, sizeof buffer, 0);
    if (n > 0) {
      reply.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      return std::nullopt;
    }
  }
  return reply.substr(0, reply.find("\r\n"));
}

RedisServer::RedisServer() {
  const auto binary = find_redis_server();
  if (!binary) throw std::runtime_error("redis-server is not installed");
  binary_ = *binary;
  char tmpl[] = "/tmp/chat-redis-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  // Another process may take the picked port before redis-server binds it:
  // then redis-server exits at once and a new port is tried.
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = pick_free_port();
    try {
      start();
      return;
    } catch (const std::exception&) {
      if (attempt == 4) {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
        throw;
      }
    }
  }
}

RedisServer::~RedisServer() {
  stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string RedisServer::url(int db) const {
  std::string u = "redis://127.0.0.1:" + std::to_string(port_);
  if (db > 0) u += "/" + std::to_string(db);
  return u;
}

void RedisServer::start() {
  const std::string log_path = (dir_ / "redis.log").string();
  const std::vector<std::string> args = {
      "--port", std::to_string(port_), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
      "--daemonize", "no", "--dir", dir_.string(), "--logfile", log_path};
  UniqueFd null_fd(::open("/dev/null", O_WRONLY | O_CLOEXEC));
  pid_ = spawn_process(binary_, args, -1, null_fd.get(), null_fd.get());
  pidfd_ = open_pidfd(pid_);
  const auto deadline = Clock::now() + 5s;
  while (Clock::now() < deadline) {
    if (redis_query(port_, {"PING"}, 200ms) == "+PONG") return;
    // Exited (port taken, bad option)? Then it will never answer.
    if (await_exit(pid_, pidfd_.get(), Clock::now() + 20ms)) {
      pid_ = -1;
      pidfd_.reset();
      throw std::runtime_error("redis-server exited at start: " + log());
    }
  }
  stop();
  throw std::runtime_error("redis-server did not answer PING within 5 s: " + log());
}

void RedisServer::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGCONT);  // a stopped process would not act on SIGTERM
  ::kill(pid_, SIGTERM);
  if (!await_exit(pid_, pidfd_.get(), Clock::now() + 3s)) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  pid_ = -1;
  pidfd_.reset();
}

void RedisServer::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  pidfd_.reset();
}

void RedisServer::restart() {
  if (pid_ > 0) kill();
  start();
}

void RedisServer::pause() {
  if (pid_ > 0) ::kill(pid_, SIGSTOP);
}

void RedisServer::resume() {
  if (pid_ > 0) ::kill(pid_, SIGCONT);
}

bool RedisServer::wait_ready(std::chrono::milliseconds timeout) const {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (redis_query(port_, {"PING"}, 200ms) == "+PONG") return true;
    std::this_thread::sleep_for(10ms);  // not ready yet: the next attempt, bounded
  }
  return false;
}

std::string RedisServer::log() const {
  std::ifstream in(dir_ / "redis.log");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace chat::test
