// A non-blocking TLS stream over a socket someone else owns: chatd's
// connections (every engine), chat and flood use it alike. Each call does
// what it can without blocking and says what it needs next (want_read /
// want_write), so the caller maps that to its poller's interest, or to
// poll() in the threads engine. The OpenSSL error queue is cleared before
// each call and emptied into Result::error after a failure, so one
// connection's error never shows up as another's.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>

struct ssl_st;
struct ssl_ctx_st;

namespace chat::tls {

struct ContextFree {
  void operator()(ssl_ctx_st* ctx) const noexcept;
};
struct SslFree {
  void operator()(ssl_st* ssl) const noexcept;
};
using ContextPtr = std::unique_ptr<ssl_ctx_st, ContextFree>;
using SslPtr = std::unique_ptr<ssl_st, SslFree>;

// Every error queued by OpenSSL on this thread as one line ("a; b"), the
// queue emptied; `fallback` if it was empty.
std::string take_error_line(std::string_view fallback = "unknown TLS error");

enum class Status {
  done,        // handshake finished, or `bytes` were read / written
  want_read,   // call again once the socket is readable
  want_write,  // call again once the socket is writable
  closed,      // the peer closed the TLS session or the socket (EOF)
  error,       // fatal: `error` says why; the stream is unusable
};

struct Result {
  Status status = Status::done;
  std::size_t bytes = 0;
  std::string error;  // set with Status::error
  // With Status::error: the socket failed (a reset, EPIPE), not TLS; a
  // plain connection would see the same, and chatd does not log it.
  bool socket_error = false;
};

class Stream {
 public:
  enum class Role { server, client };

  // An empty stream (a plain connection): operator bool is false.
  Stream() = default;
  // A stream on `fd` (not owned) with a new SSL from `ctx` (which the SSL
  // keeps referenced, so the context may be replaced meanwhile). A client
  // sends `server_name` as SNI when it is not empty.
  static std::variant<Stream, std::string> open(ssl_ctx_st* ctx, int fd, Role role,
                                                std::string_view server_name = {});

  explicit operator bool() const noexcept { return ssl_ != nullptr; }

  // One step of the handshake.
  Result handshake();
  [[nodiscard]] bool handshake_done() const noexcept;
  // Decrypts into `out` (at most one record per call). A write after
  // want_write must be repeated with the same bytes (the buffer may move:
  // SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER); a short write is normal
  // (SSL_MODE_ENABLE_PARTIAL_WRITE).
  Result read(std::span<char> out);
  Result write(std::span<const char> in);
  // Sends close_notify once, best effort; never waits for the peer's.
  void shutdown() noexcept;

  // Decrypted bytes OpenSSL holds that read() returns without the socket.
  [[nodiscard]] std::size_t pending() const noexcept;
  // Whether the kernel encrypts what is written to the socket (kTLS): then
  // plain write()/writev() on the fd send application data records.
  [[nodiscard]] bool ktls_send() const noexcept;
  [[nodiscard]] bool ktls_recv() const noexcept;
  // "TLSv1.3 TLS_AES_256_GCM_SHA384", for logs and tests.
  [[nodiscard]] std::string description() const;

  [[nodiscard]] ssl_st* native() const noexcept { return ssl_.get(); }

 private:
  explicit Stream(SslPtr ssl) : ssl_(std::move(ssl)) {}
  Result outcome(int rc, std::size_t bytes);

  SslPtr ssl_;
};

}  // namespace chat::tls
