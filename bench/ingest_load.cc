// gRPC push ingest under load (architecture.md target: >= 2 M samples/s, batches of
// 1,000 samples, loopback). Starts `limiar serve` on 127.0.0.1 with a generated blueprint
// of many targets (or uses --server HOST:PORT), then pushes pre-built batches of 1,000
// samples over N concurrent client streams for a fixed time and prints the samples/s the
// server accepted, as counted in its replies. Client and server share the machine, so the
// client CPU it reports is time the server did not get.
//
//   ingest_load [--streams 4] [--seconds 5] [--targets 1000] [--replicas 50]
//               [--batch 1000] [--server HOST:PORT] [--limiar PATH]
//               [--write-blueprint FILE]
//
// A server given with --server must manage the generated targets (svc-00000, ...):
// `--write-blueprint FILE` writes that blueprint for it and exits.
#include <grpcpp/grpcpp.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/serve_child.h"
#include "limiar/v1/samples.grpc.pb.h"
#include "tests/support/scoped_temp_dir.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  int streams = 4;
  double seconds = 5;
  int targets = 1000;
  int replicas = 50;
  int batch = 1000;
  std::string server;  // empty: start one
  std::string limiar = LIMIAR_BINARY;
  std::string write_blueprint;  // set: write the blueprint there and exit
};

bool ParseOptions(int argc, char** argv, Options* o) {
  limiar::bench::Flags flags;
  flags.Add("--streams", &o->streams)
      .Add("--seconds", &o->seconds)
      .Add("--targets", &o->targets)
      .Add("--replicas", &o->replicas)
      .Add("--batch", &o->batch)
      .Add("--server", &o->server)
      .Add("--limiar", &o->limiar)
      .Add("--write-blueprint", &o->write_blueprint);
  if (!flags.Parse(argc, argv)) return false;
  return o->streams > 0 && o->seconds > 0 && o->targets > 0 && o->replicas > 0 && o->batch > 0;
}

std::string TargetName(int t) {
  char name[32];
  std::snprintf(name, sizeof name, "svc-%05d", t);
  return name;
}

// One compute and one requests autoscale resource per target, capacity given so that no
// warning line per target is printed.
std::string Blueprint(int targets) {
  std::vector<std::string> names;
  for (int t = 0; t < targets; ++t) names.push_back(TargetName(t));
  return limiar::bench::RequestsBlueprint("ingest load", names, 200);
}

// `limiar serve` as a child, serving a blueprint of `o.targets` targets.
class Server {
 public:
  bool Start(const Options& o, const std::string& dir) {
    const std::string blueprint = dir + "/blueprint.json";
    std::ofstream(blueprint) << Blueprint(o.targets);
    return child_.Start(o.limiar, blueprint);
  }
  const std::string& address() const { return child_.address(); }
  pid_t pid() const { return child_.pid(); }

 private:
  limiar::bench::ServeChild child_;
};

