#include "src/serve/http_gate.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace limiar::serve {
namespace {

using SteadyClock = std::chrono::steady_clock;

// A last answer to a connection that will not be served, sent without blocking (a full
// socket buffer just loses it), then the connection is closed.
void Refuse(int fd, absl::string_view status, absl::string_view why) {
  const std::string body = absl::StrCat(why, "\n");
  const std::string text = absl::StrCat(
      "HTTP/1.1 ", status, "\r\nContent-Type: text/plain\r\nContent-Length: ", body.size(),
      "\r\nConnection: close\r\n\r\n", body);
  (void)::send(fd, text.data(), text.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  ::close(fd);
}

bool HeadersComplete(const std::string& received, size_t searched_from) {
  const size_t from = searched_from < 3 ? 0 : searched_from - 3;
  return received.find("\r\n\r\n", from) != std::string::npos ||
         received.find("\n\n", from) != std::string::npos;
}

int MillisUntil(ConnectionGate::Deadline deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - SteadyClock::now());
  return static_cast<int>(std::max<int64_t>(0, left.count()));
}

}  // namespace

ConnectionGate::ConnectionGate(HttpLimits limits, Serve serve)
    : limits_(limits), serve_(std::move(serve)) {}

ConnectionGate::~ConnectionGate() { Stop(); }

absl::Status ConnectionGate::Start() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    return absl::InternalError(absl::StrCat("HTTP server: pipe: ", std::strerror(errno)));
  }
  wake_read_ = fds[0];
  wake_write_ = fds[1];
  poller_ = std::thread([this] { PollLoop(); });
  for (int i = 0; i < limits_.workers; ++i) workers_.emplace_back([this] { WorkerLoop(); });
  return absl::OkStatus();
}

void ConnectionGate::Admit(int fd) {
  MutexLock lock(&mu_);
  if (stopping_) {
    ::close(fd);
    return;
  }
  admitted_.push_back(fd);
  // Under the lock, so that Stop cannot close the pipe in between. A full pipe already
  // wakes the poller.
  (void)::write(wake_write_, "a", 1);
}

void ConnectionGate::Stop() {
  {
    MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  work_.SignalAll();
  if (wake_write_ >= 0) (void)::write(wake_write_, "s", 1);
  if (poller_.joinable()) poller_.join();
  for (std::thread& w : workers_) w.join();
  workers_.clear();
  MutexLock lock(&mu_);
  for (int fd : admitted_) ::close(fd);
  admitted_.clear();
  for (const Job& job : jobs_) ::close(job.fd);
  jobs_.clear();
  for (int* fd : {&wake_read_, &wake_write_}) {
    if (*fd >= 0) ::close(*fd);
    *fd = -1;
  }
}

ConnectionGate::ReadOutcome ConnectionGate::ReadMore(Pending& p) {
  char buf[4096];
  for (;;) {
    const size_t room = kMaxHeaderBytes - p.received.size();
    if (room == 0) return ReadOutcome::kTooLarge;
    const ssize_t n = ::recv(p.fd, buf, std::min(room, sizeof buf), MSG_DONTWAIT);
    if (n > 0) {
      const size_t before = p.received.size();
      p.received.append(buf, static_cast<size_t>(n));
      if (HeadersComplete(p.received, before)) return ReadOutcome::kComplete;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return ReadOutcome::kWaiting;
    return ReadOutcome::kClosed;
  }
}

void ConnectionGate::Enqueue(Pending p) {
  {
    MutexLock lock(&mu_);
    if (jobs_.size() < static_cast<size_t>(limits_.max_queued)) {
      // The answer gets as long again as the headers had.
      const Deadline deadline =
          SteadyClock::now() + absl::ToChronoNanoseconds(limits_.header_timeout);
      jobs_.push_back({p.fd, std::move(p.received), deadline});
      work_.Signal();
      return;
    }
  }
  Refuse(p.fd, "503 Service Unavailable",
         absl::StrCat("busy: ", limits_.max_queued,
                      " requests already wait (http.max_queued_requests)"));
}

void ConnectionGate::PollLoop() {
  std::vector<Pending> pending;
  std::vector<pollfd> polled;
  for (;;) {
    polled.assign(1, pollfd{wake_read_, POLLIN, 0});
    Deadline first = Deadline::max();
    for (const Pending& p : pending) {
      polled.push_back(pollfd{p.fd, POLLIN, 0});
      first = std::min(first, p.deadline);
    }
    (void)::poll(polled.data(), polled.size(), pending.empty() ? -1 : MillisUntil(first));
    if (polled[0].revents != 0) {
      char drain[256];
      while (::read(wake_read_, drain, sizeof drain) > 0) {
      }
    }
    std::vector<int> admitted;
    {
      MutexLock lock(&mu_);
      if (stopping_) break;
      admitted.swap(admitted_);
    }

    const Deadline now = SteadyClock::now();
    std::vector<Pending> still;
    still.reserve(pending.size() + admitted.size());
    for (size_t i = 0; i < pending.size(); ++i) {
      Pending& p = pending[i];
      const ReadOutcome outcome = polled[i + 1].revents != 0 ? ReadMore(p) : ReadOutcome::kWaiting;
      switch (outcome) {
        case ReadOutcome::kComplete:
          Enqueue(std::move(p));
          break;
        case ReadOutcome::kClosed:
          ::close(p.fd);
          break;
        case ReadOutcome::kTooLarge:
          Refuse(p.fd, "431 Request Header Fields Too Large",
                 absl::StrCat("request headers over ", kMaxHeaderBytes, " bytes"));
          break;
        case ReadOutcome::kWaiting:
          if (now >= p.deadline) {
            Refuse(p.fd, "408 Request Timeout",
                   absl::StrCat("request headers not complete within ",
                                absl::FormatDuration(limits_.header_timeout),
                                " (http.header_timeout_s)"));
          } else {
            still.push_back(std::move(p));
          }
          break;
      }
    }
    const Deadline deadline = now + absl::ToChronoNanoseconds(limits_.header_timeout);
    for (int fd : admitted) still.push_back({fd, deadline, {}});
    // Over the cap, the connections that have had longest to send their headers go.
    const size_t cap = static_cast<size_t>(limits_.max_pending);
    if (still.size() > cap) {
      const size_t excess = still.size() - cap;
      for (size_t i = 0; i < excess; ++i) ::close(still[i].fd);
      still.erase(still.begin(), still.begin() + static_cast<std::ptrdiff_t>(excess));
    }
    pending.swap(still);
  }
  for (const Pending& p : pending) ::close(p.fd);
}

void ConnectionGate::WorkerLoop() {
  for (;;) {
    Job job;
    {
      MutexLock lock(&mu_);
      while (!stopping_ && jobs_.empty()) work_.Wait(&mu_);
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    serve_(job.fd, std::move(job.received), job.deadline);
    ::close(job.fd);
  }
}

}  // namespace limiar::serve
