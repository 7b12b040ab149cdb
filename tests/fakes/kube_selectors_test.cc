#include "tests/fakes/kube_selectors.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace limiar::testing {
namespace {

using nlohmann::json;

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
