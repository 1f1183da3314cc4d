#include "tls_certs.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "chatd_process.h"

namespace chat::test {

namespace {

void openssl(const std::vector<std::string>& args) {
  const RunResult r = run_program("/usr/bin/openssl", args, {}, 20s);
  if (r.exit_code != 0) throw std::runtime_error("openssl " + args.front() + " failed: " + r.err);
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

// A P-256 key and a certificate for `subject` with `san`, signed by the CA.
CertPair make_pair(const TlsCerts& certs, const std::string& name, const std::string& subject, const std::string& san,
                   int serial, const std::string& days) {
  CertPair pair{certs.dir + "/" + name + ".crt", certs.dir + "/" + name + ".key", {}};
  const std::string csr = certs.dir + "/" + name + ".csr";
  const std::string ext = certs.dir + "/" + name + ".ext";
  write_file(ext, san.empty() ? "basicConstraints=CA:FALSE\n" : "subjectAltName=" + san + "\n");
  openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", pair.key, "-out", csr,
           "-subj", subject});
  openssl({"x509", "-req", "-in", csr, "-CA", certs.ca_cert, "-CAkey", certs.dir + "/ca.key", "-set_serial",
           std::to_string(serial), "-days", days, "-extfile", ext, "-out", pair.cert});
  char hex[16];
  std::snprintf(hex, sizeof hex, "%X", serial);
  pair.serial = hex;
  return pair;
}

struct Generated {
  TlsCerts certs;
  Generated() {
    std::string pattern = (std::filesystem::temp_directory_path() / "chat-tls-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    certs.dir = pattern;
    try {
      certs.ca_cert = certs.dir + "/ca.crt";
      openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
               certs.dir + "/ca.key", "-out", certs.ca_cert, "-days", "2", "-subj", "/CN=chat test CA"});
      const std::string local = "DNS:localhost,IP:127.0.0.1,IP:::1";
      certs.server = make_pair(certs, "server", "/CN=localhost", local, 0x1001, "2");
      certs.reloaded = make_pair(certs, "reloaded", "/CN=localhost/O=reloaded", local, 0x1002, "2");
      certs.expired = make_pair(certs, "expired", "/CN=localhost", local, 0x1003, "-1");
      certs.wrong_host = make_pair(certs, "wrong", "/CN=wrong.example", "DNS:wrong.example", 0x1004, "2");
      certs.cn_only = make_pair(certs, "cn-only", "/CN=localhost", "", 0x1005, "2");
      certs.garbage = certs.dir + "/garbage.pem";
      write_file(certs.garbage, "this is not a certificate\n");
    } catch (...) {
      std::filesystem::remove_all(certs.dir);
      throw;
    }
  }
  ~Generated() {
    std::error_code ignored;
    std::filesystem::remove_all(certs.dir, ignored);
  }
};

}  // namespace

const TlsCerts& tls_certs() {
  static const Generated generated;
  return generated.certs;
}

}  // namespace chat::test
