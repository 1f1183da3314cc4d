#include "transport/async_connect.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace chat::client {

namespace {

void make_pipe(UniqueFd& read_end, UniqueFd& write_end) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
  read_end.reset(fds[0]);
  write_end.reset(fds[1]);
  for (const int fd : fds) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
}

}  // namespace

AsyncConnect::AsyncConnect(std::string host, std::string port, std::chrono::milliseconds timeout, ssl_ctx_st* tls) {
  make_pipe(done_read_, done_write_);
  make_pipe(cancel_read_, cancel_write_);
  std::promise<ConnectResult> promise;
  result_ = promise.get_future();
  thread_ = std::thread([this, promise = std::move(promise), host = std::move(host),
                         port = std::move(port), timeout, tls]() mutable {
    promise.set_value(connect_to(host, port, timeout, cancel_read_.get(), tls));
    (void)!::write(done_write_.get(), "x", 1);
  });
}

AsyncConnect::~AsyncConnect() {
  (void)!::write(cancel_write_.get(), "x", 1);  // abandons a connect in progress
  if (thread_.joinable()) thread_.join();
}

ConnectResult AsyncConnect::take() { return result_.get(); }

}  // namespace chat::client
