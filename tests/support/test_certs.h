// Test TLS material made with the openssl CLI: a private CA, a server certificate it signed
// (valid for IP 127.0.0.1 and DNS localhost) and a client certificate it signed (for mutual
// TLS). EC keys, generated in milliseconds.
#ifndef LIMIAR_TESTS_SUPPORT_TEST_CERTS_H_
#define LIMIAR_TESTS_SUPPORT_TEST_CERTS_H_

#include <string>

namespace limiar::testing {

struct TestCerts {
  std::string ca_cert;  // PEM file paths
  std::string server_cert;
  std::string server_key;
  std::string client_cert;
  std::string client_key;
};
// Writes them into `dir`; a failing openssl command fails the test and aborts it.
TestCerts MakeTestCerts(const std::string& dir);

}  // namespace limiar::testing

#endif  // LIMIAR_TESTS_SUPPORT_TEST_CERTS_H_
