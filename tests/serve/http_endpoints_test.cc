// The HTTP endpoints against real clients on 127.0.0.1. A liveness probe must be answered
// whatever other clients do: ten clients sending a header byte every two seconds used to
// hold every worker thread, so /healthz timed out and a healthy pod would be restarted.
#include "src/serve/http_endpoints.h"

#include <httplib.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/ports.h"

namespace limiar::serve {
namespace {

using ::testing::HasSubstr;

// How long any wait on the server may take before the test fails; a passing run waits far
// less.
constexpr absl::Duration kWait = absl::Seconds(20);

int Connect(int port) {
  const int fd = ::limiar::testing::ConnectLoopback(port);
  if (fd < 0) ADD_FAILURE() << "cannot connect to 127.0.0.1:" << port;
  return fd;
}

// Hostile clients: each connects and sends the start of a request, then one more header
// byte every `pace`, never finishing, until destroyed. Each byte arrives well within any
// per-read timeout, so only a deadline on the whole header block gets rid of them.
class SlowClients {
 public:
  SlowClients(int port, int count, std::chrono::milliseconds pace) {
    for (int i = 0; i < count; ++i) {
      const int fd = Connect(port);
      const std::string start = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
      ::send(fd, start.data(), start.size(), MSG_NOSIGNAL);
      fds_.push_back(fd);
    }
    thread_ = std::thread([this, pace] {
      while (!stop_.load()) {
        for (int fd : fds_) ::send(fd, "a", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        std::this_thread::sleep_for(pace);  // the attack's pace, not a wait for the server
      }
    });
  }
  ~SlowClients() {
    stop_.store(true);
    thread_.join();
    for (int fd : fds_) ::close(fd);
  }

 private:
  std::vector<int> fds_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Reads what the server sends on `fd` until it closes the connection, waiting for data at
// most kWait in all. Returns nullopt if it did not close within that.
std::optional<std::string> ReadUntilClosed(int fd) {
  const absl::Time deadline = absl::Now() + kWait;
  std::string out;
  char buf[4096];
  while (absl::Now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()))) <= 0) {
      continue;
    }
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
  return std::nullopt;
}

// Connections of `fds` the server has closed, after reading what it sent on each; waits
// until `count` have closed or kWait has passed.
std::vector<std::string> WaitForClosed(const std::vector<int>& fds, size_t count) {
  std::vector<std::string> answers(fds.size());
  std::vector<bool> closed(fds.size(), false);
  size_t done = 0;
  const absl::Time deadline = absl::Now() + kWait;
  while (done < count && absl::Now() < deadline) {
    std::vector<pollfd> polled;
    for (int fd : fds) polled.push_back({fd, POLLIN, 0});
    if (::poll(polled.data(), polled.size(), 100) <= 0) continue;
    for (size_t i = 0; i < fds.size(); ++i) {
      if (closed[i] || polled[i].revents == 0) continue;
      char buf[4096];
      const ssize_t n = ::recv(fds[i], buf, sizeof buf, MSG_DONTWAIT);
      if (n > 0) {
        answers[i].append(buf, static_cast<size_t>(n));
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        closed[i] = true;
        ++done;
      }
    }
  }
  std::vector<std::string> out;
  for (size_t i = 0; i < fds.size(); ++i) {
    if (closed[i]) out.push_back(answers[i]);
  }
  return out;
}

httplib::Result Get(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(absl::ToChronoSeconds(kWait));
  client.set_read_timeout(absl::ToChronoSeconds(kWait));
  return client.Get(path.c_str());
}

TEST(HttpEndpointsTest, SlowClientsCannotStarveHealthz) {
  HttpEndpoints http([] { return std::string("limiar_up 1\n"); }, [] { return true; });
  absl::StatusOr<int> port = http.Start("127.0.0.1", 0);
  ASSERT_TRUE(port.ok()) << port.status();
  // More than any worker pool: cpp-httplib's default is one thread per core, at least 8.
  SlowClients slow(*port, /*count=*/64, std::chrono::milliseconds(100));

  httplib::Result res = Get(*port, "/healthz");
  ASSERT_TRUE(res) << "no answer: " << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "ok\n");
  res = Get(*port, "/metrics");
  ASSERT_TRUE(res) << "no answer: " << httplib::to_string(res.error());
  EXPECT_EQ(res->body, "limiar_up 1\n");
}

