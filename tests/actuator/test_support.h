// Helpers for the actuator tests: temporary directories, files and scripts, test TLS
// certificates made with the openssl CLI, and an HTTP(S) server on 127.0.0.1 in the test
// process.
#ifndef LIMIAR_TESTS_ACTUATOR_TEST_SUPPORT_H_
#define LIMIAR_TESTS_ACTUATOR_TEST_SUPPORT_H_

#include <httplib.h>

#include <memory>
#include <string>
#include <thread>

namespace limiar::testing {

// A fresh directory under the test temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, const std::string& text);
std::string ReadFileOrDie(const std::string& path);
// Writes an executable /bin/sh script with `body` after the #! line.
void WriteScript(const std::string& path, const std::string& body);
// Replaces `path` atomically with new contents (rename over it), as the kubelet does.
void ReplaceFile(const std::string& path, const std::string& text);

// A private CA and a server certificate it signed, valid for IP 127.0.0.1 and DNS
// localhost, made with the openssl CLI into `dir`.
struct TestCerts {
  std::string ca_cert;  // PEM file paths
  std::string server_cert;
  std::string server_key;
};
TestCerts MakeTestCerts(const std::string& dir);

// Owns an httplib server: register handlers on server(), then Start() binds 127.0.0.1 on
// an ephemeral port and serves on a thread until destruction.
class LocalHttpServer {
 public:
  // Plain HTTP.
  LocalHttpServer();
  // HTTPS with the given certificate and key files.
  LocalHttpServer(const std::string& cert_file, const std::string& key_file);
  ~LocalHttpServer();

  httplib::Server& server() { return *server_; }
  // Returns the port. Aborts the test binary if the server cannot start.
  int Start();
  // "http://127.0.0.1:PORT" (or https).
  std::string base_url() const;

 private:
  std::unique_ptr<httplib::Server> server_;
  bool tls_;
  int port_ = -1;
  std::thread thread_;
};

// A port on 127.0.0.1 that nothing listens on (bound, then closed).
int UnusedPort();

}  // namespace limiar::testing

#endif  // LIMIAR_TESTS_ACTUATOR_TEST_SUPPORT_H_
