#include "tests/support/local_http_server.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace limiar::testing {

LocalHttpServer::LocalHttpServer() : server_(std::make_unique<httplib::Server>()), tls_(false) {}

LocalHttpServer::LocalHttpServer(const std::string& cert_file, const std::string& key_file)
    : server_(std::make_unique<httplib::SSLServer>(cert_file.c_str(), key_file.c_str())),
      tls_(true) {
  if (!server_->is_valid()) {
    ADD_FAILURE() << "SSLServer rejected " << cert_file << " / " << key_file;
    std::abort();
  }
}

int LocalHttpServer::Start() {
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) {
    ADD_FAILURE() << "cannot bind 127.0.0.1";
    std::abort();
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  // stop() is a no-op until the accept loop runs, so wait for it before anyone can call
  // the destructor. The socket already listens: clients may connect before this returns.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!server_->is_running()) {
    if (std::chrono::steady_clock::now() > give_up) {
      ADD_FAILURE() << "test HTTP server did not start";
      std::abort();
    }
    std::this_thread::yield();
  }
  return port_;
}

LocalHttpServer::~LocalHttpServer() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string LocalHttpServer::base_url() const {
  return absl::StrCat(tls_ ? "https" : "http", "://127.0.0.1:", port_);
}

void ServeWithoutCopies(httplib::Server& server, const std::string& path, const std::string& body,
                        const std::string& content_type) {
  server.Get(path, [&body, content_type](const httplib::Request&, httplib::Response& res) {
    res.set_content_provider(
        body.size(), content_type, [&body](size_t offset, size_t length, httplib::DataSink& sink) {
          // 64 KiB at a time: a slice is copied into the socket, never the whole body.
          return sink.write(body.data() + offset, std::min<size_t>(length, 64 * 1024));
        });
  });
}

}  // namespace limiar::testing
