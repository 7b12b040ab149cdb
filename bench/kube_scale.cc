// `limiar serve` as a Kubernetes controller at scale: N Deployments of P pods each in the
// fake API server (tests/fakes, HTTPS on 127.0.0.1, in this process), every target's
// replicas and cpu from a `kubernetes` source (pod_metrics_cpu: one pod watch per namespace
// that its targets share, and a PodMetrics list per target every interval), decided every second.
// Reports how long until every target has its pods and metrics, then over a steady window: the
// tick's duration (from serve's own limiar_tick_duration_seconds), serve's resident memory, threads
// and CPU, and a check that the decisions saw the pods (every target at the utilization the pods'
// usage gives). With --churn, pods are deleted and replaced during the window, so the watches carry
// changes and the store forgets pods that left.
//
//   build/release/bench/kube_scale --targets 1000 --pods 20 --seconds 30 --churn 10
//   build/release/bench/kube_scale --targets 1000 --pods 20 --actuator kubernetes --namespaces 1
#include <httplib.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/serve_child.h"
#include "tests/fakes/fake_kube_api.h"
#include "tests/fakes/kube_test_objects.h"
#include "tests/support/scoped_temp_dir.h"

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Options {
  int targets = 1000;
  int pods = 20;
  int seconds = 30;
  int churn = 0;  // pods replaced per second during the window
  // Targets spread round-robin over this many namespaces (the kubernetes actuator scales
  // in one namespace: 1 with it).
  int namespaces = 50;
  std::string actuator = "log";
  std::string limiar = LIMIAR_BINARY;
};

// Each pod requests 500m and uses 300m: 60 % against a 50 % target.
constexpr char kRequest[] = "500m";
constexpr char kUsage[] = "300m";
constexpr int kUtilization = 60;
constexpr int kThreshold = 50;

std::string Name(int target) { return "web-" + std::to_string(target); }

// Set once from --namespaces before anything is built.
int namespace_count = 1;
std::string Namespace(int target) {
  return namespace_count == 1 ? "shop" : "team-" + std::to_string(target % namespace_count);
}

// The tests' objects (tests/fakes/kube_test_objects.h), moved into the target's namespace
// and labelled app=NAME,tier=front, as the target's Deployment selects.
json OfTarget(json object, int target) {
  object["metadata"]["namespace"] = Namespace(target);
  object["metadata"]["labels"] = {{"app", Name(target)}, {"tier", "front"}};
  return object;
}

json Deployment(int target, int replicas) {
  json d = limiar::testing::TestDeployment(Name(target), replicas, replicas);
  d["metadata"]["namespace"] = Namespace(target);
  return d;
}

// A ready pod requesting kRequest, started and Ready long before the run.
json Pod(int target, const std::string& name) {
  return OfTarget(limiar::testing::TestWebPod(name, /*ready=*/true, kRequest), target);
}

// The time now as the API server writes it (RFC 3339, UTC).
std::string Rfc3339Now() {
  const std::time_t now = std::time(nullptr);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return text;
}

// metrics-server's answer for the pod now: its timestamp is the scrape's, so that the
// store (which drops samples older than its max age) keeps it.
json PodMetrics(int target, const std::string& name) {
  json m = OfTarget(limiar::testing::TestPodMetrics(name, kUsage), target);
  m["timestamp"] = Rfc3339Now();
  return m;
}

// The pods of every target, their metrics kept fresh as metrics-server keeps them (every
// 30 s on a thread of its own; the store keeps a sample 2 minutes), and pods replaced on request.
class Pods {
 public:
  Pods(limiar::testing::FakeKubeApi* api, int targets, int pods) : api_(api), names_(targets) {
    for (int t = 0; t < targets; ++t) {
      for (int p = 0; p < pods; ++p) Add(t, Name(t) + "-" + std::to_string(p));
    }
    refresher_ = std::thread([this] { Refresh(); });
  }
  ~Pods() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    stopped_.notify_all();
    refresher_.join();
  }

  // Deletes the oldest pod of `target` and adds a new one.
  void Replace(int target) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string>& names = names_[target];
    api_->Remove("/api/v1/namespaces/" + Namespace(target) + "/pods/" + names.front());
    const std::string name = Name(target) + "-r" + std::to_string(next_++);
    names.erase(names.begin());
    Add(target, name);
  }

 private:
  void Add(int target, const std::string& name) {
    api_->Put(Pod(target, name));
    api_->Put(PodMetrics(target, name));
    names_[target].push_back(name);
  }
  void Refresh() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopped_.wait_for(lock, std::chrono::seconds(30), [this] { return stop_; })) {
      for (size_t t = 0; t < names_.size(); ++t) {
        for (const std::string& name : names_[t]) {
          api_->Put(PodMetrics(static_cast<int>(t), name));
        }
      }
    }
  }

  limiar::testing::FakeKubeApi* const api_;
  std::mutex mu_;
  std::condition_variable stopped_;
  bool stop_ = false;
  std::vector<std::vector<std::string>> names_;
  int next_ = 0;
  std::thread refresher_;
};

