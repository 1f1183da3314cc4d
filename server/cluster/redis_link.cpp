#include "cluster/redis_link.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "cluster/hiredis_poller_adapter.h"

namespace chat {

namespace {

constexpr std::chrono::milliseconds kFirstBackoff{100};
constexpr std::chrono::milliseconds kMaxBackoff{5000};

std::string describe(const redisAsyncContext* context, std::string_view fallback) {
  if (context != nullptr && context->errstr != nullptr && context->errstr[0] != '\0') return context->errstr;
  return std::string(fallback);
}

}  // namespace

std::optional<std::string> resolve_redis_host(const std::string& host, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0 || found == nullptr) {
    error = rc != 0 ? ::gai_strerror(rc) : "no address";
    return std::nullopt;
  }
  const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owned(found, ::freeaddrinfo);
  char numeric[NI_MAXHOST];
  if (const int rc = ::getnameinfo(found->ai_addr, found->ai_addrlen, numeric, sizeof numeric, nullptr, 0,
                                   NI_NUMERICHOST);
      rc != 0) {
    error = ::gai_strerror(rc);
    return std::nullopt;
  }
  return std::string(numeric);
}

RedisLink::RedisLink(Poller& poller, const RedisUrl& url, std::string address, std::string channel,
                     std::chrono::milliseconds connect_timeout, Handler& handler)
    : poller_(poller),
      host_(std::move(address)),
      port_(url.port),
      db_(url.db),
      address_((url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host) + ":" +
               std::to_string(url.port)),
      channel_(std::move(channel)),
      connect_timeout_(connect_timeout),
      handler_(handler),
      jitter_(std::random_device{}()) {}

RedisLink::~RedisLink() {
  state_ = State::closed;
  teardown();
}

void RedisLink::start(Clock::time_point now) { connect(now); }

void RedisLink::connect(Clock::time_point now) {
  state_ = State::connecting;
  connected_ = 0;
  subscribed_ = false;
  deadline_ = now + connect_timeout_;
  for (redisAsyncContext** slot : {&command_, &subscriber_}) {
    redisAsyncContext* context = redisAsyncConnect(host_.c_str(), static_cast<int>(port_));
    if (context == nullptr) {
      fail("out of memory");
      return;
    }
    if (context->err != 0) {
      const std::string reason = describe(context, "cannot connect");
      redisAsyncFree(context);
      fail(reason);
      return;
    }
    *slot = context;
    context->data = this;
    // The hooks first: setting the connect callback already asks for writability.
    auto io = std::make_unique<HiredisPollerAdapter>(poller_, context);
    (slot == &command_ ? command_io_ : subscriber_io_) = std::move(io);
    redisAsyncSetConnectCallback(context, connect_callback);
    redisAsyncSetDisconnectCallback(context, disconnect_callback);
  }
}

bool RedisLink::on_event(const PollEvent& event) {
  for (HiredisPollerAdapter* io : {command_io_.get(), subscriber_io_.get()}) {
    if (io != nullptr && !io->detached() && io->fd() == event.fd) {
      io->handle(event.ready);
      return true;
    }
  }
  return false;
}

void RedisLink::tick(Clock::time_point now) {
  for (HiredisPollerAdapter* io : {command_io_.get(), subscriber_io_.get()}) {
    if (io != nullptr && io->error()) fail("cannot watch the redis socket: " + io->error().message());
  }
  if (state_ == State::connecting && !failing_ && now >= deadline_) fail("connect timed out");
  if (failing_ && state_ != State::closed) {
    const bool was_up = state_ == State::up;
    const std::string reason = std::move(failure_);
    failing_ = false;
    state_ = State::idle;
    teardown();
    backoff_ = std::min(kMaxBackoff, backoff_.count() == 0 ? kFirstBackoff : backoff_ * 2);
    // 50% to 100% of the backoff, so nodes that lost Redis together do not
    // come back in lockstep.
    std::uniform_int_distribution<long> spread(backoff_.count() / 2, backoff_.count());
    deadline_ = now + std::chrono::milliseconds(spread(jitter_));
    handler_.on_link_down(reason, was_up);
    return;
  }
  if (state_ == State::idle && now >= deadline_) connect(now);
}

RedisLink::Clock::time_point RedisLink::next_deadline() const {
  if (failing_) return Clock::time_point{};
  if (state_ == State::connecting || state_ == State::idle) return deadline_;
  return Clock::time_point::max();
}

std::size_t RedisLink::pending_output() const { return command_ != nullptr ? sdslen(command_->c.obuf) : 0; }

void RedisLink::fail(std::string reason) {
  if (failing_ || state_ == State::closed) return;
  failing_ = true;
  failure_ = std::move(reason);
}

