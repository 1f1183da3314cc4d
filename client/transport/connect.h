// Opening the connection: resolve, try each address in turn, each with a
// bounded connect, and hand back one non-blocking socket or one clear error.
#pragma once

#include "tls_stream.h"

#include <chrono>
#include <string>
#include <variant>

#include "transport/server_stream.h"
#include "unique_fd.h"

namespace chat::client {

struct ConnectError {
  std::string message;  // "cannot connect to 127.0.0.1:1: Connection refused"
  // Retrying cannot help and must not be tried silently (the server's
  // certificate failed verification): --reconnect gives up too.
  bool fatal = false;
};
struct ConnectCancelled {};  // `cancel_fd` became readable (a signal arrived)

using ConnectResult = std::variant<ServerStream, ConnectError, ConnectCancelled>;

// Resolves host/port with getaddrinfo (IPv4 or IPv6) and connects to the
// first address that accepts, giving each attempt at most `timeout`. The
// returned socket is non-blocking and close-on-exec. While waiting, a
// readable `cancel_fd` (>= 0) abandons the attempt.
// With `tls` (chat --tls; not owned, outlives the call), the TLS handshake
// follows within the same `timeout`, and its failure (a certificate that
// does not verify, above all) ends the attempt: no other address is tried.
[[nodiscard]] ConnectResult connect_to(const std::string& host, const std::string& port,
                                       std::chrono::milliseconds timeout, int cancel_fd,
                                       ssl_ctx_st* tls = nullptr);

// "host:port", or "[host]:port" when host is an IPv6 literal.
[[nodiscard]] std::string format_endpoint(const std::string& host, const std::string& port);

}  // namespace chat::client