// A client that never finishes its headers is answered 408 and closed after the header
// timeout, however steadily it trickles.
TEST(HttpEndpointsTest, HeadersMustArriveWithinTheTimeout) {
  HttpLimits limits;
  limits.header_timeout = absl::Milliseconds(300);
  HttpEndpoints http([] { return std::string(); }, [] { return true; }, limits);
  absl::StatusOr<int> port = http.Start("127.0.0.1", 0);
  ASSERT_TRUE(port.ok()) << port.status();
  const int fd = Connect(*port);
  const std::string start = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
  ::send(fd, start.data(), start.size(), MSG_NOSIGNAL);
  // A header byte every 20 ms until the server answers, for at most kWait.
  std::string answer;
  bool closed = false;
  for (const absl::Time end = absl::Now() + kWait; !closed && absl::Now() < end;) {
    ::send(fd, "a", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    std::optional<std::string> rest = ReadUntilClosed(fd);
    closed = rest.has_value();
    answer = rest.value_or("");
  }
  ::close(fd);
  ASSERT_TRUE(closed) << "the connection was never closed";
  EXPECT_THAT(answer, HasSubstr("408 Request Timeout"));
  EXPECT_THAT(answer, HasSubstr("http.header_timeout_s"));
}

TEST(HttpEndpointsTest, OversizedHeadersAreRefused) {
  HttpEndpoints http([] { return std::string(); }, [] { return true; });
  absl::StatusOr<int> port = http.Start("127.0.0.1", 0);
  ASSERT_TRUE(port.ok()) << port.status();
  const int fd = Connect(*port);
  const std::string request = "GET /healthz HTTP/1.1\r\nX-Big: " + std::string(20'000, 'a');
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::optional<std::string> answer = ReadUntilClosed(fd);
  ::close(fd);
  ASSERT_TRUE(answer.has_value());
  EXPECT_THAT(*answer, HasSubstr("431 Request Header Fields Too Large"));
}

// One worker held by a /metrics that does not return, two requests may wait: the other
// eight are answered 503 at once instead of queueing without bound; the waiting ones are
// served once the worker is free.
TEST(HttpEndpointsTest, RequestsBeyondTheQueueAreRefusedAtOnce) {
  absl::Notification entered, release;
  std::atomic<int> renders{0};
  HttpLimits limits;
  limits.workers = 1;
  limits.max_queued = 2;
  limits.header_timeout = kWait;
  HttpEndpoints http(
      [&] {
        if (renders.fetch_add(1) == 0) {
          entered.Notify();
          release.WaitForNotification();
        }
        return std::string("limiar_up 1\n");
      },
      [] { return true; }, limits);
  absl::StatusOr<int> port = http.Start("127.0.0.1", 0);
  ASSERT_TRUE(port.ok()) << port.status();
  const std::string request = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  const int first = Connect(*port);
  ::send(first, request.data(), request.size(), MSG_NOSIGNAL);
  ASSERT_TRUE(entered.WaitForNotificationWithTimeout(kWait));

  std::vector<int> more;
  for (int i = 0; i < 10; ++i) {
    more.push_back(Connect(*port));
    ::send(more.back(), request.data(), request.size(), MSG_NOSIGNAL);
  }
  const std::vector<std::string> refused = WaitForClosed(more, 8);
  ASSERT_EQ(refused.size(), 8u);
  for (const std::string& answer : refused) {
    EXPECT_THAT(answer, HasSubstr("503 Service Unavailable"));
    EXPECT_THAT(answer, HasSubstr("http.max_queued_requests"));
  }
  release.Notify();
  const std::vector<std::string> all = WaitForClosed(more, 10);
  EXPECT_EQ(std::count_if(all.begin(), all.end(),
                          [](const std::string& a) { return absl::StrContains(a, " 200 OK"); }),
            2);
  std::optional<std::string> answer = ReadUntilClosed(first);
  ASSERT_TRUE(answer.has_value());
  EXPECT_THAT(*answer, HasSubstr("limiar_up 1"));
  for (int fd : more) ::close(fd);
  ::close(first);
}

// Past max_pending connections still sending headers, the oldest are closed, so idle
// connections cannot hold every slot and a probe still gets in.
TEST(HttpEndpointsTest, IdleConnectionsBeyondTheCapAreClosedOldestFirst) {
  HttpLimits limits;
  limits.max_pending = 4;
  limits.header_timeout = kWait;
  HttpEndpoints http([] { return std::string(); }, [] { return true; }, limits);
  absl::StatusOr<int> port = http.Start("127.0.0.1", 0);
  ASSERT_TRUE(port.ok()) << port.status();
  std::vector<int> idle;
  for (int i = 0; i < 10; ++i) idle.push_back(Connect(*port));
  EXPECT_EQ(WaitForClosed(idle, 6).size(), 6u);
  httplib::Result res = Get(*port, "/healthz");
  ASSERT_TRUE(res) << "no answer: " << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  for (int fd : idle) ::close(fd);
}

TEST(HttpEndpointsTest, ARequestBodyIsRefusedUnread) {
  HttpEndpoints http([] { return std::string(); }, [] { return true; });
  absl::StatusOr<int> port = http.Start("127.0.0.1", 0);
  ASSERT_TRUE(port.ok()) << port.status();
  httplib::Client client("127.0.0.1", *port);
  client.set_read_timeout(absl::ToChronoSeconds(kWait));
  httplib::Result res = client.Post("/metrics", std::string(1000, 'x'), "text/plain");
  ASSERT_TRUE(res) << "no answer: " << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 413);
}

}  // namespace
}  // namespace limiar::serve
