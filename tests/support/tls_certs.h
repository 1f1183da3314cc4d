// Certificates for TLS tests, made at test time with the openssl CLI in a
// temporary directory (removed when the test program exits): a CA, and
// server certificates signed by it. Generated once per test program, on
// first use.
#pragma once

#include <string>

namespace chat::test {

struct CertPair {
  std::string cert;  // PEM certificate file
  std::string key;   // PEM private key file (unencrypted)
  std::string serial;  // as `openssl x509 -serial` prints it, e.g. "1001"
};

struct TlsCerts {
  std::string dir;
  std::string ca_cert;   // "chat test CA": trusts every pair below
  CertPair server;       // CN=localhost, SAN localhost, 127.0.0.1, ::1; serial 1001
  CertPair reloaded;     // the same names, another key; serial 1002, O=reloaded
  CertPair expired;      // the same names, expired yesterday; serial 1003
  CertPair wrong_host;   // CN/SAN wrong.example only; serial 1004
  CertPair cn_only;      // CN=localhost and no subjectAltName at all; serial 1005
  std::string garbage;   // a file that is not PEM at all
};

// Throws std::runtime_error (with openssl's stderr) if generation fails.
const TlsCerts& tls_certs();

}  // namespace chat::test
