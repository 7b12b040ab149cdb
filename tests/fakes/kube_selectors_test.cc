#include "tests/fakes/kube_selectors.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace limiar::testing {
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
  }
}

TEST(LabelSelectorTest, RejectsWhatTheServerRejects) {
  for (const char* text :
       {"app=web,", ",app", "app in web", "app in (a", "app >", "!", "=web", "app=web tier=x"}) {
    EXPECT_FALSE(ParseLabelSelector(text).ok()) << text;
  }
}

TEST(FieldSelectorTest, EqualityOnDottedPaths) {
  const json pod = {{"metadata", {{"name", "web-1"}, {"namespace", "shop"}}},
                    {"status", {{"phase", "Running"}}}};
  const std::vector<std::pair<const char*, bool>> cases = {
      {"metadata.name=web-1", true},
      {"metadata.name==web-1", true},
      {"metadata.name!=web-1", false},
      {"metadata.name=web-2", false},
      {"metadata.namespace=shop,status.phase=Running", true},
      {"spec.nodeName=", true},  // absent reads as ""
      {"", true},
  };
  for (const auto& [text, matches] : cases) {
    absl::StatusOr<FieldSelector> selector = ParseFieldSelector(text);
    ASSERT_TRUE(selector.ok()) << text << ": " << selector.status();
    EXPECT_EQ(FieldsMatch(*selector, pod), matches) << text;
  }
  EXPECT_FALSE(ParseFieldSelector("metadata.name").ok());
}

// LabelSelectorAsSelector(...).String(): sorted by key, set values sorted.
TEST(LabelSelectorStringTest, AsTheScaleSubresourceWritesIt) {
  EXPECT_EQ(*LabelSelectorString(json::parse(R"({"matchLabels":{"tier":"front","app":"web"}})")),
            "app=web,tier=front");
  EXPECT_EQ(*LabelSelectorString(json::parse(R"({"matchLabels":{"app":"web"},
      "matchExpressions":[{"key":"zone","operator":"In","values":["b","a"]},
                          {"key":"canary","operator":"DoesNotExist"},
                          {"key":"env","operator":"NotIn","values":["dev"]},
                          {"key":"owner","operator":"Exists"}]})")),
            "app=web,!canary,env notin (dev),owner,zone in (a,b)");
  EXPECT_EQ(*LabelSelectorString(json()), "");
  EXPECT_FALSE(
      LabelSelectorString(json::parse(R"({"matchExpressions":[{"key":"a","operator":"Gt"}]})"))
          .ok());
}

}  // namespace
}  // namespace limiar::testing
