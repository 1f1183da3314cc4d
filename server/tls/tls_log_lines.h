// The log lines both kinds of engine write about a TLS handshake, so the
// reactor and the threads engine say the same thing (docs/PROTOCOL.md).
#pragma once

#include <string>
#include <string_view>

#include "tls_stream.h"

namespace chat {

// "TLS handshake failed: PEER: REASON", for a handshake that ended closed
// or in error; a close without an OpenSSL reason reads "closed by the peer".
inline std::string tls_handshake_failed(std::string_view peer, const tls::Result& r) {
  return "TLS handshake failed: " + std::string(peer) + ": " +
         (r.error.empty() ? std::string("closed by the peer") : r.error);
}

// "TLS handshake refused: PEER: over --tls-handshake-rate", for a TLS
// connection closed before its handshake because its address opened too
// many too fast.
inline std::string tls_handshake_refused(std::string_view peer) {
  return "TLS handshake refused: " + std::string(peer) + ": over --tls-handshake-rate";
}

// "TLS handshake timed out: PEER: not done in N s".
inline std::string tls_handshake_timed_out(std::string_view peer, unsigned seconds) {
  return "TLS handshake timed out: " + std::string(peer) + ": not done in " + std::to_string(seconds) + " s";
}

}  // namespace chat
