#include "cluster/hiredis_poller_adapter.h"

#include <hiredis/async.h>

namespace chat {

HiredisPollerAdapter::HiredisPollerAdapter(Poller& poller, redisAsyncContext* context)
    : poller_(poller), context_(context), fd_(context->c.fd) {
  context->ev.data = this;
  context->ev.addRead = add_read;
  context->ev.delRead = del_read;
  context->ev.addWrite = add_write;
  context->ev.delWrite = del_write;
  context->ev.cleanup = cleanup;
}

HiredisPollerAdapter::~HiredisPollerAdapter() {
  if (context_ != nullptr) context_->ev = {};  // the owner frees the context after us
  if (watched_) poller_.remove(fd_);
}

void HiredisPollerAdapter::handle(unsigned ready) {
  if (context_ == nullptr) return;
  // Errors and hang-ups come as readable: hiredis finds them by reading.
  if (ready & (kReadable | kHangup)) redisAsyncHandleRead(context_);
  if (context_ != nullptr && (ready & kWritable)) redisAsyncHandleWrite(context_);
}

void HiredisPollerAdapter::set(unsigned interest) {
  if (interest == interest_ || error_) return;
  interest_ = interest;
  if (!watched_) {
    if (interest == kNone) return;
    error_ = poller_.add(fd_, interest);
    watched_ = !error_;
    return;
  }
  error_ = poller_.modify(fd_, interest);
}

void HiredisPollerAdapter::add_read(void* self) {
  auto* a = static_cast<HiredisPollerAdapter*>(self);
  a->set(a->interest_ | kReadable);
}

void HiredisPollerAdapter::del_read(void* self) {
  auto* a = static_cast<HiredisPollerAdapter*>(self);
  a->set(a->interest_ & ~kReadable);
}

void HiredisPollerAdapter::add_write(void* self) {
  auto* a = static_cast<HiredisPollerAdapter*>(self);
  a->set(a->interest_ | kWritable);
}

void HiredisPollerAdapter::del_write(void* self) {
  auto* a = static_cast<HiredisPollerAdapter*>(self);
  a->set(a->interest_ & ~kWritable);
}

// hiredis is freeing the context: stop watching its fd before it closes.
void HiredisPollerAdapter::cleanup(void* self) {
  auto* a = static_cast<HiredisPollerAdapter*>(self);
  if (a->watched_) a->poller_.remove(a->fd_);
  a->watched_ = false;
  a->interest_ = kNone;
  a->context_ = nullptr;
}

}  // namespace chat
