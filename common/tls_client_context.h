// The client side of TLS, shared by chat and bench/flood: one SSL_CTX that
// verifies the server's chain (the system store, or one CA file) unless told
// not to, and one stream per connection that also checks the server's name
// (a DNS name, sent as SNI too, or an IP address checked as an IP).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "tls_stream.h"

namespace chat::tls {

struct ClientTlsConfig {
  std::optional<std::string> ca_file;  // trust only this CA (PEM); else the system store
  bool verify = true;                  // false: --insecure, any certificate is accepted
};

struct TlsError {
  std::string message;  // one line, e.g. "cannot load CA file x.pem: No such file or directory"
};

// TLS 1.2 or later; partial writes from a buffer that may move between
// retries (our queues are std::string); a bare EOF is the end of the stream.
// Errors: a CA file that cannot be loaded, or no system store.
[[nodiscard]] std::variant<ContextPtr, TlsError> make_client_context(const ClientTlsConfig& config);

// A client stream on `fd` (not owned) for a server known as `host`. When the
// context verifies, the certificate must name `host`: SSL_set1_host for a
// name (with SNI), the IP check for an address literal (no SNI: RFC 6066
// forbids one).
[[nodiscard]] std::variant<Stream, TlsError> open_client_stream(ssl_ctx_st* ctx, int fd, const std::string& host);

// True when `host` is an IPv4 or IPv6 address literal.
[[nodiscard]] bool is_ip_literal(const std::string& host);

// Whether the server's certificate failed verification in this handshake.
[[nodiscard]] bool verify_failed(const Stream& stream);

// Why a handshake failed, as one line for `endpoint` ("localhost:8443"),
// from the stream and the error Stream::handshake() returned:
//   "certificate verify failed for localhost:8443: self-signed certificate"
//   "handshake with localhost:8443 failed: wrong version number"
[[nodiscard]] std::string handshake_failure(const Stream& stream, const Result& result, std::string_view endpoint);

}  // namespace chat::tls
