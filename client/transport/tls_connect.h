// The TLS handshake on a freshly connected socket, bounded like the connect
// before it: non-blocking SSL_connect driven by poll() until done, the
// deadline passes, or `cancel_fd` becomes readable.
#pragma once

#include "tls_stream.h"

#include <chrono>
#include <string>

#include "transport/connect.h"

namespace chat::client {

// `host` is what the certificate must name (unless `ctx` does not verify);
// `endpoint` ("localhost:8443") is for the error line, which starts "TLS: ".
[[nodiscard]] ConnectResult tls_handshake(UniqueFd socket, ssl_ctx_st* ctx, const std::string& host,
                                          const std::string& endpoint,
                                          std::chrono::steady_clock::time_point deadline, int cancel_fd);

}  // namespace chat::client
