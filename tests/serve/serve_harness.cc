#include "tests/serve/serve_harness.h"

#include <grpcpp/grpcpp.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <regex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "limiar/v1/samples.grpc.pb.h"
#include "tests/support/child_process.h"
#include "tests/support/serving_line.h"

namespace limiar::serve_test {
namespace {

std::chrono::steady_clock::time_point Deadline(absl::Duration timeout) {
  return std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(timeout);
}

}  // namespace

std::string SharedDir() {
  const char* dir = std::getenv("LIMIAR_SHARED_DIR");
  return dir == nullptr ? "../shared" : dir;
}

bool HaveSharedBlueprints() {
  return std::filesystem::exists(SharedBlueprint("ecommerce-high-traffic.json"));
}

std::string SharedBlueprint(const std::string& name) {
  return absl::StrCat(SharedDir(), "/blueprints/", name);
}

std::string TestData(const std::string& name) {
  return absl::StrCat(LIMIAR_SERVE_TESTDATA, "/", name);
}

RunResult RunProgram(const std::vector<std::string>& argv, const std::string& stdin_file) {
  RunResult result;
  testing::ChildProcess child;
  if (const absl::Status started = child.Start(argv, stdin_file); !started.ok()) {
    result.output = absl::StrCat("cannot start ", argv[0], ": ", started.message());
    return result;
  }
  const std::optional<int> status = child.WaitExit(absl::InfiniteDuration());
  result.output = child.Output();
  result.exit_code = status ? testing::ExitCode(*status) : -1;
  return result;
}

RunResult RunLimiar(const std::vector<std::string>& args) {
  std::vector<std::string> argv{LIMIAR_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(argv);
}

bool OnPath(const std::string& program) { return !testing::FindProgram(program).empty(); }

ServeProcess::ServeProcess(const std::vector<std::string>& serve_args) {
  std::vector<std::string> argv{LIMIAR_BINARY, "serve"};
  argv.insert(argv.end(), serve_args.begin(), serve_args.end());
  if (const absl::Status started = Start(argv); !started.ok()) ADD_FAILURE() << started;
}

bool ServeProcess::WaitServing(absl::Duration timeout) {
  const std::optional<std::string> line = WaitForLine(
      [](const std::string& l) { return testing::ParseServingLine(l).has_value(); }, 0, timeout);
  if (!line) return false;
  const testing::ServingPorts ports = *testing::ParseServingLine(*line);
  grpc_port_ = ports.grpc;
  http_port_ = ports.http;
  return true;
}

std::string ServeProcess::grpc_address() const { return absl::StrCat("127.0.0.1:", grpc_port_); }

std::string ServeProcess::Log() const {
  return absl::StrCat("--- limiar serve log ---\n", Output(), "---");
}

std::shared_ptr<grpc::Channel> OwnConnection(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

absl::StatusOr<limiar::v1::PushResponse> Push(
    const std::string& address, const std::string& resource, limiar::v1::Metric metric,
    const std::vector<std::pair<std::string, double>>& replicas) {
  auto stub =
      limiar::v1::Ingest::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + absl::ToChronoSeconds(kWait));
  limiar::v1::SampleBatch batch;
  for (const auto& [id, value] : replicas) {
    limiar::v1::Sample* s = batch.add_samples();
    s->set_resource(resource);
    s->set_metric(metric);
    s->mutable_replica()->set_id(id);
    s->set_value(value);
  }
  limiar::v1::PushResponse response;
  auto writer = stub->Push(&ctx, &response);
  writer->Write(batch);
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  }
  return response;
}

HttpResult HttpGet(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5);
  client.set_read_timeout(5);
  HttpResult out;
  if (auto res = client.Get(path.c_str())) {
    out.status = res->status;
    out.body = res->body;
  }
  return out;
}

bool PollUntil(const std::function<bool()>& ready, absl::Duration timeout) {
  const auto deadline = Deadline(timeout);
  auto pause = std::chrono::milliseconds(5);
  for (;;) {
    if (ready()) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(100));
  }
}