void RedisLink::close() {
  const bool was_up = state_ == State::up;
  state_ = State::closed;
  failing_ = false;
  if (subscriber_ != nullptr) {
    redisAsyncContext* s = std::exchange(subscriber_, nullptr);
    redisAsyncFree(s);
  }
  subscriber_io_.reset();
  if (command_ == nullptr) return;
  if (was_up) {
    redisAsyncDisconnect(command_);  // sends what is queued first; frees it when done
  } else {
    redisAsyncContext* c = std::exchange(command_, nullptr);
    redisAsyncFree(c);
    command_io_.reset();
  }
}

void RedisLink::teardown() {
  // Callbacks still waiting run now with no reply; nothing may queue more.
  for (redisAsyncContext** slot : {&subscriber_, &command_}) {
    if (redisAsyncContext* context = std::exchange(*slot, nullptr)) redisAsyncFree(context);
  }
  command_io_.reset();
  subscriber_io_.reset();
  connected_ = 0;
  subscribed_ = false;
}

bool RedisLink::command(std::span<const std::string_view> args, Reply reply) {
  if (state_ != State::up || failing_ || command_ == nullptr) return false;
  std::vector<const char*> argv;
  std::vector<std::size_t> lengths;
  argv.reserve(args.size());
  lengths.reserve(args.size());
  for (const std::string_view a : args) {
    argv.push_back(a.data());
    lengths.push_back(a.size());
  }
  std::unique_ptr<Reply> box = reply ? std::make_unique<Reply>(std::move(reply)) : nullptr;
  const int status = redisAsyncCommandArgv(command_, box ? reply_callback : nullptr, box.get(),
                                           static_cast<int>(argv.size()), argv.data(), lengths.data());
  if (status != REDIS_OK) return false;
  (void)box.release();  // reply_callback owns it now
  return true;
}

void RedisLink::on_connected(const redisAsyncContext* context, int status) {
  if (status != REDIS_OK) {
    // hiredis frees a context whose connect failed, right after this call.
    if (context == command_) {
      command_ = nullptr;
    } else if (context == subscriber_) {
      subscriber_ = nullptr;
    }
    fail(describe(context, "connect failed"));
    return;
  }
  if (++connected_ < 2 || state_ != State::connecting) return;
  if (db_ != 0) {
    const std::string db = std::to_string(db_);
    for (redisAsyncContext* c : {command_, subscriber_}) {
      const char* argv[] = {"SELECT", db.c_str()};
      redisAsyncCommandArgv(c, nullptr, nullptr, 2, argv, nullptr);
    }
  }
  const char* argv[] = {"SUBSCRIBE", channel_.c_str()};
  const std::size_t lengths[] = {9, channel_.size()};
  redisAsyncCommandArgv(subscriber_, subscription_callback, this, 2, argv, lengths);
}

void RedisLink::on_disconnected(const redisAsyncContext* context, int status) {
  // hiredis frees the context after this call.
  if (context == command_) {
    command_ = nullptr;
  } else if (context == subscriber_) {
    subscriber_ = nullptr;
  } else {
    return;  // one we are freeing ourselves
  }
  if (state_ == State::closed) return;
  fail(status == REDIS_OK ? std::string("connection closed") : describe(context, "connection lost"));
}

void RedisLink::on_subscription(const redisReply* reply) {
  if (reply == nullptr || state_ == State::closed || failing_) return;
  if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3 || reply->element[0]->type != REDIS_REPLY_STRING) {
    if (reply->type == REDIS_REPLY_ERROR) fail(std::string("subscribe refused: ") + reply->str);
    return;
  }
  const std::string_view kind(reply->element[0]->str, reply->element[0]->len);
  if (kind == "subscribe") {
    if (state_ != State::connecting) return;
    subscribed_ = true;
    state_ = State::up;
    backoff_ = std::chrono::milliseconds(0);
    handler_.on_link_up();
  } else if (kind == "message" && reply->element[2]->type == REDIS_REPLY_STRING) {
    handler_.on_message(std::string_view(reply->element[2]->str, reply->element[2]->len));
  }
}

void RedisLink::connect_callback(const redisAsyncContext* context, int status) {
  static_cast<RedisLink*>(context->data)->on_connected(context, status);
}

void RedisLink::disconnect_callback(const redisAsyncContext* context, int status) {
  static_cast<RedisLink*>(context->data)->on_disconnected(context, status);
}

void RedisLink::subscription_callback(redisAsyncContext* /*context*/, void* reply, void* self) {
  static_cast<RedisLink*>(self)->on_subscription(static_cast<const redisReply*>(reply));
}

void RedisLink::reply_callback(redisAsyncContext* /*context*/, void* reply, void* box) {
  const std::unique_ptr<Reply> owned(static_cast<Reply*>(box));
  (*owned)(static_cast<const redisReply*>(reply));
}

}  // namespace chat
