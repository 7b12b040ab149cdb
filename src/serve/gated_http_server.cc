#include "src/serve/gated_http_server.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace limiar::serve {
namespace {

// Runs every task where it is enqueued: the only task is handing a socket to the gate.
class InlineTaskQueue final : public httplib::TaskQueue {
 public:
  void enqueue(std::function<void()> fn) override { fn(); }
  void shutdown() override {}
};

// A connection's bytes: first those the gate already received, then the socket's, each
// wait bounded by one deadline for the whole exchange.
class GateStream final : public httplib::Stream {
 public:
  GateStream(int fd, std::string received, ConnectionGate::Deadline deadline)
      : fd_(fd), received_(std::move(received)), deadline_(deadline) {}

  bool is_readable() const override { return offset_ < received_.size() || Wait(POLLIN); }
  bool is_writable() const override { return Wait(POLLOUT); }

  ssize_t read(char* ptr, size_t size) override {
    if (offset_ < received_.size()) {
      const size_t n = std::min(size, received_.size() - offset_);
      std::memcpy(ptr, received_.data() + offset_, n);
      offset_ += n;
      return static_cast<ssize_t>(n);
    }
    for (;;) {
      if (!Wait(POLLIN)) return -1;
      const ssize_t n = ::recv(fd_, ptr, size, MSG_DONTWAIT);
      if (n >= 0) return n;
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return -1;
    }
  }

  ssize_t write(const char* ptr, size_t size) override {
    for (;;) {
      if (!Wait(POLLOUT)) return -1;
      const ssize_t n = ::send(fd_, ptr, size, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n >= 0) return n;
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return -1;
    }
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    Address(::getpeername, ip, port);
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    Address(::getsockname, ip, port);
  }
  socket_t socket() const override { return fd_; }

 private:
  // False once the deadline has passed without the socket becoming ready.
  bool Wait(short events) const {
    for (;;) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(
          deadline_ - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, events, 0};
      const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
      if (ready > 0) return true;
      if (ready < 0 && errno != EINTR) return false;
    }
  }

  void Address(int (*get)(int, sockaddr*, socklen_t*), std::string& ip, int& port) const {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    ip.clear();
    port = 0;
    if (get(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return;
    char text[INET6_ADDRSTRLEN] = {};
    if (addr.ss_family == AF_INET) {
      const auto* in = reinterpret_cast<const sockaddr_in*>(&addr);
      ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
      port = ntohs(in->sin_port);
    } else if (addr.ss_family == AF_INET6) {
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&addr);
      ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
      port = ntohs(in6->sin6_port);
    }
    ip = text;
  }

  const int fd_;
  const std::string received_;
  size_t offset_ = 0;
  const ConnectionGate::Deadline deadline_;
};

}  // namespace

GatedHttpServer::GatedHttpServer(HttpLimits limits)
    : gate_(limits, [this](int fd, std::string received, ConnectionGate::Deadline deadline) {
        Serve(fd, std::move(received), deadline);
      }) {
  new_task_queue = [] { return new InlineTaskQueue; };
}

// The gate goes first: its workers call into this server.
GatedHttpServer::~GatedHttpServer() { gate_.Stop(); }

absl::Status GatedHttpServer::StartGate() {
  if (::listen(svr_sock_, SOMAXCONN) != 0) {
    return absl::InternalError(absl::StrCat("HTTP server: listen: ", std::strerror(errno)));
  }
  return gate_.Start();
}

bool GatedHttpServer::process_and_close_socket(socket_t sock) {
  gate_.Admit(sock);
  return true;
}

void GatedHttpServer::Serve(int fd, std::string received, ConnectionGate::Deadline deadline) {
  GateStream stream(fd, std::move(received), deadline);
  bool connection_closed = false;
  process_request(stream, /*close_connection=*/true, connection_closed, [](httplib::Request&) {});
}

}  // namespace limiar::serve
