// Helpers for the actuator tests: reading files and scripts, and (from tests/support) test
// TLS certificates and an HTTP(S) server on 127.0.0.1 in the test process; WriteFile and
// ReplaceFile come with tests/support/test_dir.h.
#ifndef LIMIAR_TESTS_ACTUATOR_TEST_SUPPORT_H_
#define LIMIAR_TESTS_ACTUATOR_TEST_SUPPORT_H_

#include <string>

#include "tests/support/local_http_server.h"
#include "tests/support/test_certs.h"  // MakeTestCerts
#include "tests/support/test_dir.h"

namespace limiar::testing {

std::string ReadFileOrDie(const std::string& path);
// Writes an executable /bin/sh script with `body` after the #! line.
void WriteScript(const std::string& path, const std::string& body);

}  // namespace limiar::testing

#endif  // LIMIAR_TESTS_ACTUATOR_TEST_SUPPORT_H_
