// The gRPC server's resources are bounded: its threads (each open stream holds one), the
// number of `watch` streams, and how long a connection may live. Without the bounds, 1,000
// watch streams made 1,021 threads.
#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "limiar/v1/admin.grpc.pb.h"
#include "tests/serve/serve_harness.h"

namespace limiar::serve_test {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using json = nlohmann::json;

// The default of grpc.max_threads and grpc.max_watch_streams (serve_config.h).
constexpr int kDefaultMaxThreads = 64;
constexpr int kDefaultMaxWatchStreams = 16;

// Threads of process `pid`, from /proc: all of them, or those whose name starts with
// `prefix`. gRPC names the threads of its synchronous server, which the quota caps,
// "grpcpp_sync_server" (cut to 15 characters by the kernel).
int ThreadsOf(pid_t pid, const std::string& prefix = "") {
  int n = 0;
  const std::string tasks = absl::StrCat("/proc/", pid, "/task");
  for (const auto& task : std::filesystem::directory_iterator(tasks)) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    if (std::getline(comm, name) && absl::StartsWith(name, prefix)) ++n;
  }
  return n;
}
constexpr char kServerThread[] = "grpcpp_sync_ser";
// Every other thread of `serve`: main, runner, the HTTP server's, gRPC's own event engine,
// executor, timer and resolver threads. A generous allowance, not a measurement.
constexpr int kOtherThreads = 40;

// `count` concurrent WatchDecisions streams over `channels` connections, driven by one
// completion queue. Each stream ends up admitted (it delivered a decision) or refused (it
// ended with a status before any).
class WatchFlood {
 public:
  WatchFlood(const std::string& address, int count, int channels) : calls_(count) {
    std::vector<std::unique_ptr<limiar::v1::Admin::Stub>> stubs;
    for (int c = 0; c < channels; ++c) {
      stubs.push_back(limiar::v1::Admin::NewStub(OwnConnection(address)));
    }
    for (int i = 0; i < count; ++i) {
      Call& call = calls_[i];
      call.reader = stubs[i % channels]->PrepareAsyncWatchDecisions(&call.ctx, {}, &cq_);
      call.reader->StartCall(&call);
    }
    const auto deadline = std::chrono::system_clock::now() + absl::ToChronoSeconds(kWait);
    while (admitted_ + refused_.size() < calls_.size()) {
      void* tag = nullptr;
      bool ok = false;
      if (cq_.AsyncNext(&tag, &ok, deadline) != grpc::CompletionQueue::GOT_EVENT) break;
      Step(*static_cast<Call*>(tag), ok);
    }
  }

  ~WatchFlood() {
    // Ends every admitted stream and drains the queue, so that nothing is left pending.
    size_t open = 0;
    for (Call& call : calls_) {
      if (call.state == State::kAdmitted || call.state == State::kStarting ||
          call.state == State::kReading) {
        call.cancelled = true;
        call.ctx.TryCancel();
      }
      if (call.state == State::kAdmitted) {
        call.state = State::kFinishing;
        call.reader->Finish(&call.status, &call);
      }
      if (call.state != State::kDone) ++open;
    }
    void* tag = nullptr;
    bool ok = false;
    while (open > 0 && cq_.Next(&tag, &ok)) {
      Call& call = *static_cast<Call*>(tag);
      Step(call, ok);
      if (call.state == State::kDone) --open;
    }
    cq_.Shutdown();
    while (cq_.Next(&tag, &ok)) {
    }
  }

  size_t admitted() const { return admitted_; }
  const std::vector<grpc::Status>& refused() const { return refused_; }
  size_t pending() const { return calls_.size() - admitted_ - refused_.size(); }

 private:
  enum class State { kStarting, kReading, kAdmitted, kFinishing, kDone };
  struct Call {
    grpc::ClientContext ctx;
    limiar::v1::Decision decision;
    std::unique_ptr<grpc::ClientAsyncReader<limiar::v1::Decision>> reader;
    grpc::Status status;
    State state = State::kStarting;
    bool cancelled = false;  // by us, at the end
  };

  void Step(Call& call, bool ok) {
    switch (call.state) {
      case State::kStarting:
        call.state = State::kReading;
        call.reader->Read(&call.decision, &call);
        break;
      case State::kReading:
        if (ok) {
          call.state = State::kAdmitted;
          ++admitted_;
        } else {
          call.state = State::kFinishing;
          call.reader->Finish(&call.status, &call);
        }
        break;
      case State::kFinishing:
        call.state = State::kDone;
        if (!call.cancelled) refused_.push_back(call.status);
        break;
      case State::kAdmitted:
      case State::kDone:
        break;
    }
  }

  grpc::CompletionQueue cq_;
  std::vector<Call> calls_;
  size_t admitted_ = 0;
  std::vector<grpc::Status> refused_;
};

// One WatchDecisions stream read until the server ends it (or kWait passes): how many
// decisions it delivered and the status it ended with.
struct WatchEnd {
  int decisions = 0;
  grpc::Status status;
};
WatchEnd WatchUntilTheServerEnds(const std::string& address) {
  auto stub =
      limiar::v1::Admin::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + absl::ToChronoSeconds(kWait));
  auto reader = stub->WatchDecisions(&ctx, {});
  WatchEnd end;
  limiar::v1::Decision d;
  while (reader->Read(&d)) ++end.decisions;
  end.status = reader->Finish();
  return end;
}

// Short ticks, so that an admitted watch stream gets its first decision at once.
json FastTicks() { return {{"tick_interval_s", 0.1}}; }

