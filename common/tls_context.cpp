#include "tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace chat::tls {

namespace {

// TLS 1.2 only (TLS 1.3 suites are all AEAD with forward secrecy and are
// left at OpenSSL's defaults).
constexpr const char* kTls12Ciphers = "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!eNULL";

// Key exchange over the cheap elliptic curves only, for TLS 1.3 and 1.2
// alike. OpenSSL 3's defaults add the finite-field groups: a ClientHello
// offering only ffdhe8192 costs the server 120-154 ms of CPU and its sender
// nothing (docs/SECURITY.md, "TLS handshakes"); without a shared group the
// handshake ends with a handshake_failure alert.
constexpr const char* kGroups = "X25519:P-256";

// "" if `path` can be opened for reading, else why not (strerror).
std::string unreadable(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return std::strerror(errno);
  std::fclose(f);
  return {};
}

}  // namespace

std::variant<ContextPtr, std::string> make_server_context(const std::string& cert_file, const std::string& key_file) {
  if (const std::string why = unreadable(cert_file); !why.empty()) return "cannot read --tls-cert " + cert_file + ": " + why;
  if (const std::string why = unreadable(key_file); !why.empty()) return "cannot read --tls-key " + key_file + ": " + why;

  ERR_clear_error();
  ContextPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return "cannot set up TLS: " + take_error_line();
  SSL_CTX* c = ctx.get();
  SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
  if (SSL_CTX_set_cipher_list(c, kTls12Ciphers) != 1) return "cannot set the TLS cipher list: " + take_error_line();
  if (SSL_CTX_set1_groups_list(c, kGroups) != 1) return "cannot set the TLS key-exchange groups: " + take_error_line();
  SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                             SSL_OP_ENABLE_KTLS | SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_TICKET);
  SSL_CTX_set_mode(c, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_num_tickets(c, 0);

  if (SSL_CTX_use_certificate_chain_file(c, cert_file.c_str()) != 1) {
    return "cannot use --tls-cert " + cert_file + ": " + take_error_line("no certificate found");
  }
  if (SSL_CTX_use_PrivateKey_file(c, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
      return "--tls-key " + key_file + " does not match --tls-cert " + cert_file + ": " + take_error_line();
    }
    return "cannot use --tls-key " + key_file + ": " + take_error_line("no private key found");
  }
  if (SSL_CTX_check_private_key(c) != 1) {
    return "--tls-key " + key_file + " does not match --tls-cert " + cert_file + ": " + take_error_line();
  }
  return ctx;
}

KernelTls kernel_tls() {
  std::ifstream file("/proc/sys/net/ipv4/tcp_available_ulp");
  if (!file) return {false, "this system has no kernel TLS"};
  std::string word;
  while (file >> word) {
    if (word == "tls") return {true, {}};
  }
  return {false, "the kernel has no tls module"};
}

}  // namespace chat::tls
