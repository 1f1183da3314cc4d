#include "tls_test_client.h"

#include <openssl/bn.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <memory>
#include <stdexcept>
#include "pop_line.h"

namespace chat::test {

namespace {

using Clock = std::chrono::steady_clock;

int millis_until(Clock::time_point deadline) {
  const auto now = Clock::now();
  if (now >= deadline) return 0;
  return static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1);
}

// Waits for what `status` asks for; false at the deadline.
bool await(int fd, tls::Status status, Clock::time_point deadline) {
  pollfd p{fd, static_cast<short>(status == tls::Status::want_write ? POLLOUT : POLLIN), 0};
  return ::poll(&p, 1, millis_until(deadline)) > 0;
}

struct BnFree {
  void operator()(BIGNUM* bn) const noexcept { BN_free(bn); }
};
struct OpenSslFree {
  void operator()(char* p) const noexcept { OPENSSL_free(p); }
};

}  // namespace

TlsTestClient::TlsTestClient(std::uint16_t port, const TlsClientOptions& options, std::string host, int rcvbuf)
    : tcp_(port, std::move(host), rcvbuf), ctx_(SSL_CTX_new(TLS_client_method())) {
  if (!ctx_) throw std::runtime_error("SSL_CTX_new: " + tls::take_error_line());
  // OpenSSL writes with write(), not send(MSG_NOSIGNAL): a server that
  // closed must cost an error here, not the test program.
  std::signal(SIGPIPE, SIG_IGN);
  SSL_CTX_set_mode(ctx_.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (!options.ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx_.get(), options.ca_file.c_str(), nullptr) != 1) {
      throw std::runtime_error("cannot load CA " + options.ca_file + ": " + tls::take_error_line());
    }
    SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_PEER, nullptr);
  }
  auto opened = tls::Stream::open(ctx_.get(), tcp_.fd(), tls::Stream::Role::client, options.host_name);
  if (auto* error = std::get_if<std::string>(&opened)) throw std::runtime_error(*error);
  stream_ = std::move(std::get<tls::Stream>(opened));
  if (!options.ca_file.empty()) SSL_set1_host(stream_.native(), options.host_name.c_str());

  const auto deadline = Clock::now() + 5s;
  while (true) {
    const tls::Result r = stream_.handshake();
    if (r.status == tls::Status::done) break;
    if (r.status == tls::Status::closed || r.status == tls::Status::error) {
      throw std::runtime_error("TLS handshake failed: " + (r.error.empty() ? "closed" : r.error));
    }
    if (!await(tcp_.fd(), r.status, deadline)) throw std::runtime_error("TLS handshake timed out");
  }
}

void TlsTestClient::send_raw(std::string_view bytes) {
  const auto deadline = Clock::now() + 10s;
  while (!bytes.empty()) {
    const tls::Result r = stream_.write(bytes);
    if (r.status == tls::Status::done) {
      bytes.remove_prefix(r.bytes);
      continue;
    }
    if (r.status == tls::Status::closed || r.status == tls::Status::error) {
      throw std::runtime_error("TLS send failed: " + r.error);
    }
    if (!await(tcp_.fd(), r.status, deadline)) throw std::runtime_error("send: the server accepted no data for 10 s");
  }
}

void TlsTestClient::send_line(std::string_view line) {
  std::string bytes(line);
  bytes += '\n';
  send_raw(bytes);
}

std::optional<std::string> TlsTestClient::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (auto line = pop_line(pending_)) return line;
    if (eof_) return std::nullopt;
    char buffer[16384];
    const tls::Result r = stream_.read(buffer);
    if (r.status == tls::Status::done) {
      pending_.append(buffer, r.bytes);
    } else if (r.status == tls::Status::closed || r.status == tls::Status::error) {
      eof_ = true;
    } else if (!await(tcp_.fd(), r.status, deadline)) {
      return std::nullopt;
    }
  }
}

void TlsTestClient::expect_line(std::string_view expected, std::chrono::milliseconds timeout) {
  const auto line = read_line(timeout);
  INFO("TLS client " << address_name() << " expected the line \"" << expected << "\"");
  REQUIRE(line.has_value());
  REQUIRE(*line == std::string(expected));
}

bool TlsTestClient::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!eof_) {
    pending_.clear();
    if (!read_line(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now())) && !eof_) {
      return false;
    }
  }
  return true;
}

bool TlsTestClient::no_line_within(std::chrono::milliseconds window) { return !read_line(window).has_value(); }

std::string TlsTestClient::peer_serial() const {
  X509* cert = SSL_get0_peer_certificate(stream_.native());
  if (cert == nullptr) return {};
  const std::unique_ptr<BIGNUM, BnFree> bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
  const std::unique_ptr<char, OpenSslFree> hex(BN_bn2hex(bn.get()));
  std::string serial = hex ? hex.get() : "";
  return serial;
}

std::string TlsTestClient::peer_subject() const {
  X509* cert = SSL_get0_peer_certificate(stream_.native());
  if (cert == nullptr) return {};
  char text[256];
  X509_NAME_oneline(X509_get_subject_name(cert), text, sizeof text);
  return text;
}

}  // namespace chat::test
