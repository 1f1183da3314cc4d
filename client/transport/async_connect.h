// A connection attempt that runs beside the session loop, so the editor
// stays responsive while --reconnect waits on a slow or unreachable host.
#pragma once

#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "transport/connect.h"
#include "unique_fd.h"

namespace chat::client {

class AsyncConnect {
 public:
  // Starts connect_to(host, port, timeout, tls) on its own thread; `tls`
  // (nullptr: plain) must outlive this object.
  AsyncConnect(std::string host, std::string port, std::chrono::milliseconds timeout, ssl_ctx_st* tls = nullptr);
  // Cancels an attempt still running and joins the thread.
  ~AsyncConnect();
  AsyncConnect(const AsyncConnect&) = delete;
  AsyncConnect& operator=(const AsyncConnect&) = delete;

  // Readable once the attempt has finished: poll it with the rest.
  [[nodiscard]] int done_fd() const noexcept { return done_read_.get(); }
  // The outcome; call once, after done_fd() became readable.
  [[nodiscard]] ConnectResult take();

 private:
  UniqueFd done_read_, done_write_;
  UniqueFd cancel_read_, cancel_write_;
  std::future<ConnectResult> result_;
  std::thread thread_;
};

}  // namespace chat::client
