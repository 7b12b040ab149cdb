// Reaction time of `limiar serve` (architecture.md target: a sample crossing the panic
// threshold -> decision emitted in < 100 ms; HPA waits up to 15 s, KEDA 30 s, Knative 2 s).
//
// Starts `limiar serve` on 127.0.0.1 with a webhook actuator pointed at an HTTP server in
// this process, and a 15 s tick, so that only the fast path can answer within the run.
// Each round pushes a calm sample and then a spike (over gRPC) to one target and measures
// the time from just before the spike is written to the webhook POST arriving: ingest,
// the fast-path wake-up, the actuator's observe GET, the decision and the POST. The
// platform always reports 2 replicas, so every spike asks for a scale-up. Rounds rotate
// over several targets, each revisited no sooner than the runner's 500 ms per-target
// fast-path gap.
//
//   spike_latency [--rounds 50] [--targets 10] [--limiar PATH]
#include <grpcpp/grpcpp.h>
#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "bench/serve_child.h"
#include "limiar/v1/samples.grpc.pb.h"
#include "tests/support/scoped_temp_dir.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  int rounds = 50;
  int targets = 10;
  std::string limiar = LIMIAR_BINARY;
};

bool ParseOptions(int argc, char** argv, Options* o) {
  limiar::bench::Flags flags;
  flags.Add("--rounds", &o->rounds).Add("--targets", &o->targets).Add("--limiar", &o->limiar);
  if (!flags.Parse(argc, argv)) return false;
  return o->rounds > 0 && o->targets > 0;
}

std::string TargetName(int t) { return "spike-" + std::to_string(t); }

std::string Blueprint(int targets) {
  std::vector<std::string> names;
  for (int t = 0; t < targets; ++t) names.push_back(TargetName(t));
  return limiar::bench::RequestsBlueprint("spike latency", names, 20);
}

// The platform: records when each target's POST arrives; always runs 2 replicas.
class Platform {
 public:
  Platform() {
    server_.Post("/scale", [this](const httplib::Request& req, httplib::Response& res) {
      const auto now = Clock::now();
      static const std::regex kTarget(R"re("target":"([^"]+)")re");
      std::smatch m;
      if (std::regex_search(req.body, m, kTarget)) {
        std::lock_guard<std::mutex> lock(mu_);
        arrivals_[m[1].str()].push_back(now);
        changed_.notify_all();
      }
      res.status = 200;
    });
    server_.Get(R"(/observe/.*)", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"spec_replicas": 2, "ready_replicas": 2})", "application/json");
    });
    // As production HTTP servers do (Go's net/http, nginx): without it, Nagle on the
    // response's second write meets the client's delayed ACK and adds up to 40 ms.
    server_.set_tcp_nodelay(true);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Platform() {
    // stop() is a no-op until the accept loop runs.
    while (!server_.is_running()) std::this_thread::yield();
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }

  // The first POST for `target` after `after`, waiting up to `timeout`.
  std::optional<Clock::time_point> WaitForPost(const std::string& target, Clock::time_point after,
                                               std::chrono::seconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    std::optional<Clock::time_point> found;
    changed_.wait_for(lock, timeout, [&] {
      for (Clock::time_point t : arrivals_[target]) {
        if (t > after) {
          found = t;
          return true;
        }
      }
      return false;
    });
    return found;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, std::vector<Clock::time_point>> arrivals_;
};

// `limiar serve` as a child, its webhook actuator pointed at the platform.
class Server {
 public:
  bool Start(const Options& o, const std::string& dir, int platform_port) {
    const std::string blueprint = dir + "/blueprint.json";
    std::ofstream(blueprint) << Blueprint(o.targets);
    const std::string base = "http://127.0.0.1:" + std::to_string(platform_port);
    const std::string config = dir + "/serve.json";
    std::ofstream(config) << R"({"tick_interval_s": 15, "actuator": {"kind": "webhook", )"
                          << R"("webhook": {"url": ")" << base << R"(/scale", "observe_url": ")"
                          << base << R"(/observe/{target}"}}})";
    return child_.Start(o.limiar, blueprint, {"--config", config});
  }

  const std::string& address() const { return child_.address(); }

 private:
  limiar::bench::ServeChild child_;
};

