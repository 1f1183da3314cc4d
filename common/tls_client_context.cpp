#include "tls_client_context.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>

namespace chat::tls {

bool is_ip_literal(const std::string& host) {
  unsigned char addr[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, host.c_str(), addr) == 1 || ::inet_pton(AF_INET6, host.c_str(), addr) == 1;
}

std::variant<ContextPtr, TlsError> make_client_context(const ClientTlsConfig& config) {
  ERR_clear_error();
  ContextPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return TlsError{"cannot create a TLS context: " + take_error_line()};
  (void)SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // A server closing without close_notify reads as an ordinary end of
  // stream (chatd drops a connection that way, as any TCP server may).
  SSL_CTX_set_options(ctx.get(), SSL_OP_IGNORE_UNEXPECTED_EOF);

  if (!config.verify) {
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    return ctx;
  }
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  if (config.ca_file) {
    errno = 0;
    if (SSL_CTX_load_verify_locations(ctx.get(), config.ca_file->c_str(), nullptr) != 1) {
      // A missing file is the usual case: say so in the words the shell would.
      const int saved = errno;
      std::string why = take_error_line("no certificate in it");
      if (saved != 0) why = std::strerror(saved);
      return TlsError{"cannot load CA file " + *config.ca_file + ": " + why};
    }
  } else if (SSL_CTX_set_default_verify_paths(ctx.get()) != 1) {
    return TlsError{"cannot load the system's trusted certificates: " + take_error_line()};
  }
  return ctx;
}

std::variant<Stream, TlsError> open_client_stream(ssl_ctx_st* ctx, int fd, const std::string& host) {
  const bool ip = is_ip_literal(host);
  auto opened = Stream::open(ctx, fd, Stream::Role::client, ip ? std::string_view{} : std::string_view(host));
  if (auto* error = std::get_if<std::string>(&opened)) return TlsError{std::move(*error)};
  Stream stream = std::move(std::get<Stream>(opened));
  if ((SSL_CTX_get_verify_mode(ctx) & SSL_VERIFY_PEER) == 0) return stream;
  // The name is checked against the subjectAltName only: OpenSSL falls
  // back to the subject's CN for a certificate without one unless told not
  // to, and a CN is not a statement of which names a certificate is for.
  SSL_set_hostflags(stream.native(), X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
  const int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(stream.native()), host.c_str())
                    : SSL_set1_host(stream.native(), host.c_str());
  if (ok != 1) return TlsError{"cannot check the server's name " + host + ": " + take_error_line()};
  return stream;
}

bool verify_failed(const Stream& stream) { return SSL_get_verify_result(stream.native()) != X509_V_OK; }

std::string handshake_failure(const Stream& stream, const Result& result, std::string_view endpoint) {
  const long verify = SSL_get_verify_result(stream.native());
  if (verify != X509_V_OK) {
    return "certificate verify failed for " + std::string(endpoint) + ": " + X509_verify_cert_error_string(verify);
  }
  std::string why = result.error;
  if (why == "connection closed during the TLS handshake") why = "connection closed by the server";
  return "handshake with " + std::string(endpoint) + " failed: " + why;
}

}  // namespace chat::tls
