// Helpers for the actuator tests: reading files, scripts, test TLS
// certificates made with the openssl CLI, and (from tests/support) an HTTP(S) server on
// 127.0.0.1 in the test process; WriteFile and ReplaceFile come with tests/support/test_dir.h.
#ifndef LIMIAR_TESTS_ACTUATOR_TEST_SUPPORT_H_
#define LIMIAR_TESTS_ACTUATOR_TEST_SUPPORT_H_

#include <string>

#include "tests/support/local_http_server.h"
#include "tests/support/test_dir.h"

namespace limiar::testing {

std::string ReadFileOrDie(const std::string& path);
// Writes an executable /bin/sh script with `body` after the #! line.
void WriteScript(const std::string& path, const std::string& body);

// A private CA, a server certificate it signed (valid for IP 127.0.0.1 and DNS localhost)
// and a client certificate it signed (for mutual TLS), made with the openssl CLI into `dir`.
struct TestCerts {
  std::string ca_cert;  // PEM file paths
  std::string server_cert;
  std::string server_key;
  std::string client_cert;
  std::string client_key;
};
TestCerts MakeTestCerts(const std::string& dir);

}  // namespace limiar::testing

#endif  // LIMIAR_TESTS_ACTUATOR_TEST_SUPPORT_H_
