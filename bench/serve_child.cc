#include "bench/serve_child.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <regex>
#include <stdexcept>
#include <type_traits>

extern char** environ;

namespace limiar::bench {

ScratchDir::ScratchDir(const std::string& prefix) {
  path = (std::filesystem::temp_directory_path() / (prefix + "_XXXXXX")).string();
  if (::mkdtemp(path.data()) == nullptr) {
    std::perror("mkdtemp");
    std::exit(1);
  }
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path, ignored);
}

std::string RequestsTarget(const std::string& name, int replicas_max) {
  return R"({"tipo": "compute", "nome": ")" + name +
         R"(", "config": {"replicas_min": 2, "replicas_max": )" + std::to_string(replicas_max) +
         R"(}}, {"tipo": "autoscale", "nome": "scale-)" + name +
         R"(", "config": {"alvo_recurso_id": ")" + name +
         R"(", "metrica": "requests", "limiar": 65, "capacidade_por_replica": 100}})";
}

std::string RequestsBlueprint(const std::string& title, const std::vector<std::string>& names,
                              int replicas_max) {
  std::string out = R"({"nome": ")" + title + R"(", "recursos": [)";
  for (size_t i = 0; i < names.size(); ++i) {
    out += (i > 0 ? "," : "") + RequestsTarget(names[i], replicas_max);
  }
  return out + "]}";
}

namespace {

// std::stoi/stod that say "no" instead of throwing, and refuse trailing text.
template <typename T>
bool ParseNumber(const std::string& text, T* value) {
  try {
    size_t used = 0;
    if constexpr (std::is_same_v<T, int>) {
      *value = std::stoi(text, &used);
    } else {
      *value = std::stod(text, &used);
    }
    return used == text.size();
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

Flags& Flags::Add(const std::string& flag, int* value) {
  setters_[flag] = [value](const std::string& text) { return ParseNumber(text, value); };
  return *this;
}

Flags& Flags::Add(const std::string& flag, double* value) {
  setters_[flag] = [value](const std::string& text) { return ParseNumber(text, value); };
  return *this;
}

Flags& Flags::Add(const std::string& flag, std::string* value) {
  setters_[flag] = [value](const std::string& text) {
    *value = text;
    return true;
  };
  return *this;
}

bool Flags::Parse(int argc, char** argv) const {
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--help" || i + 1 >= argc) return false;
    const auto setter = setters_.find(flag);
    if (setter == setters_.end() || !setter->second(argv[i + 1])) return false;
  }
  return true;
}

bool ServeChild::Start(const std::string& limiar, const std::string& blueprint,
                       const std::vector<std::string>& extra_args) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  std::vector<std::string> args{limiar,          "serve",       "--blueprint",   blueprint,
                                "--grpc-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int err = ::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (err != 0) {
    std::cerr << "cannot start " << limiar << "\n";
    pid_ = -1;
    return false;
  }
  FILE* log = ::fdopen(fds[0], "r");
  static const std::regex kPort(R"(grpc on 127\.0\.0\.1:([0-9]+))");
  char line[65536];
  while (std::fgets(line, sizeof line, log) != nullptr) {
    std::cmatch m;
    if (std::regex_search(line, m, kPort)) {
      address_ = "127.0.0.1:" + m[1].str();
      break;
    }
    std::cerr << "limiar serve: " << line;
  }
  drain_ = std::thread([log] {
    char buf[65536];
    while (std::fread(buf, 1, sizeof buf, log) > 0) {
    }
    std::fclose(log);
  });
  return !address_.empty();
}

ServeChild::~ServeChild() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  if (drain_.joinable()) drain_.join();
}

}  // namespace limiar::bench
