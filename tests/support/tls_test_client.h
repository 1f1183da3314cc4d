// TestClient over TLS: connects, completes the handshake (verifying the
// server against a CA file and the name "localhost" unless told not to),
// then reads and writes lines with deadlines as TestClient does.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "test_client.h"
#include "tls_stream.h"

namespace chat::test {

struct TlsClientOptions {
  std::string ca_file;           // empty: no verification
  std::string host_name = "localhost";  // checked against the certificate; sent as SNI
};

class TlsTestClient {
 public:
  // Connects and handshakes; throws std::runtime_error with the reason if
  // either fails within 5 s. `rcvbuf` as for TestClient.
  TlsTestClient(std::uint16_t port, const TlsClientOptions& options, std::string host = "127.0.0.1",
                int rcvbuf = 0);

  [[nodiscard]] const std::string& address_name() const { return tcp_.address_name(); }
  void send_raw(std::string_view bytes);
  void send_line(std::string_view line);
  std::optional<std::string> read_line(std::chrono::milliseconds timeout = 5s);
  void expect_line(std::string_view expected, std::chrono::milliseconds timeout = 5s);
  bool wait_closed(std::chrono::milliseconds timeout = 5s);
  bool no_line_within(std::chrono::milliseconds window);

  // The server certificate's serial number in hex ("1001") and subject
  // ("CN=localhost, O=reloaded"), and "TLSv1.3 TLS_AES_..." of the session.
  [[nodiscard]] std::string peer_serial() const;
  [[nodiscard]] std::string peer_subject() const;
  [[nodiscard]] std::string description() const { return stream_.description(); }
  [[nodiscard]] int fd() const { return tcp_.fd(); }

 private:
  TestClient tcp_;
  tls::ContextPtr ctx_;
  tls::Stream stream_;
  std::string pending_;
  bool eof_ = false;
};

}  // namespace chat::test
