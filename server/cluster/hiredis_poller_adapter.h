// Drives one hiredis async context from our Poller, the way hiredis's own
// ae/libevent adapters drive it from theirs: hiredis says through its ev
// hooks (addRead, delRead, addWrite, delWrite, cleanup) what it wants to
// wait for, the adapter turns that into the fd's interest, and the reactor
// hands the fd's events back to handle(). Never blocks.
#pragma once

#include <system_error>

#include "net/pollers/poller.h"

struct redisAsyncContext;

namespace chat {

class HiredisPollerAdapter {
 public:
  // Installs the hooks on `context`, which must not have any yet.
  HiredisPollerAdapter(Poller& poller, redisAsyncContext* context);
  ~HiredisPollerAdapter();
  HiredisPollerAdapter(const HiredisPollerAdapter&) = delete;
  HiredisPollerAdapter& operator=(const HiredisPollerAdapter&) = delete;

  [[nodiscard]] int fd() const { return fd_; }
  // The context is gone (hiredis freed it, or cleanup ran).
  [[nodiscard]] bool detached() const { return context_ == nullptr; }
  // The poller refused the fd (select: fd >= FD_SETSIZE): the link must go.
  [[nodiscard]] std::error_code error() const { return error_; }

  // Lets hiredis read and/or write; it may free the context meanwhile.
  void handle(unsigned ready);

 private:
  static void add_read(void* self);
  static void del_read(void* self);
  static void add_write(void* self);
  static void del_write(void* self);
  static void cleanup(void* self);
  void set(unsigned interest);

  Poller& poller_;
  redisAsyncContext* context_;
  int fd_;
  unsigned interest_ = kNone;
  bool watched_ = false;
  std::error_code error_;
};

}  // namespace chat