bool PushOne(limiar::v1::Ingest::Stub& stub, const std::string& target, double per_replica) {
  limiar::v1::SampleBatch batch;
  for (int r = 0; r < 2; ++r) {
    limiar::v1::Sample* s = batch.add_samples();
    s->set_resource(target);
    s->set_metric(limiar::v1::METRIC_REQUESTS);
    s->mutable_replica()->set_id(target + "-" + std::to_string(r));
    s->set_value(per_replica);
  }
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  limiar::v1::PushResponse reply;
  auto writer = stub.Push(&ctx, &reply);
  writer->Write(batch);
  writer->WritesDone();
  return writer->Finish().ok() && reply.accepted() == 2;
}

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!ParseOptions(argc, argv, &o)) {
    std::cerr << "usage: spike_latency [--rounds N] [--targets T] [--limiar PATH]\n";
    return 2;
  }
  const limiar::testing::ScopedTempDir scratch(
      limiar::testing::ScopedTempDir::InTemp("spike_latency"));
  if (scratch.path().empty()) {
    std::perror("mkdtemp");  // the folder for the blueprint and config
    return 1;
  }
  const std::string dir = scratch.path().string();
  std::vector<double> latencies;
  int missed = 0;
  {
    Platform platform;
    Server server;
    if (!server.Start(o, dir, platform.port())) return 1;
    // One channel, connected before the first round, as a sidecar pushing every second
    // would have it: connection set-up is not part of the reaction.
    auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
    if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
      std::cerr << "cannot connect to " << server.address() << "\n";
      return 1;
    }
    auto stub = limiar::v1::Ingest::NewStub(channel);
    // Fast-path trigger: 2x the 65/s per replica target. Calm is below, the spike well
    // above (and asks for more than the 2 replicas the platform reports).
    constexpr double kCalm = 50, kSpike = 300;
    // Each target comes back after `targets` rounds; pace rounds so that this is past the
    // runner's 500 ms per-target gap between fast-path evaluations.
    const auto round_gap = std::chrono::milliseconds(600 / o.targets + 1);
    for (int round = 0; round < o.rounds; ++round) {
      const auto round_start = Clock::now();
      const std::string target = TargetName(round % o.targets);
      if (!PushOne(*stub, target, kCalm)) {
        std::cerr << "calm push failed\n";
        return 1;
      }
      const auto pushed = Clock::now();
      if (!PushOne(*stub, target, kSpike)) {
        std::cerr << "spike push failed\n";
        return 1;
      }
      std::optional<Clock::time_point> post =
          platform.WaitForPost(target, pushed, std::chrono::seconds(20));
      if (post.has_value()) {
        latencies.push_back(Ms(*post - pushed));
      } else {
        ++missed;
      }
      std::this_thread::sleep_until(round_start + round_gap);
    }
  }
  if (latencies.empty()) {
    std::printf("spike_latency: no decision reached the webhook\n");
    return 1;
  }
  std::sort(latencies.begin(), latencies.end());
  auto at = [&](double q) {
    const size_t i = static_cast<size_t>(q * static_cast<double>(latencies.size() - 1) + 0.5);
    return latencies[std::min(i, latencies.size() - 1)];
  };
  std::printf("spike_latency: %zu spikes over %d targets, tick 15 s (only the fast path answers)\n",
              latencies.size(), o.targets);
  std::printf(
      "  spike pushed -> webhook POST: min %.2f ms, median %.2f ms, p99 %.2f ms, "
      "max %.2f ms (target < 100 ms)\n",
      latencies.front(), at(0.5), at(0.99), latencies.back());
  if (missed > 0) std::printf("  %d spikes got no POST within 20 s\n", missed);
  return missed == 0 ? 0 : 1;
}
