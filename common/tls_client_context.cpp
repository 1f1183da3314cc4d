#include "tls_client_context.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>

namespace chat::tls {

bool is_ip_literal(const std::string& host) {
  unsigned char addr[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, host.c_str(), addr) == 1 || ::inet_pton(AF_INET6, host.c_str(), addr) == 1;
}

std::string take_error_reason() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return {};
  if (const char* reason = ERR_reason_error_string(code)) return reason;
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

std::variant<SslCtxPtr, TlsError> make_client_context(const ClientTlsConfig& config) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return TlsError{"cannot create a TLS context: " + take_error_reason()};
  (void)SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  long mode = SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER;
  if (config.release_buffers) mode |= SSL_MODE_RELEASE_BUFFERS;
  SSL_CTX_set_mode(ctx.get(), mode);
  // A peer closing without close_notify reads as an ordinary end of stream
  // (chatd drops a connection that way, as any TCP server may).
  SSL_CTX_set_options(ctx.get(), SSL_OP_IGNORE_UNEXPECTED_EOF);

  if (!config.verify) {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    return ctx;
  }
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  if (config.ca_file) {
    if (SSL_CTX_load_verify_locations(ctx.get(), config.ca_file->c_str(), nullptr) != 1) {
      std::string why = take_error_reason();
      if (errno != 0 && why.find("system lib") != std::string::npos) why = std::strerror(errno);
      return TlsError{"cannot load CA file " + *config.ca_file + ": " + (why.empty() ? "no certificate" : why)};
    }
  } else if (SSL_CTX_set_default_verify_paths(ctx.get()) != 1) {
    return TlsError{"cannot load the system's trusted certificates: " + take_error_reason()};
  }
  return ctx;
}

std::variant<SslPtr, TlsError> make_client_ssl(SSL_CTX* ctx, int fd, const std::string& host) {
  SslPtr ssl(SSL_new(ctx));
  if (!ssl) return TlsError{"cannot create a TLS connection: " + take_error_reason()};
  if (SSL_set_fd(ssl.get(), fd) != 1) return TlsError{"cannot attach TLS to the socket: " + take_error_reason()};
  const bool verifying = (SSL_CTX_get_verify_mode(ctx) & SSL_VERIFY_PEER) != 0;
  if (is_ip_literal(host)) {
    if (verifying && X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl.get()), host.c_str()) != 1) {
      return TlsError{"cannot check the address " + host + ": " + take_error_reason()};
    }
  } else {
    if (SSL_set_tlsext_host_name(ssl.get(), host.c_str()) != 1) {
      return TlsError{"cannot send the server name " + host + ": " + take_error_reason()};
    }
    if (verifying && SSL_set1_host(ssl.get(), host.c_str()) != 1) {
      return TlsError{"cannot check the server name " + host + ": " + take_error_reason()};
    }
  }
  SSL_set_connect_state(ssl.get());
  return ssl;
}

std::string handshake_failure(const SSL* ssl, int ssl_error, std::string_view endpoint) {
  const long verify = SSL_get_verify_result(ssl);
  std::string reason = take_error_reason();
  if (verify != X509_V_OK) {
    return "certificate verify failed for " + std::string(endpoint) + ": " +
           X509_verify_cert_error_string(verify);
  }
  if (reason.empty()) {
    if (ssl_error == SSL_ERROR_SYSCALL && errno != 0) {
      reason = std::strerror(errno);
    } else {
      reason = "connection closed by the server";
    }
  }
  return "handshake with " + std::string(endpoint) + " failed: " + reason;
}

}  // namespace chat::tls
