// End-to-end harness for `limiar serve`: the real binary as a child process, its log read
// line by line, clients that talk to it (gRPC push, the `limiar` client subcommands, HTTP
// GETs), and a fake platform behind the webhook actuator. Every wait is on a condition
// with a bound, never a fixed sleep.
#ifndef LIMIAR_TESTS_SERVE_SERVE_HARNESS_H_
#define LIMIAR_TESTS_SERVE_SERVE_HARNESS_H_

#include <grpcpp/channel.h>
#include <sys/types.h>

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "limiar/v1/samples.pb.h"
#include "tests/actuator/test_support.h"
#include "tests/support/child_process.h"

namespace limiar::serve_test {

// How long any single wait may take before the test fails. Generous: the machine has two
// cores and other builds may be running; a passing run waits far less.
inline constexpr absl::Duration kWait = absl::Seconds(20);

std::string SharedDir();
// The Tesserra blueprints beside the checkout; tests that need them skip without.
bool HaveSharedBlueprints();
std::string SharedBlueprint(const std::string& name);
// A file of tests/serve/testdata.
std::string TestData(const std::string& name);

struct RunResult {
  int exit_code = -1;  // -1: killed by a signal or could not start
  std::string output;  // stdout and stderr together
};
// Runs `limiar ARGS...` to completion. Arguments go to exec as they are: no shell.
RunResult RunLimiar(const std::vector<std::string>& args);
// Runs any program with `stdin_file` (may be empty) as its standard input.
RunResult RunProgram(const std::vector<std::string>& argv, const std::string& stdin_file = "");
// True when `program` is an executable on PATH.
bool OnPath(const std::string& program);

// `limiar serve ARGS...` as a child process, its output read into lines (see ChildProcess).
// The destructor kills (SIGKILL) and reaps the child if it still runs.
class ServeProcess : public testing::ChildProcess {
 public:
  explicit ServeProcess(const std::vector<std::string>& serve_args);
  ~ServeProcess() override { Stop(SIGKILL); }

  // Waits for the "serving: ... grpc on 127.0.0.1:P, http on 127.0.0.1:Q" line and reads
  // the two ports from it. False when the process exits (or the wait times out) first.
  bool WaitServing(absl::Duration timeout = kWait);
  int grpc_port() const { return grpc_port_; }
  int http_port() const { return http_port_; }
  std::string grpc_address() const;  // "127.0.0.1:PORT"

  // Everything printed so far, framed for failure messages.
  std::string Log() const;

 private:
  int grpc_port_ = 0;
  int http_port_ = 0;
};

// A channel to `address` with a connection of its own (no subchannel shared with other
// channels of the process), so that each flooder or stream holder is a separate client.
std::shared_ptr<grpc::Channel> OwnConnection(const std::string& address);

// Pushes one batch over gRPC (limiar.v1.Ingest/Push) with the generated stub: one sample
// per (replica id, value), no timestamp (the server's "now").
absl::StatusOr<limiar::v1::PushResponse> Push(
    const std::string& address, const std::string& resource, limiar::v1::Metric metric,
    const std::vector<std::pair<std::string, double>>& replicas);

struct HttpResult {
  int status = -1;  // -1: no answer
  std::string body;
};
HttpResult HttpGet(int port, const std::string& path);

// Retries `ready` with a short, growing pause until it is true or `timeout` passes: for
// state that has no log line to wait on (an HTTP endpoint catching up with a decision).
bool PollUntil(const std::function<bool()>& ready, absl::Duration timeout = kWait);

// A fake platform behind the webhook actuator, in the test process on 127.0.0.1: POST
// /scale records the documented JSON body and sets the target's count; GET
// /observe/{target} answers that count, all ready (`initial` before any POST). Like a real
// cluster it outlives any number of `limiar serve` restarts.
class FakePlatform {
 public:
  explicit FakePlatform(int initial_replicas);
  ~FakePlatform();

  std::string scale_url() const;
  std::string observe_url() const;  // with the {target} placeholder
  // The `actuator` section of a serve config that points here.
  nlohmann::json ActuatorConfig(bool with_observe) const;

  size_t post_count() const;
  std::vector<nlohmann::json> posts() const;
  // The first POST body with index >= `from` that satisfies `match` (all, if null).
  std::optional<nlohmann::json> WaitForPost(
      size_t from, const std::function<bool(const nlohmann::json&)>& match = nullptr,
      absl::Duration timeout = kWait);
  int replicas(const std::string& target) const;
  // The next `count` POSTs are recorded but answered `status` (and change no count).
  void FailNext(int count, int status);

 private:
  const int initial_;
  int fail_count_ = 0;
  int fail_status_ = 0;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::vector<nlohmann::json> posts_;
  std::map<std::string, int> replicas_;
  testing::LocalHttpServer server_;  // last: stops before what its handlers use goes away
};

// Writes `config` as a serve config file in `dir` and returns its path.
std::string WriteConfig(const testing::TestDir& dir, const std::string& name,
                        const nlohmann::json& config);

// `limiar serve --blueprint BLUEPRINT --grpc-listen 127.0.0.1:0 --http-listen 127.0.0.1:0`,
// plus `--config` with `config` written into `dir` (unless null) and `extra` flags; waits
// for the serving line. Null, with a test failure that shows the log, if it never serves.
std::unique_ptr<ServeProcess> StartServe(const testing::TestDir& dir, const std::string& blueprint,
                                         const nlohmann::json& config,
                                         const std::vector<std::string>& extra = {});

// A text-format decision line of `target` ("decision web: 2 -> 4 (2 ready) REASON: ...").
bool IsDecision(const std::string& line, const std::string& target);
// The same, for a decision that saw metrics (not the "no samples yet" hold of a start).
bool IsDecisionWithMetrics(const std::string& line, const std::string& target);

}  // namespace limiar::serve_test

#endif  // LIMIAR_TESTS_SERVE_SERVE_HARNESS_H_
