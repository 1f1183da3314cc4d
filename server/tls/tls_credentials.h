// chatd's certificate and key, as a TLS context that new connections use.
// SIGHUP reloads the files into a new context; connections made before
// keep the old one (their SSL holds a reference to it), and a reload that
// fails keeps the old one for new connections too.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "tls_stream.h"
#include "unique_fd.h"

namespace chat {

class TlsCredentials {
 public:
  // Loads both files; on failure, the one line saying which and why.
  static std::variant<std::unique_ptr<TlsCredentials>, std::string> load(std::string cert_file, std::string key_file);

  // For new connections. Only the thread that accepts calls this and reload().
  [[nodiscard]] ssl_ctx_st* context() const noexcept { return context_.get(); }

  // Re-reads the files; logs one line on stderr either way.
  void reload_and_log();

  // Use load().
  TlsCredentials(std::string cert, std::string key, tls::ContextPtr ctx)
      : cert_file_(std::move(cert)), key_file_(std::move(key)), context_(std::move(ctx)) {}

 private:

  std::string cert_file_, key_file_;
  tls::ContextPtr context_;
};

// What an engine needs to serve TLS: the TLS listening sockets and the
// credentials (null: no TLS; then `listeners` is empty).
struct TlsSetup {
  std::vector<UniqueFd> listeners;
  TlsCredentials* credentials = nullptr;
};

}  // namespace chat