TEST(GrpcLimitsTest, WatchStreamsBeyondTheCapAreRefusedAndThreadsStayBounded) {
  testing::TestDir dir;
  auto serve = StartServe(dir, TestData("no_warnings.json"), FastTicks());
  ASSERT_NE(serve, nullptr);
  const int idle = ThreadsOf(serve->pid());

  WatchFlood flood(serve->grpc_address(), /*count=*/300, /*channels=*/4);
  ASSERT_EQ(flood.pending(), 0u) << "streams neither admitted nor refused\n" << serve->Log();
  const int busy = ThreadsOf(serve->pid());
  const int serving = ThreadsOf(serve->pid(), kServerThread);
  std::cout << "threads: " << idle << " idle, " << busy << " with 300 watch streams (" << serving
            << " serving calls)\n";
  EXPECT_LE(serving, kDefaultMaxThreads);
  EXPECT_LE(busy, kDefaultMaxThreads + kOtherThreads);
  EXPECT_EQ(flood.admitted(), static_cast<size_t>(kDefaultMaxWatchStreams));
  ASSERT_FALSE(flood.refused().empty());
  // A call that finds every thread busy (300 arrive at once) is refused by gRPC itself
  // ("Server Threadpool Exhausted") before the watch cap sees it; both are refusals.
  for (const grpc::Status& s : flood.refused()) {
    EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  }
  // With the flood settled, the cap's own refusal says which limit to raise.
  const WatchEnd refused = WatchUntilTheServerEnds(serve->grpc_address());
  EXPECT_EQ(refused.decisions, 0);
  EXPECT_EQ(refused.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(refused.status.error_message(),
              AllOf(HasSubstr(absl::StrCat(kDefaultMaxWatchStreams, " watch streams")),
                    HasSubstr("grpc.max_watch_streams")));
}

// With a watch cap above the thread cap, the thread cap holds: calls beyond it are refused
// RESOURCE_EXHAUSTED by gRPC itself instead of each taking a new thread.
TEST(GrpcLimitsTest, TheThreadCapHoldsWhateverTheStreams) {
  testing::TestDir dir;
  json config = FastTicks();
  config["grpc"] = {{"max_threads", 16}, {"max_watch_streams", 1000}};
  auto serve = StartServe(dir, TestData("no_warnings.json"), config);
  ASSERT_NE(serve, nullptr);

  {
    WatchFlood flood(serve->grpc_address(), /*count=*/100, /*channels=*/4);
    ASSERT_EQ(flood.pending(), 0u) << serve->Log();
    EXPECT_LE(ThreadsOf(serve->pid(), kServerThread), 16);
    EXPECT_LE(ThreadsOf(serve->pid()), 16 + kOtherThreads);
    EXPECT_GT(flood.admitted(), 0u);
    EXPECT_LT(flood.admitted(), 16u);
    ASSERT_FALSE(flood.refused().empty());
    for (const grpc::Status& s : flood.refused()) {
      EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
    }
    // While the streams hold every thread, other calls are refused too, not queued.
    const RunResult status = RunLimiar({"status", "--server", serve->grpc_address()});
    EXPECT_EQ(status.exit_code, 1) << status.output;
    EXPECT_THAT(status.output, HasSubstr("Threadpool Exhausted"));
  }
  // Once they are gone (the server notices a cancelled watch within 200 ms), it answers.
  RunResult status;
  EXPECT_TRUE(PollUntil([&] {
    status = RunLimiar({"status", "--server", serve->grpc_address()});
    return status.exit_code == 0;
  })) << status.output;
}

// A connection older than max_connection_age is asked to go away and, after the grace,
// closed, open streams included; `limiar watch` reconnects and goes on.
TEST(GrpcLimitsTest, ConnectionsAreRecycledAfterTheirMaximumAgeAndWatchFollows) {
  testing::TestDir dir;
  json config = FastTicks();
  config["grpc"] = {{"max_connection_age_s", 0.5}, {"max_connection_age_grace_s", 0.5}};
  auto serve = StartServe(dir, TestData("no_warnings.json"), config);
  ASSERT_NE(serve, nullptr);

  // One raw stream: it ends by the server's hand, not ours.
  const WatchEnd ended = WatchUntilTheServerEnds(serve->grpc_address());
  EXPECT_GT(ended.decisions, 0);
  EXPECT_EQ(ended.status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << ended.status.error_message();

  // 30 decisions at 10 a second span several connection lifetimes of about a second.
  const RunResult watch = RunLimiar({"watch", "--count", "30", "--server", serve->grpc_address()});
  EXPECT_EQ(watch.exit_code, 0) << watch.output;
  EXPECT_EQ(std::count(watch.output.begin(), watch.output.end(), '\n'), 30) << watch.output;
}

TEST(GrpcLimitsTest, LimitsAreCheckedAtStart) {
  testing::TestDir dir;
  const std::string config = WriteConfig(dir, "bad.json",
                                         {{"grpc", {{"max_threads", 1}, {"max_watch_strems", 2}}},
                                          {"http", {{"workers", 0}, {"header_timeout_s", "5"}}}});
  ServeProcess serve({"--blueprint", TestData("no_warnings.json"), "--grpc-listen", "127.0.0.1:0",
                      "--http-listen", "127.0.0.1:0", "--config", config});
  ASSERT_TRUE(serve.WaitExit().has_value());
  EXPECT_THAT(serve.Log(), AllOf(HasSubstr("grpc.max_threads: must be between"),
                                 HasSubstr("grpc.max_watch_strems: unknown key"),
                                 HasSubstr("http.workers: must be between"),
                                 HasSubstr("http.header_timeout_s: must be a number")));
}

}  // namespace
}  // namespace limiar::serve_test
