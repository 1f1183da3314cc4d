#include "tls/tls_credentials.h"

#include "base/server_log.h"
#include "tls_context.h"

namespace chat {

std::variant<std::unique_ptr<TlsCredentials>, std::string> TlsCredentials::load(std::string cert_file,
                                                                               std::string key_file) {
  auto made = tls::make_server_context(cert_file, key_file);
  if (auto* error = std::get_if<std::string>(&made)) return std::move(*error);
  return std::make_unique<TlsCredentials>(std::move(cert_file), std::move(key_file),
                                          std::move(std::get<tls::ContextPtr>(made)));
}

void TlsCredentials::reload_and_log() {
  auto made = tls::make_server_context(cert_file_, key_file_);
  if (auto* error = std::get_if<std::string>(&made)) {
    diagnostic("SIGHUP: keeping the TLS certificate loaded before: " + *error);
    return;
  }
  context_ = std::move(std::get<tls::ContextPtr>(made));
  diagnostic("SIGHUP: reloaded the TLS certificate from " + cert_file_ + " and its key from " + key_file_);
}

}  // namespace chat
