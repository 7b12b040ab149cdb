#include "tests/support/local_http_server.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>

#include "absl/strings/match.h"
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

std::string SeenRequest::Header(absl::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (absl::EqualsIgnoreCase(n, name)) return v;
  }
  return "";
}

CannedHttpServer::CannedHttpServer(Handler handler) : handler_(std::move(handler)) {
  const auto serve = [this](const httplib::Request& req, httplib::Response& res) {
    SeenRequest seen;
    seen.method = req.method;
    seen.path = req.path;
    for (const auto& [name, value] : req.headers) seen.headers.emplace_back(name, value);
    // httplib keeps repeated parameters; the last one wins here, as in a map.
    for (const auto& [name, value] : req.params) seen.params[name] = value;
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(seen);
    }
    const CannedResponse canned = handler_(seen);
    res.status = canned.status;
    res.set_content(canned.body, canned.content_type);
    std::lock_guard<std::mutex> lock(mu_);
    ++answered_;
    answered_cv_.notify_all();
  };
  httplib::Server& s = server_.server();
  s.Get(".*", serve);
  s.Post(".*", serve);
  s.Put(".*", serve);
  s.Patch(".*", serve);
  s.Delete(".*", serve);
  port_ = server_.Start();
}

std::vector<SeenRequest> CannedHttpServer::requests() {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

bool CannedHttpServer::WaitForAnswered(int n, std::chrono::seconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return answered_cv_.wait_for(lock, timeout, [&] { return answered_ >= n; });
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
