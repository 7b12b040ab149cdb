// docs/policy-keys.md stays in step with the code: every key is documented, and its full
// example config loads.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "src/policy/blueprint/blueprint_loader.h"
#include "src/policy/blueprint/knob_names.h"
#include "tests/policy/blueprint/test_blueprints.h"

namespace limiar::policy::blueprint {
namespace {

std::string ReadDoc() {
  std::ifstream in(testing::SourceDir() + "/docs/policy-keys.md");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(PolicyKeysDoc, DocumentsEveryKeyAndValue) {
  const std::string doc = ReadDoc();
  ASSERT_FALSE(doc.empty()) << "docs/policy-keys.md is missing";
  for (const std::string& k : AutoscaleKeys()) {
    EXPECT_NE(doc.find(absl::StrCat("| `", k, "` |")), std::string::npos) << k;
  }
  for (const char* k : {key::kTipo, key::kValor, key::kPeriodo, key::kNome, key::kInicio,
                        key::kCron, key::kFuso, key::kMinimo, key::kMaximo, key::kFalhas,
                        key::kReplicas, key::kComportamento, key::kPrevisor, key::kAntecedencia,
                        key::kMargem, key::kHistorico, key::kReplicasMin, key::kReplicasMax}) {
    EXPECT_NE(doc.find(absl::StrCat("| `", k, "`")), std::string::npos) << k;
  }
  for (const auto* names :
       {&MetricTypeNames(), &AlgorithmNames(), &ModeNames(), &SelectNames(), &RateTypeNames(),
        &FallbackNames(), &ForecasterNames(), &ForecastModeNames()}) {
    for (const std::string& n : *names) {
      EXPECT_NE(doc.find(absl::StrCat("`", n, "`")), std::string::npos) << n;
    }
  }
}

TEST(PolicyKeysDoc, FullExampleLoads) {
  const std::string doc = ReadDoc();
  const size_t section = doc.find("## A full example");
  ASSERT_NE(section, std::string::npos);
  const size_t begin = doc.find("```json\n", section) + 8;
  const size_t end = doc.find("\n```", begin);
  const std::string resource = doc.substr(begin, end - begin);
  auto b = LoadBlueprintText(
      testing::WithResources(absl::StrCat(
          R"({"tipo": "compute", "nome": "storefront", "config": {"replicas_min": 2,
              "replicas_max": 20}}, )",
          resource)),
      "policy-keys.md");
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_EQ(b->targets.size(), 1u);
  for (const auto& [k, origin] : b->targets[0].provenance) {
    EXPECT_EQ(origin, Origin::kBlueprint) << k << " is not in the full example";
  }
  for (const std::string& w : b->warnings) EXPECT_THAT(w, ::testing::HasSubstr("has no effect"));
}

}  // namespace
}  // namespace limiar::policy::blueprint
