// chatd's link to Redis: two hiredis async contexts driven by the reactor's
// Poller (HiredisPollerAdapter), one for commands and PUBLISH, one
// SUBSCRIBEd to the cluster's channel. Connects without blocking, gives up
// on a connect after a timeout of its own (hiredis 0.14 has none for async
// connects), and reconnects after a loss with exponential backoff and
// jitter. Any failure of either context takes both down: the link is up or
// it is not.
//
// Teardown is deferred to tick(): hiredis calls us from inside its own
// read/write handlers, where freeing a context is not allowed.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>

#include "cluster/redis_url.h"
#include "net/pollers/poller.h"

struct redisAsyncContext;
struct redisReply;

namespace chat {

class HiredisPollerAdapter;

// HOST as a numeric address, looked up once before the loop runs (it may
// block); nullopt with the reason when it cannot be resolved.
std::optional<std::string> resolve_redis_host(const std::string& host, std::string& error);

class RedisLink {
 public:
  using Clock = std::chrono::steady_clock;

  struct Handler {
    // Both contexts connected and the channel subscribed.
    virtual void on_link_up() = 0;
    // The link went down (it had been up, or a connect attempt failed).
    virtual void on_link_down(const std::string& reason, bool was_up) = 0;
    virtual void on_message(std::string_view payload) = 0;

   protected:
    ~Handler() = default;
  };

  // Connects to `address`, url.host resolved by resolve_redis_host (hiredis
  // would look a name up on every connect, blocking the loop).
  RedisLink(Poller& poller, const RedisUrl& url, std::string address, std::string channel, std::chrono::milliseconds connect_timeout,
            Handler& handler);
  ~RedisLink();
  RedisLink(const RedisLink&) = delete;
  RedisLink& operator=(const RedisLink&) = delete;

  // Starts the first connect.
  void start(Clock::time_point now);
  // Whether `fd` is one of the link's sockets; if so, hands it the event.
  bool on_event(const PollEvent& event);
  // Timers and deferred teardown; call once per loop iteration.
  void tick(Clock::time_point now);
  [[nodiscard]] Clock::time_point next_deadline() const;

  [[nodiscard]] bool up() const { return state_ == State::up; }
  // Bytes of commands hiredis holds that have not reached the socket yet.
  [[nodiscard]] std::size_t pending_output() const;
  // Takes the link down at the next tick(), as a failure (with reconnect).
  void fail(std::string reason);
  // Sends what is queued, then closes, for good (shutdown).
  void close();
  [[nodiscard]] bool closed() const { return state_ == State::closed && command_ == nullptr; }

  // Answer to a command: the reply, or nullptr when the link went down first.
  using Reply = std::function<void(const redisReply*)>;
  // Queues a command (binary-safe arguments) on the command context.
  // Without a callback nothing is kept for its reply. False if the link is down.
  bool command(std::span<const std::string_view> args, Reply reply = {});

  [[nodiscard]] const std::string& address() const { return address_; }

 private:
  enum class State { idle, connecting, up, closed };

  void connect(Clock::time_point now);
  void teardown();
  void on_connected(const redisAsyncContext* context, int status);
  void on_disconnected(const redisAsyncContext* context, int status);
  void on_subscription(const redisReply* reply);
  static void connect_callback(const redisAsyncContext* context, int status);
  static void disconnect_callback(const redisAsyncContext* context, int status);
  static void subscription_callback(redisAsyncContext* context, void* reply, void* self);
  static void reply_callback(redisAsyncContext* context, void* reply, void* box);

  Poller& poller_;
  std::string host_;  // numeric
  unsigned port_;
  unsigned db_;
  std::string address_;  // HOST:PORT as given, for log lines
  std::string channel_;
  std::chrono::milliseconds connect_timeout_;
  Handler& handler_;

  State state_ = State::idle;
  redisAsyncContext* command_ = nullptr;
  redisAsyncContext* subscriber_ = nullptr;
  std::unique_ptr<HiredisPollerAdapter> command_io_;
  std::unique_ptr<HiredisPollerAdapter> subscriber_io_;
  int connected_ = 0;  // contexts whose connect finished
  bool subscribed_ = false;
  bool failing_ = false;  // teardown due at the next tick()
  std::string failure_;
  Clock::time_point deadline_{};  // connect timeout or next attempt
  std::chrono::milliseconds backoff_{0};
  std::minstd_rand jitter_;
};

}  // namespace chat
