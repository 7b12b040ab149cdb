// ConnectionGate: the front of the HTTP server. A connection is served only once its whole
// request header block has arrived: until then one poll thread watches every connection,
// so a client that sends a header byte every two seconds costs a socket, never a worker.
// Complete requests wait in a bounded queue for a fixed pool of workers.
//
// Each connection must send its headers within `header_timeout` of being admitted (else
// 408 and closed) in at most kMaxHeaderBytes (else 431). At most `max_pending`
// connections may be sending headers at once: beyond, the oldest is closed, so a flood
// of idle connections cannot lock out a probe that sends its request at once. At most
// `max_queued` complete requests wait for a worker: beyond, 503 at once, rather than a
// queue that grows without bound.
//
// Thread safety: Admit may be called from any thread; Start and Stop from one.
#ifndef LIMIAR_SERVE_HTTP_GATE_H_
#define LIMIAR_SERVE_HTTP_GATE_H_

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "src/common/mutex.h"

namespace limiar::serve {

struct HttpLimits {
  absl::Duration header_timeout = absl::Seconds(5);  // and again to read the answer
  int workers = 4;
  int max_queued = 64;
  int max_pending = 256;
};

class ConnectionGate {
 public:
  using Deadline = std::chrono::steady_clock::time_point;
  // A header block larger than this is refused (431): far above any real client's.
  static constexpr size_t kMaxHeaderBytes = 16 << 10;

  // Runs on a worker thread with a connection whose request headers are all in `received`
  // (with whatever followed them). `deadline` bounds the rest of the exchange. The gate
  // closes `fd` afterwards.
  using Serve = std::function<void(int fd, std::string received, Deadline deadline)>;

  ConnectionGate(HttpLimits limits, Serve serve);
  ~ConnectionGate();  // Stops.
  ConnectionGate(const ConnectionGate&) = delete;
  ConnectionGate& operator=(const ConnectionGate&) = delete;

  absl::Status Start();
  // Takes ownership of an accepted connection. Never blocks.
  void Admit(int fd);
  // Closes every connection not being served, lets the workers finish the requests in
  // hand, and joins. Idempotent.
  void Stop();

 private:
  // A connection still sending its headers: owned by the poll thread alone.
  struct Pending {
    int fd;
    Deadline deadline;
    std::string received;
  };
  struct Job {
    int fd;
    std::string received;
    Deadline deadline;
  };
  enum class ReadOutcome { kWaiting, kComplete, kClosed, kTooLarge };

  void PollLoop();
  void WorkerLoop();
  static ReadOutcome ReadMore(Pending& p);
  void Enqueue(Pending p);

  const HttpLimits limits_;
  const Serve serve_;
  int wake_read_ = -1;  // a pipe: Admit and Stop wake the poll thread through it
  int wake_write_ = -1;

  Mutex mu_;
  CondVar work_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<int> admitted_ ABSL_GUARDED_BY(mu_);  // not yet seen by the poll thread
  std::deque<Job> jobs_ ABSL_GUARDED_BY(mu_);

  std::thread poller_;
  std::vector<std::thread> workers_;
};

}  // namespace limiar::serve

#endif  // LIMIAR_SERVE_HTTP_GATE_H_
