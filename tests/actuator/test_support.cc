#include "tests/actuator/test_support.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "src/actuator/process_runner.h"

namespace limiar::testing {

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteScript(const std::string& path, const std::string& body) {
  WriteFile(path, "#!/bin/sh\n" + body);
  ::chmod(path.c_str(), 0755);
}

namespace {

void Run(const std::vector<std::string>& argv) {
  absl::StatusOr<actuator::ProcessResult> r = actuator::RunProcess(argv, absl::Seconds(60));
  if (!r.ok() || r->exit_code != 0) {
    ADD_FAILURE() << "command failed: " << argv[0] << " " << argv[1] << ": "
                  << (r.ok() ? r->stderr_text : r.status().ToString());
    std::abort();
  }
}

// `dir`/`name`.crt and .key: a certificate for `subject` with `extensions`, signed by the CA.
// EC keys: generated in milliseconds, unlike RSA.
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
