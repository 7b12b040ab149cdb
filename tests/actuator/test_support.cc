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

}  // namespace

TestCerts MakeTestCerts(const std::string& dir) {
  TestCerts certs{dir + "/ca.crt", dir + "/server.crt", dir + "/server.key"};
  const std::string ca_key = dir + "/ca.key";
  const std::string csr = dir + "/server.csr";
  const std::string ext = dir + "/server.ext";
  // EC keys: generated in milliseconds, unlike RSA.
  Run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
       "-nodes", "-keyout", ca_key, "-out", certs.ca_cert, "-days", "2", "-subj",
       "/CN=limiar test CA"});
  Run({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
       "-nodes", "-keyout", certs.server_key, "-out", csr, "-subj", "/CN=localhost"});
  WriteFile(ext,
            "basicConstraints=CA:FALSE\n"
            "keyUsage=digitalSignature,keyEncipherment\n"
            "extendedKeyUsage=serverAuth\n"
            "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  Run({"openssl", "x509", "-req", "-in", csr, "-CA", certs.ca_cert, "-CAkey", ca_key, "-set_serial",
       "1", "-days", "2", "-extfile", ext, "-out", certs.server_cert});
  return certs;
}

}  // namespace limiar::testing