std::string ServeConfig(const Options& o, const limiar::testing::FakeKubeApi& api,
                        const std::string& dir) {
  json sources = json::object();
  for (int t = 0; t < o.targets; ++t) {
    sources[Name(t)] = {{"kubernetes",
                         {{"kind", "Deployment"},
                          {"name", Name(t)},
                          {"namespace", Namespace(t)},
                          {"metric", "pod_metrics_cpu"},
                          {"interval_s", 15}}}};
  }
  json actuator = {{"kind", o.actuator}};
  if (o.actuator == "kubernetes") {
    std::ofstream(dir + "/token") << api.token();
    actuator["kubernetes"] = {{"api_server", api.base_url()},
                              {"namespace", "shop"},
                              {"token_file", dir + "/token"},
                              {"ca_file", api.ca_file()}};
  }
  return json{{"tick_interval_s", 1},
              {"kubernetes", {{"kubeconfig", dir + "/kubeconfig"}}},
              {"actuator", actuator},
              {"sources", sources}}
      .dump();
}

// PodMetrics lists the server has answered so far.
size_t PodMetricsLists(const limiar::testing::FakeKubeApi& api) {
  size_t n = 0;
  for (const limiar::testing::KubeApiRequest& r : api.Requests()) {
    n += r.path.rfind("/apis/metrics.k8s.io/v1beta1/namespaces/", 0) == 0;
  }
  return n;
}

// What the window needs from serve's /metrics.
struct Exposition {
  double tick_sum = 0;
  double tick_count = 0;
  std::map<std::string, double> tick_buckets;  // le -> cumulative count
  int at_utilization = 0;                      // targets whose cpu reads kUtilization
};

bool Scrape(int http_port, Exposition* out) {
  httplib::Client client("127.0.0.1", http_port);
  client.set_read_timeout(30, 0);
  const httplib::Result r = client.Get("/metrics");
  if (!r || r->status != 200) return false;
  std::istringstream lines(r->body);
  std::string line;
  while (std::getline(lines, line)) {
    const size_t space = line.rfind(' ');
    if (space == std::string::npos || line[0] == '#') continue;
    const std::string key = line.substr(0, space);
    const double value = std::stod(line.substr(space + 1));
    if (key == "limiar_tick_duration_seconds_sum") out->tick_sum = value;
    if (key == "limiar_tick_duration_seconds_count") out->tick_count = value;
    if (key.rfind("limiar_tick_duration_seconds_bucket{le=\"", 0) == 0) {
      out->tick_buckets[key.substr(40, key.size() - 42)] = value;
    }
    if (key.rfind("limiar_utilization_percent{", 0) == 0 && std::abs(value - kUtilization) < 0.5) {
      ++out->at_utilization;
    }
  }
  return true;
}

// A field of /proc/PID/status in MB (VmRSS, VmHWM) or as a count (Threads).
double ProcStatus(pid_t pid, const std::string& key) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key, 0) == 0) {
      const double v = std::stod(line.substr(key.size()));
      return key == "Threads:" ? v : v / 1024;
    }
  }
  return -1;
}

