// YAML reaches Limiar as a kubeconfig (kubectl writes YAML; a user may hand-edit it): any
// text must read as JSON or be refused with a line:column, never crash or recurse, and what
// reads must stay inside the limits it was read under.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "nlohmann/json.hpp"
#include "src/common/bounded_json.h"
#include "src/common/config/diagnostics.h"
#include "src/common/config/yaml_text.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

int Depth(const nlohmann::json& v) {
  // Iterative, as the parser: the input is untrusted even here.
  int deepest = 0;
  std::vector<std::pair<const nlohmann::json*, int>> todo = {{&v, 0}};
  while (!todo.empty()) {
    const auto [node, depth] = todo.back();
    todo.pop_back();
    if (!node->is_structured()) continue;
    deepest = std::max(deepest, depth + 1);
    for (const nlohmann::json& child : *node) todo.push_back({&child, depth + 1});
  }
  return deepest;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr limiar::JsonLimits kLimits = {1 << 16, 16};
  limiar::config::Diagnostics diag("kubeconfig");
  const std::optional<nlohmann::json> doc =
      limiar::config::ParseYaml(limiar::fuzz::AsText(data, size), kLimits, diag);
  limiar::fuzz::Require(doc.has_value() == diag.errors().empty(),
                        "a document both read and refused, or neither");
  if (doc) limiar::fuzz::Require(Depth(*doc) <= kLimits.max_depth, "nested past the limit");
  return 0;
}
