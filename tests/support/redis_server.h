// A redis-server child process for the cluster tests: Debian's redis-server
// started as a user would, on a free 127.0.0.1 port, in its own temp dir,
// nothing saved to disk; it can be killed, restarted on the same port,
// stopped and continued, and is stopped by PID on destruction.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "unique_fd.h"

namespace chat::test {

using namespace std::chrono_literals;

// The redis-server binary to run: $REDIS_SERVER if set, else the first
// redis-server on PATH (Debian: /usr/bin/redis-server); nullopt if none.
std::optional<std::string> find_redis_server();

// One RESP request (e.g. {"PING"}) to 127.0.0.1:port; the reply's first
// line without "\r\n" ("+PONG", ":3", "$5"...), nullopt on failure/timeout.
std::optional<std::string> redis_query(std::uint16_t port, const std::vector<std::string>& args,
                                       std::chrono::milliseconds timeout = 1s);

class RedisServer {
 public:
  // Starts redis-server (find_redis_server(); throws std::runtime_error if
  // there is none or it does not answer PING within a few seconds):
  //   --port P --bind 127.0.0.1 --save '' --appendonly no --dir TMP
  //   --daemonize no --logfile TMP/redis.log
  RedisServer();
  ~RedisServer();  // SIGTERM, bounded wait, SIGKILL; removes its temp dir
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  [[nodiscard]] std::uint16_t port() const { return port_; }
  [[nodiscard]] pid_t pid() const { return pid_; }
  // "redis://127.0.0.1:P" (plus "/DB" when db > 0), as chatd --cluster takes it.
  [[nodiscard]] std::string url(int db = 0) const;

  void kill();      // SIGKILL and reap: as if the machine lost it
  void restart();   // start again on the same port (after kill()); waits for PING
  void pause();     // SIGSTOP: connections stay open, nothing answers
  void resume();    // SIGCONT
  // True once PING is answered with +PONG within `timeout`.
  bool wait_ready(std::chrono::milliseconds timeout = 5s) const;
  [[nodiscard]] bool running() const { return pid_ > 0; }
  // The server's log so far (for failure messages).
  [[nodiscard]] std::string log() const;

 private:
  void start();
  void stop();

  std::string binary_;
  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  UniqueFd pidfd_;
};

}  // namespace chat::test
