#include "tests/serve/serve_harness.h"

#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
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

extern char** environ;

namespace limiar::serve_test {
namespace {

std::chrono::steady_clock::time_point Deadline(absl::Duration timeout) {
  return std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(timeout);
}

// A child with stdout and stderr on the write end of a fresh pipe; returns the read end.
// Both ends are close-on-exec, so a later child never holds an earlier child's pipe open
// (which would hide that child's exit from the reader).
pid_t Spawn(const std::vector<std::string>& argv, const std::string& stdin_file, int* read_fd) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(
      &actions, 0, stdin_file.empty() ? "/dev/null" : stdin_file.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int err = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (err != 0) {
    ::close(fds[0]);
    return -1;
  }
  *read_fd = fds[0];
  return pid;
}

int ExitCode(int wait_status) { return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1; }

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
  int fd = -1;
  const pid_t pid = Spawn(argv, stdin_file, &fd);
  if (pid < 0) {
    result.output = absl::StrCat("cannot start ", argv[0]);
    return result;
  }
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0) result.output.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = ExitCode(status);
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
  int fd = -1;
  pid_ = Spawn(argv, "", &fd);
  if (pid_ < 0) {
    ADD_FAILURE() << "cannot start " << LIMIAR_BINARY;
    exited_ = true;
    return;
  }
  reader_ = std::thread([this, fd] { ReadLoop(fd); });
}

ServeProcess::~ServeProcess() {
  Signal(SIGKILL);
  if (reader_.joinable()) reader_.join();
}

void ServeProcess::ReadLoop(int fd) {
  std::string partial;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    partial.append(buf, static_cast<size_t>(n));
    std::vector<std::string> complete;
    size_t start = 0;
    for (size_t nl; (nl = partial.find('\n', start)) != std::string::npos; start = nl + 1) {
      complete.push_back(partial.substr(start, nl - start));
    }
    partial.erase(0, start);
    if (!complete.empty()) {
      std::lock_guard<std::mutex> lock(mu_);
      for (std::string& l : complete) lines_.push_back(std::move(l));
      changed_.notify_all();
    }
  }
  ::close(fd);
  // Wait for the exit without reaping, so that Signal() (which holds mu_) can never hit a
  // pid the kernel has handed to another process; then reap under the lock.
  siginfo_t info;
  while (::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR) {
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (!partial.empty()) lines_.push_back(partial);
  ::waitpid(pid_, &wait_status_, 0);
  exited_ = true;
  changed_.notify_all();
}

bool ServeProcess::WaitServing(absl::Duration timeout) {
  static const std::regex kPorts(R"(grpc on 127\.0\.0\.1:([0-9]+), http on 127\.0\.0\.1:([0-9]+))");
  std::optional<std::string> line =
      WaitForLine([](const std::string& l) { return std::regex_search(l, kPorts); }, 0, timeout);
  if (!line) return false;
  std::smatch m;
  std::regex_search(*line, m, kPorts);
  grpc_port_ = std::stoi(m[1].str());
  http_port_ = std::stoi(m[2].str());
  return true;
}

std::string ServeProcess::grpc_address() const { return absl::StrCat("127.0.0.1:", grpc_port_); }

size_t ServeProcess::LineCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lines_.size();
}

std::optional<std::string> ServeProcess::WaitForLine(
    const std::function<bool(const std::string&)>& match, size_t from, absl::Duration timeout,
    size_t* index) {
  std::unique_lock<std::mutex> lock(mu_);
  size_t next = from;
  bool found = false;
  changed_.wait_until(lock, Deadline(timeout), [&] {
    for (; next < lines_.size(); ++next) {
      if (match(lines_[next])) return found = true;
    }
    return exited_;
  });
  if (!found) return std::nullopt;
  if (index != nullptr) *index = next;
  return lines_[next];
}

std::optional<std::string> ServeProcess::WaitForLine(const std::string& needle, size_t from,
                                                     absl::Duration timeout, size_t* index) {
  return WaitForLine(
      [&needle](const std::string& l) { return l.find(needle) != std::string::npos; }, from,
      timeout, index);
}

std::vector<std::string> ServeProcess::Lines() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lines_;
}

std::string ServeProcess::Log() const {
  std::lock_guard<std::mutex> lock(mu_);
  return absl::StrCat("--- limiar serve log ---\n", absl::StrJoin(lines_, "\n"), "\n---");
}

void ServeProcess::Signal(int signal) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!exited_ && pid_ > 0) ::kill(pid_, signal);
}

std::optional<int> ServeProcess::WaitExit(absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!changed_.wait_until(lock, Deadline(timeout), [this] { return exited_; })) {
    return std::nullopt;
  }
  return wait_status_;
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