FakePlatform::FakePlatform(int initial_replicas) : initial_(initial_replicas) {
  server_.server().Post("/scale", [this](const httplib::Request& req, httplib::Response& res) {
    nlohmann::json body = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    std::lock_guard<std::mutex> lock(mu_);
    posts_.push_back(body.is_discarded() ? nlohmann::json(req.body) : body);
    changed_.notify_all();
    if (fail_count_ > 0) {
      --fail_count_;
      res.status = fail_status_;
      res.set_content("the platform is busy\n", "text/plain");
      return;
    }
    if (body.is_object() && body.contains("target") && body["target"].is_string() &&
        body.contains("replicas") && body["replicas"].is_number_integer()) {
      replicas_[body["target"].get<std::string>()] = body["replicas"].get<int>();
    }
    res.status = 200;
  });
  server_.server().Get(
      R"(/observe/([^/]+))", [this](const httplib::Request& req, httplib::Response& res) {
        const int n = replicas(req.matches[1].str());
        res.set_content(nlohmann::json{{"spec_replicas", n}, {"ready_replicas", n}}.dump(),
                        "application/json");
      });
  server_.Start();
}

FakePlatform::~FakePlatform() = default;

std::string FakePlatform::scale_url() const { return server_.base_url() + "/scale"; }

std::string FakePlatform::observe_url() const { return server_.base_url() + "/observe/{target}"; }

nlohmann::json FakePlatform::ActuatorConfig(bool with_observe) const {
  nlohmann::json webhook{{"url", scale_url()}, {"timeout_seconds", 5}};
  if (with_observe) webhook["observe_url"] = observe_url();
  return {{"kind", "webhook"}, {"webhook", webhook}};
}

size_t FakePlatform::post_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return posts_.size();
}

std::vector<nlohmann::json> FakePlatform::posts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return posts_;
}

std::optional<nlohmann::json> FakePlatform::WaitForPost(
    size_t from, const std::function<bool(const nlohmann::json&)>& match, absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  size_t next = from;
  const bool found = changed_.wait_until(lock, Deadline(timeout), [&] {
    for (; next < posts_.size(); ++next) {
      if (!match || match(posts_[next])) return true;
    }
    return false;
  });
  if (!found) return std::nullopt;
  return posts_[next];
}

void FakePlatform::FailNext(int count, int status) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_count_ = count;
  fail_status_ = status;
}

int FakePlatform::replicas(const std::string& target) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = replicas_.find(target);
  return it == replicas_.end() ? initial_ : it->second;
}

std::string WriteConfig(const testing::TestDir& dir, const std::string& name,
                        const nlohmann::json& config) {
  const std::string path = dir.File(name);
  testing::WriteFile(path, config.dump(2));
  return path;
}

std::unique_ptr<ServeProcess> StartServe(const testing::TestDir& dir, const std::string& blueprint,
                                         const nlohmann::json& config,
                                         const std::vector<std::string>& extra) {
  std::vector<std::string> args{"--blueprint", blueprint,       "--grpc-listen",
                                "127.0.0.1:0", "--http-listen", "127.0.0.1:0"};
  if (!config.is_null()) {
    args.push_back("--config");
    args.push_back(WriteConfig(dir, "serve.json", config));
  }
  args.insert(args.end(), extra.begin(), extra.end());
  auto serve = std::make_unique<ServeProcess>(args);
  if (!serve->WaitServing()) {
    ADD_FAILURE() << "limiar serve did not start\n" << serve->Log();
    return nullptr;
  }
  return serve;
}

bool IsDecision(const std::string& line, const std::string& target) {
  return line.find(absl::StrCat(" decision ", target, ": ")) != std::string::npos;
}

bool IsDecisionWithMetrics(const std::string& line, const std::string& target) {
  return IsDecision(line, target) && line.find("FailedGetPodsMetric") == std::string::npos;
}

}  // namespace limiar::serve_test