// CPU seconds (user + system) a process has used, from /proc.
double ProcessCpuSeconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string skip;
  for (int i = 0; i < 11; ++i) fields >> skip;  // state .. cmajflt (fields 3..13)
  double utime = 0, stime = 0;
  fields >> utime >> stime;
  return (utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

double SelfCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Batches that together cover every (target, replica) series once, in an order that
// spreads each batch over many targets (as many senders would). Values stay below the
// fast-path trigger (2x the 65 % target), so the load measures ingest, not evaluation.
std::vector<limiar::v1::SampleBatch> MakeBatches(const Options& o, int stream) {
  const int64_t series = static_cast<int64_t>(o.targets) * o.replicas;
  const int64_t count = std::max<int64_t>(1, series / o.batch);
  std::vector<limiar::v1::SampleBatch> batches(static_cast<size_t>(count));
  std::vector<std::string> names;
  for (int t = 0; t < o.targets; ++t) names.push_back(TargetName(t));
  for (int64_t i = 0; i < count * o.batch; ++i) {
    const int64_t s = (i + static_cast<int64_t>(stream) * 7919) % series;
    const int t = static_cast<int>(s % o.targets);
    const int r = static_cast<int>(s / o.targets);
    limiar::v1::Sample* sample = batches[static_cast<size_t>(i / o.batch)].add_samples();
    sample->set_resource(names[static_cast<size_t>(t)]);
    sample->set_metric(limiar::v1::METRIC_REQUESTS);
    sample->mutable_replica()->set_id(names[static_cast<size_t>(t)] + "-" + std::to_string(r));
    sample->set_value(40.0 + static_cast<double>((i * 13) % 50));
  }
  return batches;
}

struct StreamResult {
  uint64_t sent = 0;
  uint64_t accepted = 0;
  uint64_t rejected = 0;
  std::string error;
  std::string first_rejection;
};

// One client stream, reopened every `kBatchesPerStream` batches so that replies (and
// their accepted counts) arrive during the run, not only at its end.
void RunStream(const std::shared_ptr<grpc::Channel>& channel,
               const std::vector<limiar::v1::SampleBatch>& batches, Clock::time_point until,
               StreamResult* out) {
  constexpr int kBatchesPerStream = 200;
  auto stub = limiar::v1::Ingest::NewStub(channel);
  size_t next = 0;
  while (Clock::now() < until) {
    grpc::ClientContext ctx;
    limiar::v1::PushResponse reply;
    auto writer = stub->Push(&ctx, &reply);
    for (int i = 0; i < kBatchesPerStream && Clock::now() < until; ++i) {
      const limiar::v1::SampleBatch& b = batches[next];
      next = (next + 1) % batches.size();
      if (!writer->Write(b)) break;
      out->sent += static_cast<uint64_t>(b.samples_size());
    }
    writer->WritesDone();
    const grpc::Status status = writer->Finish();
    if (!status.ok()) {
      out->error = status.error_message();
      return;
    }
    out->accepted += reply.accepted();
    out->rejected += static_cast<uint64_t>(reply.rejected_size());
    if (reply.rejected_size() > 0 && out->first_rejection.empty()) {
      out->first_rejection = reply.rejected(0).reason();
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!ParseOptions(argc, argv, &o)) {
    std::cerr << "usage: ingest_load [--streams N] [--seconds S] [--targets T] [--replicas R]"
                 " [--batch B] [--server HOST:PORT] [--limiar PATH] [--write-blueprint FILE]\n";
    return 2;
  }
  if (!o.write_blueprint.empty()) {
    std::ofstream(o.write_blueprint) << Blueprint(o.targets);
    return 0;
  }
  const limiar::testing::ScopedTempDir scratch(
      limiar::testing::ScopedTempDir::InTemp("ingest_load"));
  if (scratch.path().empty()) {
    std::perror("mkdtemp");  // the folder for the blueprint and config
    return 1;
  }
  const std::string dir = scratch.path().string();
  int status = 1;
  {
    Server server;
    std::string address = o.server;
    if (address.empty()) {
      if (!server.Start(o, dir)) return 1;
      address = server.address();
    }
    grpc::ChannelArguments args;
    args.SetMaxSendMessageSize(64 << 20);
    // One connection per stream, as independent senders would have: a shared one would
    // put every stream on one HTTP/2 connection.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    std::vector<std::shared_ptr<grpc::Channel>> channels;
    std::vector<std::vector<limiar::v1::SampleBatch>> batches;
    for (int s = 0; s < o.streams; ++s) {
      channels.push_back(
          grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
      batches.push_back(MakeBatches(o, s));
    }
    // Warm-up (0.5 s): connections up and, with the default sizes, every series opened,
    // so that the timed part is steady-state ingest.
    {
      std::vector<StreamResult> warm(static_cast<size_t>(o.streams));
      std::vector<std::thread> threads;
      const auto until = Clock::now() + std::chrono::milliseconds(500);
      for (int s = 0; s < o.streams; ++s) {
        threads.emplace_back(RunStream, channels[static_cast<size_t>(s)],
                             std::cref(batches[static_cast<size_t>(s)]), until,
                             &warm[static_cast<size_t>(s)]);
      }
      for (std::thread& t : threads) t.join();
      for (const StreamResult& r : warm) {
        if (!r.error.empty()) {
          std::cerr << "push failed: " << r.error << "\n";
          return 1;
        }
      }
    }

    std::vector<StreamResult> results(static_cast<size_t>(o.streams));
    std::vector<std::thread> threads;
    const double server_cpu_before = o.server.empty() ? ProcessCpuSeconds(server.pid()) : 0;
    const double client_cpu_before = SelfCpuSeconds();
    const auto start = Clock::now();
    const auto until = start + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(o.seconds));
    for (int s = 0; s < o.streams; ++s) {
      threads.emplace_back(RunStream, channels[static_cast<size_t>(s)],
                           std::cref(batches[static_cast<size_t>(s)]), until,
                           &results[static_cast<size_t>(s)]);
    }
    for (std::thread& t : threads) t.join();
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    const double client_cpu = SelfCpuSeconds() - client_cpu_before;
    const double server_cpu =
        o.server.empty() ? ProcessCpuSeconds(server.pid()) - server_cpu_before : 0;

    StreamResult total;
    for (const StreamResult& r : results) {
      total.sent += r.sent;
      total.accepted += r.accepted;
      total.rejected += r.rejected;
      if (!r.error.empty()) total.error = r.error;
      if (total.first_rejection.empty()) total.first_rejection = r.first_rejection;
    }
    const double rate = static_cast<double>(total.accepted) / elapsed;
    std::printf(
        "ingest_load: %d streams, batches of %d, %d targets x %d replicas (%d series), "
        "%.1f s\n",
        o.streams, o.batch, o.targets, o.replicas, o.targets * o.replicas, elapsed);
    std::printf("  sent %llu, accepted %llu, rejected %llu\n",
                static_cast<unsigned long long>(total.sent),
                static_cast<unsigned long long>(total.accepted),
                static_cast<unsigned long long>(total.rejected));
    std::printf("  accepted: %.2f M samples/s (target >= 2 M/s)\n", rate / 1e6);
    if (o.server.empty()) {
      std::printf(
          "  cpu: server %.2f s (%.0f ns per sample), client %.2f s, wall %.2f s x %u cores\n",
          server_cpu, server_cpu * 1e9 / static_cast<double>(total.accepted), client_cpu, elapsed,
          std::thread::hardware_concurrency());
    }
    if (!total.error.empty()) std::printf("  error: %s\n", total.error.c_str());
    if (!total.first_rejection.empty()) {
      std::printf("  first rejection: %s\n", total.first_rejection.c_str());
    }
    status = total.error.empty() && total.rejected == 0 && total.accepted == total.sent ? 0 : 1;
  }
  return status;
}
