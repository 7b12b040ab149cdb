#include "bench/serve_child.h"

#include <iostream>
#include <optional>
#include <stdexcept>
#include <type_traits>

#include "tests/support/serving_line.h"

namespace limiar::bench {

std::string AutoscaledTarget(const std::string& name, int replicas_max, const std::string& metric,
                             int threshold, double capacity) {
  return R"({"tipo": "compute", "nome": ")" + name +
         R"(", "config": {"replicas_min": 2, "replicas_max": )" + std::to_string(replicas_max) +
         R"(}}, {"tipo": "autoscale", "nome": "scale-)" + name +
         R"(", "config": {"alvo_recurso_id": ")" + name + R"(", "metrica": ")" + metric +
         R"(", "limiar": )" + std::to_string(threshold) + R"(, "capacidade_por_replica": )" +
         std::to_string(capacity) + "}}";
}

std::string RequestsTarget(const std::string& name, int replicas_max) {
  return AutoscaledTarget(name, replicas_max, "requests", 65, 100);
}

std::string Blueprint(const std::string& title, const std::vector<std::string>& names,
                      const std::function<std::string(const std::string&)>& target) {
  std::string out = R"({"nome": ")" + title + R"(", "recursos": [)";
  for (size_t i = 0; i < names.size(); ++i) out += (i > 0 ? "," : "") + target(names[i]);
  return out + "]}";
}

std::string RequestsBlueprint(const std::string& title, const std::vector<std::string>& names,
                              int replicas_max) {
  return Blueprint(title, names,
                   [&](const std::string& name) { return RequestsTarget(name, replicas_max); });
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
  std::vector<std::string> args{limiar,          "serve",       "--blueprint",   blueprint,
                                "--grpc-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  if (const absl::Status started = child_.Start(args); !started.ok()) {
    std::cerr << "cannot start " << limiar << ": " << started << "\n";
    return false;
  }
  const std::optional<std::string> serving = child_.WaitForLine(
      [](const std::string& line) { return testing::ParseServingLine(line).has_value(); }, 0,
      absl::Seconds(60));
  if (!serving) {
    std::cerr << "limiar serve did not come up; its log:\n" << child_.Output();
    return false;
  }
  const testing::ServingPorts ports = *testing::ParseServingLine(*serving);
  address_ = "127.0.0.1:" + std::to_string(ports.grpc);
  http_port_ = ports.http;
  return true;
}

}  // namespace limiar::bench