// utime + stime of `pid`, in seconds.
double CpuSeconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string f;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(f);
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Waits up to `bound` for `done`, checking every half second (the checks copy the fake's
// request log, which holds it up).
template <typename F>
bool WaitFor(F done, std::chrono::seconds bound) {
  const Clock::time_point end = Clock::now() + bound;
  while (!done()) {
    if (Clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  return true;
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!limiar::bench::Flags()
           .Add("--targets", &o.targets)
           .Add("--pods", &o.pods)
           .Add("--seconds", &o.seconds)
           .Add("--churn", &o.churn)
           .Add("--actuator", &o.actuator)
           .Add("--namespaces", &o.namespaces)
           .Add("--limiar", &o.limiar)
           .Parse(argc, argv) ||
      o.targets < 1 || o.pods < 1 || o.seconds < 1 || o.namespaces < 1 ||
      (o.actuator != "log" && o.actuator != "kubernetes") ||
      (o.actuator == "kubernetes" && o.namespaces != 1)) {
    std::cerr << "usage: kube_scale [--targets N] [--pods P] [--seconds S] [--churn PODS_PER_S]"
                 " [--namespaces N (50; 1 with --actuator kubernetes)] [--actuator log|kubernetes]"
                 " [--limiar PATH]\n";
    return 2;
  }
  namespace_count = o.namespaces;
  const limiar::testing::ScopedTempDir scratch(
      limiar::testing::ScopedTempDir::InTemp("kube_scale"));
  if (scratch.path().empty()) {
    std::perror("mkdtemp");
    return 1;
  }
  const std::string dir = scratch.path().string();

  limiar::testing::FakeKubeApiOptions api_options;
  api_options.threads = o.targets + 64;  // one per open watch, and the rest for requests
  api_options.max_requests_kept = static_cast<size_t>(o.targets) * 20;
  // The fake API server shares the machine with serve: its threads run at nice 10 (they
  // inherit it from the thread that starts the server), so that serve's tick is measured
  // with serve first in line for a core, as beside a real API server on other machines.
  std::unique_ptr<limiar::testing::FakeKubeApi> served;
  std::thread([&] {
    if (setpriority(PRIO_PROCESS, 0, 10) != 0) std::perror("setpriority (fake API server)");
    served = std::make_unique<limiar::testing::FakeKubeApi>(dir, api_options);
  }).join();
  limiar::testing::FakeKubeApi& api = *served;
  for (int t = 0; t < o.targets; ++t) api.Put(Deployment(t, o.pods));
  Pods pods(&api, o.targets, o.pods);
  api.WriteKubeconfig(dir + "/kubeconfig", "shop");
  const std::string blueprint = dir + "/blueprint.json";
  std::vector<std::string> names;
  for (int t = 0; t < o.targets; ++t) names.push_back(Name(t));
  std::ofstream(blueprint) << limiar::bench::Blueprint(
      "kube-scale", names, [&](const std::string& name) {
        return limiar::bench::AutoscaledTarget(name, 4 * o.pods, "cpu", kThreshold, 1);
      });
  std::ofstream(dir + "/serve.json") << ServeConfig(o, api, dir);

  const Clock::time_point started = Clock::now();
  limiar::bench::ServeChild serve;
  if (!serve.Start(o.limiar, blueprint, {"--config", dir + "/serve.json"})) return 1;
  const Clock::time_point serving = Clock::now();
  std::cerr << "serve pid " << serve.pid() << " started; waiting for its watches\n";
  // One pod watch per namespace (every target there shares it), and the actuator's watch
  // on the Deployments.
  const int watches = std::min(o.namespaces, o.targets) + (o.actuator == "kubernetes" ? 1 : 0);
  if (!api.WaitForOpenWatches(watches, absl::Seconds(300))) {
    std::cerr << "only " << api.OpenWatchCount() << " of " << watches << " watches opened\n";
    return 1;
  }
  const Clock::time_point watching = Clock::now();
  if (!WaitFor([&] { return PodMetricsLists(api) >= static_cast<size_t>(o.targets); },
               std::chrono::seconds(300))) {
    std::cerr << "only " << PodMetricsLists(api) << " of " << o.targets
              << " PodMetrics lists in 300 s\n";
    return 1;
  }
  const Clock::time_point measured = Clock::now();
  // A tick or two so every target has been decided on its pods.
  Exposition before;
  if (!WaitFor(
          [&] {
            before = {};
            return Scrape(serve.http_port(), &before) && before.at_utilization >= o.targets;
          },
          std::chrono::seconds(60))) {
    std::cerr << before.at_utilization << " of " << o.targets << " targets at " << kUtilization
              << " % cpu after 60 s; serve's log:\n"
              << serve.Output().substr(0, 4000) << "\n";
    return 1;
  }
  const Clock::time_point decided = Clock::now();
  std::cerr << "every target decided; measuring for " << o.seconds << " s\n";

  const double cpu_before = CpuSeconds(serve.pid());
  const Clock::time_point window_start = Clock::now();
  int replaced = 0;
  for (int s = 0; s < o.seconds; ++s) {
    const Clock::time_point next = window_start + std::chrono::seconds(s + 1);
    for (int c = 0; c < o.churn; ++c) pods.Replace(replaced++ % o.targets);
    std::this_thread::sleep_until(next);
  }
  const double window = Seconds(Clock::now() - window_start);
  const double cpu = CpuSeconds(serve.pid()) - cpu_before;
  Exposition after;
  if (!Scrape(serve.http_port(), &after)) {
    std::cerr << "cannot read serve's /metrics\n";
    return 1;
  }
  const double ticks = after.tick_count - before.tick_count;
  std::cout << "targets " << o.targets << " x pods " << o.pods << " in " << o.namespaces
            << " namespaces, actuator " << o.actuator << ", churn " << o.churn << " pods/s\n"
            << "  serving after        " << Seconds(serving - started) << " s\n"
            << "  all watches open     " << Seconds(watching - started) << " s\n"
            << "  first PodMetrics     " << Seconds(measured - started) << " s (all targets)\n"
            << "  all decided at 60 %  " << Seconds(decided - started) << " s\n"
            << "  window               " << window << " s, " << ticks << " ticks\n"
            << "  tick mean            " << 1000 * (after.tick_sum - before.tick_sum) / ticks
            << " ms\n"
            << "  tick buckets (le: count in window)";
  for (const auto& [le, count] : after.tick_buckets) {
    std::cout << " " << le << ":" << count - before.tick_buckets[le];
  }
  std::cout << "\n  serve RSS            " << ProcStatus(serve.pid(), "VmRSS:") << " MB (peak "
            << ProcStatus(serve.pid(), "VmHWM:") << " MB)\n"
            << "  serve threads        " << ProcStatus(serve.pid(), "Threads:") << "\n"
            << "  serve CPU            " << 100 * cpu / window << " % of one core\n"
            << "  targets at 60 %      " << after.at_utilization << " of " << o.targets << "\n";
  return after.at_utilization == o.targets ? 0 : 1;
}
