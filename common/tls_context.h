// chatd's TLS configuration: one SSL_CTX built from a certificate chain and
// its key, with the cipher policy docs/SECURITY.md describes. A context is
// immutable once built; a reload builds a new one.
#pragma once

#include <string>
#include <variant>

#include "tls_stream.h"

namespace chat::tls {

// TLS 1.2 at least (1.3 preferred: OpenSSL offers the highest both
// sides have), TLS 1.2 suites ECDHE with an AEAD only, no compression, no
// renegotiation, no session cache or tickets (nothing resumes), buffers
// released while idle, partial writes from a moving buffer, kTLS where the
// kernel has it. On failure, one line naming the file and why.
std::variant<ContextPtr, std::string> make_server_context(const std::string& cert_file, const std::string& key_file);

// Whether this kernel offers the "tls" upper-layer protocol (kTLS), and a
// few words saying why not when it does not, for chatd's start-up line.
struct KernelTls {
  bool available = false;
  std::string why_not;  // "the kernel has no tls module"
};
KernelTls kernel_tls();

}  // namespace chat::tls
