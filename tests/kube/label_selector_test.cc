#include "src/kube/label_selector.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace limiar::kube {
namespace {

using nlohmann::json;

struct MatchCase {
  const char* name;
  const char* selector;
  json labels;
  bool matches;
};

// Semantics of apimachinery's Requirement.Matches: != and notin also hold for an absent
// label; in and = need it present.
TEST(LabelSelectorTest, MatchesAsTheApiServer) {
  const json web = {{"app", "web"}, {"tier", "front"}};
  const std::vector<MatchCase> cases = {
      {"empty selects all", "", web, true},
      {"equals", "app=web", web, true},
      {"double equals", "app==web", web, true},
      {"equals other value", "app=db", web, false},
      {"not equals other value", "app!=db", web, true},
      {"not equals absent label", "zone!=a", web, true},
      {"exists", "tier", web, true},
      {"exists absent", "zone", web, false},
      {"does not exist", "!zone", web, true},
      {"does not exist present", "!tier", web, false},
      {"in", "tier in (back,front)", web, true},
      {"in absent label", "zone in (a)", web, false},
      {"notin", "tier notin (back)", web, true},
      {"notin absent label", "zone notin (a)", web, true},
      {"notin hit", "tier notin (front, back)", web, false},
      {"all must hold", "app=web,tier=back", web, false},
      {"spaces around tokens", " app = web , tier in ( front ) ", web, true},
      {"prefixed key", "app.kubernetes.io/name=x", json{{"app.kubernetes.io/name", "x"}}, true},
      {"no labels at all", "app!=web", json(), true},
      {"empty value", "app=", json{{"app", ""}}, true},
  };
  for (const MatchCase& c : cases) {
    absl::StatusOr<LabelSelector> selector = ParseLabelSelector(c.selector);
    ASSERT_TRUE(selector.ok()) << c.name << ": " << selector.status();
    EXPECT_EQ(LabelsMatch(*selector, c.labels), c.matches) << c.name;
    // The same labels as a map (a pod the source has read) match the same way.
    std::map<std::string, std::string> as_map;
    if (c.labels.is_object()) {
      for (const auto& [key, value] : c.labels.items()) as_map[key] = value.get<std::string>();
    }
    EXPECT_EQ(LabelsMatch(*selector, as_map), c.matches) << c.name << " (as a map)";
  }
}

TEST(LabelSelectorTest, RejectsWhatTheServerRejects) {
  for (const char* text :
       {"app=web,", ",app", "app in web", "app in (a", "app >", "!", "=web", "app=web tier=x"}) {
    EXPECT_FALSE(ParseLabelSelector(text).ok()) << text;
  }
}

TEST(LabelSelectorTest, ParsesIntoRequirements) {
  absl::StatusOr<LabelSelector> s = ParseLabelSelector("app=web,tier in (a, b),!canary");
  ASSERT_TRUE(s.ok()) << s.status();
  using Op = LabelRequirement::Op;
  const LabelSelector want = {{"app", Op::kEquals, {"web"}},
                              {"tier", Op::kIn, {"a", "b"}},
                              {"canary", Op::kDoesNotExist, {}}};
  EXPECT_EQ(*s, want);
}

// The text is the API server's: a huge one is refused with what the limit is, not parsed.
TEST(LabelSelectorTest, RefusesPastItsLimits) {
  std::string many;
  for (size_t i = 0; i <= kMaxLabelRequirements; ++i) absl::StrAppend(&many, i ? "," : "", "k", i);
  ASSERT_LE(many.size(), kMaxLabelSelectorBytes);
  absl::StatusOr<LabelSelector> s = ParseLabelSelector(many);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("more than 256 requirements"), std::string::npos)
      << s.status();
  many.resize(many.rfind(','));  // drops the last requirement: now exactly at the limit
  EXPECT_TRUE(ParseLabelSelector(many).ok());

  const std::string long_text = "app=" + std::string(kMaxLabelSelectorBytes, 'a');
  s = ParseLabelSelector(long_text);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("more than the 16384 accepted"), std::string::npos)
      << s.status();
}

}  // namespace
}  // namespace limiar::kube
