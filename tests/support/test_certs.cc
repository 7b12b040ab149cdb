#include "tests/support/test_certs.h"

#include <cstdlib>
#include <optional>
#include <vector>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/support/child_process.h"
#include "tests/support/test_dir.h"

namespace limiar::testing {
namespace {

void Run(const std::vector<std::string>& argv) {
  ChildProcess openssl;
  const absl::Status started = openssl.Start(argv);
  const std::optional<int> status =
      started.ok() ? openssl.WaitExit(absl::Seconds(60)) : std::nullopt;
  if (!status || ExitCode(*status) != 0) {
    ADD_FAILURE() << "command failed: " << argv[0] << " " << argv[1] << ": "
                  << (started.ok() ? openssl.Output() : started.ToString());
    std::abort();
  }
}

// `dir`/`name`.crt and .key: a certificate for `subject` with `extensions`, signed by the CA.
void SignedCertificate(const std::string& dir, const std::string& name, const std::string& serial,
                       const std::string& subject, const std::string& extensions,
                       const std::string& ca_cert, const std::string& ca_key) {
  const std::string csr = dir + "/" + name + ".csr";
  const std::string ext = dir + "/" + name + ".ext";
  Run({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
       "-nodes", "-keyout", dir + "/" + name + ".key", "-out", csr, "-subj", subject});
  WriteFile(ext, extensions);
  Run({"openssl", "x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key, "-set_serial",
       serial, "-days", "2", "-extfile", ext, "-out", dir + "/" + name + ".crt"});
}

}  // namespace

TestCerts MakeTestCerts(const std::string& dir) {
  TestCerts certs{dir + "/ca.crt", dir + "/server.crt", dir + "/server.key", dir + "/client.crt",
                  dir + "/client.key"};
  const std::string ca_key = dir + "/ca.key";
  Run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
       "-nodes", "-keyout", ca_key, "-out", certs.ca_cert, "-days", "2", "-subj",
       "/CN=limiar test CA"});
  SignedCertificate(dir, "server", "1", "/CN=localhost",
                    "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                    "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n",
                    certs.ca_cert, ca_key);
  SignedCertificate(dir, "client", "2", "/CN=limiar test client",
                    "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                    "extendedKeyUsage=clientAuth\n",
                    certs.ca_cert, ca_key);
  return certs;
}

}  // namespace limiar::testing
