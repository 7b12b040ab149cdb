// `limiar serve` under overload (issue 8): push streams offering a multiple of the
// benchmarked ingest rate (2.32 M samples/s, bench/ingest_load), an unknown-series flood,
// and spikes to measure the fast path while it all runs. Reports the server's peak RSS,
// what clients were told (accepted, rejected samples, refused calls by gRPC code) and the
// spike -> decision latency under load.
//
//   overload [--seconds 10] [--streams 128] [--multiple 5] [--base-rate 2.32e6]
//            [--flood-streams 16] [--flood both|resources|replicas] [--targets 1000]
//            [--replicas 50] [--spikes 8] [--spike-via held|new] [--config FILE]
//            [--limiar PATH]
//
// Load streams each push pre-built batches of 1,000 valid samples, paced so that together
// they offer `multiple` x `base-rate`; each reopens its stream every 50 batches (many
// senders come and go), and after a refusal waits 20 ms and tries again, as a client
// honouring back-pressure would. Flood streams push as fast as they can, every sample a
// series never seen: half for resources that do not exist, half new replicas of real
// targets (`--flood resources` or `replicas` for one kind only).
//
// Spikes: after a second of load, every 500 ms another spike target gets a sample far over
// its fast-path trigger; its decision is read from a WatchDecisions stream opened before
// the load. The spike targets' replicas pushed calm samples before the load, as live
// replicas would. `--spike-via held` (default) writes the spike on a stream the target
// opened before the load and kept, as a sender that keeps its stream does: the latency is
// the fast path's. `--spike-via new` pushes it on a new stream, retried on refusal until
// accepted: the latency then includes waiting for a server thread among the crowd.
// `--config` passes a serve config (JSON) through, e.g. to set store.max_series.
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "bench/serve_child.h"
#include "limiar/v1/admin.grpc.pb.h"
#include "limiar/v1/samples.grpc.pb.h"
#include "tests/support/scoped_temp_dir.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  double seconds = 10;
  int streams = 128;
  double multiple = 5;
  double base_rate = 2.32e6;
  int flood_streams = 16;
  std::string flood = "both";
  int targets = 1000;
  int replicas = 50;
  int spikes = 8;
  std::string spike_via = "held";
  std::string config;
  std::string limiar = LIMIAR_BINARY;
};

bool ParseOptions(int argc, char** argv, Options* o) {
  limiar::bench::Flags flags;
  flags.Add("--seconds", &o->seconds)
      .Add("--streams", &o->streams)
      .Add("--multiple", &o->multiple)
      .Add("--base-rate", &o->base_rate)
      .Add("--flood-streams", &o->flood_streams)
      .Add("--flood", &o->flood)
      .Add("--targets", &o->targets)
      .Add("--replicas", &o->replicas)
      .Add("--spikes", &o->spikes)
      .Add("--spike-via", &o->spike_via)
      .Add("--config", &o->config)
      .Add("--limiar", &o->limiar);
  if (!flags.Parse(argc, argv)) return false;
  const bool flood_known = o->flood == "both" || o->flood == "resources" || o->flood == "replicas";
  return flood_known && (o->spike_via == "held" || o->spike_via == "new") && o->seconds > 0 &&
         o->streams > 0 && o->multiple > 0 && o->base_rate > 0 && o->flood_streams >= 0 &&
         o->targets > 0 && o->replicas > 0 && o->spikes >= 0;
}

std::string TargetName(int t) {
  char name[32];
  std::snprintf(name, sizeof name, "svc-%05d", t);
  return name;
}
std::string SpikeName(int s) { return "spike-" + std::to_string(s); }

std::string Blueprint(const Options& o) {
  std::vector<std::string> names;
  for (int t = 0; t < o.targets; ++t) names.push_back(TargetName(t));
  for (int s = 0; s < o.spikes; ++s) names.push_back(SpikeName(s));
  return limiar::bench::RequestsBlueprint("overload", names, 200);
}

// Peak and current resident memory of a process, from /proc, in MB.
double StatusMb(pid_t pid, const std::string& key) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key, 0) == 0) return std::stod(line.substr(key.size())) / 1024;
  }
  return -1;
}

