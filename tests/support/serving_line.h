// The ports in `limiar serve`'s "serving: ... grpc on 127.0.0.1:P, http on 127.0.0.1:Q" log
// line: how the serve tests and the load generators find a server started on port 0.
#ifndef LIMIAR_TESTS_SUPPORT_SERVING_LINE_H_
#define LIMIAR_TESTS_SUPPORT_SERVING_LINE_H_

#include <optional>
#include <regex>
#include <string>

namespace limiar::testing {

struct ServingPorts {
  int grpc = 0;
  int http = 0;
};

// The two ports when `line` is the serving line, else nullopt.
inline std::optional<ServingPorts> ParseServingLine(const std::string& line) {
  static const std::regex kPorts(R"(grpc on 127\.0\.0\.1:([0-9]+), http on 127\.0\.0\.1:([0-9]+))");
  std::smatch m;
  if (!std::regex_search(line, m, kPorts)) return std::nullopt;
  return ServingPorts{std::stoi(m[1].str()), std::stoi(m[2].str())};
}

}  // namespace limiar::testing

#endif  // LIMIAR_TESTS_SUPPORT_SERVING_LINE_H_
