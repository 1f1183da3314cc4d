// The client side of TLS, shared by chat and bench/flood: one SSL_CTX that
// verifies the server's chain (the system store, or one CA file) unless told
// not to, and one SSL per connection that also checks the server's name (a
// DNS name with SNI, or an IP address as an IP).
#pragma once

#include <openssl/ssl.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace chat::tls {

struct SslCtxDeleter {
  void operator()(SSL_CTX* ctx) const noexcept { SSL_CTX_free(ctx); }
};
struct SslDeleter {
  void operator()(SSL* ssl) const noexcept { SSL_free(ssl); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxDeleter>;
using SslPtr = std::unique_ptr<SSL, SslDeleter>;

struct ClientTlsConfig {
  std::optional<std::string> ca_file;  // trust only this CA (PEM); else the system store
  bool verify = true;                  // false: --insecure, any certificate is accepted
  bool release_buffers = false;        // SSL_MODE_RELEASE_BUFFERS (idle memory over speed)
};

struct TlsError {
  std::string message;  // one line, e.g. "cannot load CA file x.pem: No such file or directory"
};

// TLS 1.2 or later; partial writes from a buffer that may move between
// retries (our queues are std::string). Errors: a CA file that cannot be
// loaded, or no system store when one is needed.
[[nodiscard]] std::variant<SslCtxPtr, TlsError> make_client_context(const ClientTlsConfig& config);

// An SSL in client mode on `fd` for a server known as `host`. When the
// context verifies, the certificate must name `host`: SSL_set1_host for a
// name (with SNI), the IP check for an address literal (no SNI: RFC 6066
// forbids one).
[[nodiscard]] std::variant<SslPtr, TlsError> make_client_ssl(SSL_CTX* ctx, int fd, const std::string& host);

// True when `host` is an IPv4 or IPv6 address literal.
[[nodiscard]] bool is_ip_literal(const std::string& host);

// Why a handshake (SSL_connect returning `ssl_error` from SSL_get_error)
// failed, as one line for `endpoint` ("localhost:8443"):
//   "certificate verify failed for localhost:8443: self-signed certificate"
//   "handshake with localhost:8443 failed: wrong version number"
// Empties this thread's OpenSSL error queue.
[[nodiscard]] std::string handshake_failure(const SSL* ssl, int ssl_error, std::string_view endpoint);

// The oldest error on this thread's OpenSSL queue as its reason text
// ("wrong version number"), or "" when empty; empties the queue.
[[nodiscard]] std::string take_error_reason();

}  // namespace chat::tls