// A stream still open this long after the run's end is cut (DEADLINE_EXCEEDED): a server
// that stopped reading must not keep the benchmark running.
constexpr auto kGrace = std::chrono::seconds(10);

// gRPC deadlines are system_clock times.
std::chrono::system_clock::time_point Deadline(Clock::time_point t) {
  return std::chrono::system_clock::now() +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(t - Clock::now());
}

std::shared_ptr<grpc::Channel> OwnConnection(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(64 << 20);
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // one connection per sender
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

void AddSample(limiar::v1::SampleBatch* batch, const std::string& resource,
               const std::string& replica, double value) {
  limiar::v1::Sample* s = batch->add_samples();
  s->set_resource(resource);
  s->set_metric(limiar::v1::METRIC_REQUESTS);
  s->mutable_replica()->set_id(replica);
  s->set_value(value);
}

// Valid samples spread over every (target, replica) series, below the fast-path trigger.
std::vector<limiar::v1::SampleBatch> LoadBatches(const Options& o, int stream) {
  const int64_t series = static_cast<int64_t>(o.targets) * o.replicas;
  const int64_t count = std::max<int64_t>(1, std::min<int64_t>(series / 1000, 50));
  std::vector<limiar::v1::SampleBatch> batches(static_cast<size_t>(count));
  for (int64_t i = 0; i < count * 1000; ++i) {
    const int64_t s = (i + static_cast<int64_t>(stream) * 7919) % series;
    const std::string target = TargetName(static_cast<int>(s % o.targets));
    AddSample(&batches[static_cast<size_t>(i / 1000)], target,
              target + "-" + std::to_string(s / o.targets), 40.0 + static_cast<double>(i % 50));
  }
  return batches;
}

// What the clients were told, summed over them.
struct Tally {
  std::mutex mu;
  uint64_t sent = 0;
  uint64_t accepted = 0;
  uint64_t rejected = 0;
  std::map<std::string, uint64_t> refused;  // calls ended with an error, by code

  void Add(uint64_t s, const limiar::v1::PushResponse& reply, const grpc::Status& status) {
    std::lock_guard<std::mutex> lock(mu);
    sent += s;
    accepted += reply.accepted();
    rejected += static_cast<uint64_t>(reply.rejected_size()) + reply.rejected_not_listed();
    if (!status.ok()) ++refused[CodeName(status.error_code())];
  }
  static std::string CodeName(grpc::StatusCode code) {
    switch (code) {
      case grpc::StatusCode::RESOURCE_EXHAUSTED:
        return "RESOURCE_EXHAUSTED";
      case grpc::StatusCode::UNAVAILABLE:
        return "UNAVAILABLE";
      case grpc::StatusCode::DEADLINE_EXCEEDED:
        return "DEADLINE_EXCEEDED";
      case grpc::StatusCode::CANCELLED:
        return "CANCELLED";
      case grpc::StatusCode::INVALID_ARGUMENT:
        return "INVALID_ARGUMENT";
      default:
        return "code " + std::to_string(static_cast<int>(code));
    }
  }
};

// Push streams of up to `batches_per_stream` batches, each from `next_batch`, until
// `until`; every stream's reply goes to `tally`. A refused stream is followed by a 20 ms
// back-off, as a client would.
void PushStreams(const std::string& address, int batches_per_stream, Clock::time_point until,
                 const std::function<const limiar::v1::SampleBatch&()>& next_batch, Tally* tally) {
  auto stub = limiar::v1::Ingest::NewStub(OwnConnection(address));
  while (Clock::now() < until) {
    grpc::ClientContext ctx;
    ctx.set_deadline(Deadline(until + kGrace));
    limiar::v1::PushResponse reply;
    auto writer = stub->Push(&ctx, &reply);
    uint64_t sent = 0;
    for (int i = 0; i < batches_per_stream && Clock::now() < until; ++i) {
      const limiar::v1::SampleBatch& b = next_batch();
      if (!writer->Write(b)) break;
      sent += static_cast<uint64_t>(b.samples_size());
    }
    writer->WritesDone();
    const grpc::Status status = writer->Finish();
    tally->Add(status.ok() ? sent : 0, reply, status);
    if (!status.ok()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// One sender: streams of up to 50 batches, paced to `rate` samples/s, until `until`.
void LoadSender(const std::string& address, const std::vector<limiar::v1::SampleBatch>& batches,
                double rate, Clock::time_point until, Tally* tally) {
  const auto per_batch =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1000.0 / rate));
  auto due = Clock::now();
  size_t next = 0;
  PushStreams(
      address, 50, until,
      [&]() -> const limiar::v1::SampleBatch& {
        std::this_thread::sleep_until(due);  // the offered rate, not a wait for the server
        due = std::max(due + per_batch, Clock::now() - per_batch * 10);
        const limiar::v1::SampleBatch& b = batches[next];
        next = (next + 1) % batches.size();
        return b;
      },
      tally);
}

// One flooder: streams of 20 batches of never-seen series, as fast as the server takes
// them, until `until`.
void FloodSender(const std::string& address, int flooder, const Options& o, Clock::time_point until,
                 Tally* tally) {
  int64_t next = 0;
  limiar::v1::SampleBatch batch;
  PushStreams(
      address, 20, until,
      [&]() -> const limiar::v1::SampleBatch& {
        batch.Clear();
        for (int i = 0; i < 1000; ++i, ++next) {
          const std::string id = std::to_string(flooder) + "-" + std::to_string(next);
          const bool resource = o.flood == "resources" || (o.flood == "both" && next % 2 == 0);
          if (resource) {
            AddSample(&batch, "unknown-" + id, "r", 10);
          } else {
            AddSample(&batch, TargetName(static_cast<int>(next % o.targets)), "new-" + id, 10);
          }
        }
        return batch;
      },
      tally);
}

// Decisions of the spike targets, as WatchDecisions delivers them, by arrival time.
class DecisionWatch {
 public:
  explicit DecisionWatch(const std::string& address)
      : stub_(limiar::v1::Admin::NewStub(OwnConnection(address))),
        reader_(stub_->WatchDecisions(&ctx_, {})),
        thread_([this] {
          limiar::v1::Decision d;
          while (reader_->Read(&d)) {
            if (d.target().rfind("spike-", 0) != 0 || d.desired_replicas() <= 2) continue;
            std::lock_guard<std::mutex> lock(mu_);
            arrivals_.emplace(d.target(), Clock::now());
            changed_.notify_all();
          }
        }) {}
  ~DecisionWatch() {
    ctx_.TryCancel();
    thread_.join();
  }
  // When the first scale-up decision for `target` arrived; nullopt after `timeout`.
  std::optional<Clock::time_point> Wait(const std::string& target, std::chrono::seconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!changed_.wait_for(lock, timeout, [&] { return arrivals_.count(target) > 0; })) {
      return std::nullopt;
    }
    return arrivals_.at(target);
  }

 private:
  grpc::ClientContext ctx_;
  std::unique_ptr<limiar::v1::Admin::Stub> stub_;
  std::unique_ptr<grpc::ClientReader<limiar::v1::Decision>> reader_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, Clock::time_point> arrivals_;
  std::thread thread_;
};

struct SpikeResult {
  int attempts = 0;
  double to_accepted_ms = -1;  // first attempt -> push accepted
  double to_decision_ms = -1;  // first attempt -> decision received
  std::string last_error;      // why the last refused attempt was refused
};

// Two replicas of `target` at `value`, pushed once; the number of samples accepted.
uint32_t PushTwo(limiar::v1::Ingest::Stub& stub, const std::string& target, double value,
                 std::string* why) {
  limiar::v1::SampleBatch batch;
  for (int r = 0; r < 2; ++r) AddSample(&batch, target, target + "-" + std::to_string(r), value);
  grpc::ClientContext ctx;
  ctx.set_deadline(Deadline(Clock::now() + kGrace));
  limiar::v1::PushResponse reply;
  auto writer = stub.Push(&ctx, &reply);
  writer->Write(batch);
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  if (!status.ok()) {
    *why = status.error_message();
  } else if (reply.rejected_size() > 0) {
    *why = reply.rejected(0).reason();
  }
  return status.ok() ? reply.accepted() : 0;
}

// A stream a spike target opened before the load and keeps open.
struct HeldStream {
  std::unique_ptr<limiar::v1::Ingest::Stub> stub;
  grpc::ClientContext ctx;
  limiar::v1::PushResponse reply;
  std::unique_ptr<grpc::ClientWriter<limiar::v1::SampleBatch>> writer;
};

limiar::v1::SampleBatch TwoReplicas(const std::string& target, double value) {
  limiar::v1::SampleBatch batch;
  for (int r = 0; r < 2; ++r) AddSample(&batch, target, target + "-" + std::to_string(r), value);
  return batch;
}

SpikeResult SpikeOnHeld(HeldStream& held, const std::string& target, DecisionWatch& watch) {
  SpikeResult out;
  out.attempts = 1;
  const auto start = Clock::now();
  if (!held.writer->Write(TwoReplicas(target, 400))) {
    out.last_error = "the held stream was closed";
    return out;
  }
  out.to_accepted_ms = 0;
  if (std::optional<Clock::time_point> at = watch.Wait(target, std::chrono::seconds(30))) {
    out.to_decision_ms = std::chrono::duration<double, std::milli>(*at - start).count();
  }
  return out;
}

SpikeResult Spike(const std::string& address, const std::string& target, DecisionWatch& watch) {
  auto stub = limiar::v1::Ingest::NewStub(OwnConnection(address));
  SpikeResult out;
  const auto start = Clock::now();
  auto ms = [&start](Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(t - start).count();
  };
  for (;;) {
    ++out.attempts;
    if (PushTwo(*stub, target, 400, &out.last_error) == 2) break;
    if (Clock::now() - start > std::chrono::seconds(30)) return out;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // back-pressure: try again
  }
  out.to_accepted_ms = ms(Clock::now());
  if (std::optional<Clock::time_point> at = watch.Wait(target, std::chrono::seconds(30))) {
    out.to_decision_ms = ms(*at);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!ParseOptions(argc, argv, &o)) {
    std::cerr << "usage: overload [--seconds S] [--streams N] [--multiple M] [--base-rate R]"
                 " [--flood-streams F] [--flood both|resources|replicas] [--targets T]"
                 " [--replicas R] [--spikes K] [--spike-via held|new]"
                 " [--config FILE] [--limiar PATH]\n";
    return 2;
  }
  const limiar::testing::ScopedTempDir scratch(limiar::testing::ScopedTempDir::InTemp("overload"));
  if (scratch.path().empty()) {
    std::perror("mkdtemp");  // the folder for the blueprint and config
    return 1;
  }
  const std::string blueprint = scratch.File("blueprint.json");
  std::ofstream(blueprint) << Blueprint(o);
  std::vector<std::string> extra;
  if (!o.config.empty()) extra = {"--config", o.config};
  limiar::bench::ServeChild server;
  if (!server.Start(o.limiar, blueprint, extra)) return 1;
  const std::string address = server.address();
  const double rss_start = StatusMb(server.pid(), "VmRSS:");

  DecisionWatch watch(address);
  // The spike targets' replicas report calmly before the load, as live replicas would: the
  // flood may fill the store's series cap, after which only known series are accepted.
  std::vector<std::unique_ptr<HeldStream>> held;
  for (int k = 0; k < o.spikes; ++k) {
    auto stub = limiar::v1::Ingest::NewStub(OwnConnection(address));
    std::string why;
    if (PushTwo(*stub, SpikeName(k), 50, &why) != 2) {
      std::cerr << "calm push to " << SpikeName(k) << " failed: " << why << "\n";
      return 1;
    }
    if (o.spike_via == "held") {
      held.push_back(std::make_unique<HeldStream>());
      HeldStream& h = *held.back();
      h.stub = std::move(stub);
      h.writer = h.stub->Push(&h.ctx, &h.reply);
      h.writer->Write(TwoReplicas(SpikeName(k), 50));
    }
  }
  std::vector<std::vector<limiar::v1::SampleBatch>> batches;
  for (int s = 0; s < o.streams; ++s) batches.push_back(LoadBatches(o, s));

  Tally load, flood;
  const double offered = o.multiple * o.base_rate;
  const auto start = Clock::now();
  const auto until =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.seconds));
  std::vector<std::thread> threads;
  for (int s = 0; s < o.streams; ++s) {
    threads.emplace_back(LoadSender, address, std::cref(batches[static_cast<size_t>(s)]),
                         offered / o.streams, until, &load);
  }
  for (int f = 0; f < o.flood_streams; ++f) {
    threads.emplace_back(FloodSender, address, f, std::cref(o), until, &flood);
  }
  double rss_peak_sampled = rss_start;
  std::vector<SpikeResult> spikes;
  std::this_thread::sleep_for(std::chrono::seconds(1));  // the load takes hold
  for (int k = 0; k < o.spikes && Clock::now() < until; ++k) {
    spikes.push_back(o.spike_via == "held"
                         ? SpikeOnHeld(*held[static_cast<size_t>(k)], SpikeName(k), watch)
                         : Spike(address, SpikeName(k), watch));
    rss_peak_sampled = std::max(rss_peak_sampled, StatusMb(server.pid(), "VmRSS:"));
    std::this_thread::sleep_until(start + std::chrono::seconds(1) +
                                  std::chrono::milliseconds(500) * (k + 1));
  }
  for (std::thread& t : threads) t.join();
  for (auto& h : held) {
    h->writer->WritesDone();
    (void)h->writer->Finish();
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const double rss_peak = StatusMb(server.pid(), "VmHWM:");

  std::printf(
      "overload: %.1f s, %d load streams offering %.2f M samples/s (%.1f x %.2f M/s),"
      " %d flood streams (%s), %d targets x %d replicas, spikes on %s streams\n",
      elapsed, o.streams, offered / 1e6, o.multiple, o.base_rate / 1e6, o.flood_streams,
      o.flood.c_str(), o.targets, o.replicas, o.spike_via.c_str());
  auto report = [elapsed](const char* what, const Tally& t) {
    std::printf(
        "  %s: sent %.2f M, accepted %.2f M (%.2f M/s), rejected samples %.2f M;"
        " refused calls:",
        what, t.sent / 1e6, t.accepted / 1e6, t.accepted / 1e6 / elapsed, t.rejected / 1e6);
    if (t.refused.empty()) std::printf(" none");
    for (const auto& [code, n] : t.refused) {
      std::printf(" %s %llu", code.c_str(), static_cast<unsigned long long>(n));
    }
    std::printf("\n");
  };
  report("load ", load);
  report("flood", flood);
  std::printf("  server RSS: %.0f MB at start, peak %.0f MB (VmHWM; sampled peak %.0f MB)\n",
              rss_start, rss_peak, rss_peak_sampled);
  std::vector<double> to_decision;
  for (size_t k = 0; k < spikes.size(); ++k) {
    const SpikeResult& s = spikes[k];
    std::printf("  spike %zu: %d attempt(s), accepted after %.1f ms, decision after %.1f ms%s%s\n",
                k, s.attempts, s.to_accepted_ms, s.to_decision_ms,
                s.to_accepted_ms < 0 ? "; last refusal: " : "",
                s.to_accepted_ms < 0 ? s.last_error.substr(0, 200).c_str() : "");
    if (s.to_decision_ms >= 0) to_decision.push_back(s.to_decision_ms);
  }
  if (!to_decision.empty()) {
    std::sort(to_decision.begin(), to_decision.end());
    std::printf("  spike -> decision under load: median %.1f ms, max %.1f ms (%zu of %zu)\n",
                to_decision[to_decision.size() / 2], to_decision.back(), to_decision.size(),
                spikes.size());
  }
  return to_decision.size() == spikes.size() ? 0 : 1;
}
