// The list+watch store: lists replace, events add, change and remove, bookmarks only move
// the version on, projections keep what Limiar reads, and a cap holds.
#include "src/kube/object_cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace limiar::kube {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using json = nlohmann::json;

json Pod(const std::string& name, const std::string& version,
         const std::string& phase = "Running") {
  return {{"metadata", {{"name", name}, {"namespace", "shop"}, {"resourceVersion", version}}},
          {"status", {{"phase", phase}}}};
}

json List(std::initializer_list<json> items, const std::string& version) {
  return {{"kind", "PodList"}, {"metadata", {{"resourceVersion", version}}}, {"items", items}};
}

std::vector<std::string> Keys(const ObjectCache& cache) {
  std::vector<std::string> keys;
  for (const auto& [key, object] : cache.objects()) keys.push_back(key);
  return keys;
}

TEST(ObjectCacheTest, AListReplacesAndWatchEventsFollow) {
  ObjectCache cache;
  ASSERT_TRUE(cache.Replace(List({Pod("web-1", "10"), Pod("web-2", "11")}, "12")).ok());
  EXPECT_THAT(Keys(cache), ElementsAre("shop/web-1", "shop/web-2"));
  EXPECT_EQ(cache.resource_version(), "12");
  const uint64_t listed = cache.generation();

  ASSERT_TRUE(cache.Apply({"ADDED", Pod("web-3", "13")}).ok());
  ASSERT_TRUE(cache.Apply({"MODIFIED", Pod("web-1", "14", "Failed")}).ok());
  ASSERT_TRUE(cache.Apply({"DELETED", Pod("web-2", "15")}).ok());
  EXPECT_THAT(Keys(cache), ElementsAre("shop/web-1", "shop/web-3"));
  EXPECT_EQ(cache.objects().at("shop/web-1")["status"]["phase"], "Failed");
  EXPECT_EQ(cache.resource_version(), "15");
  EXPECT_EQ(cache.generation(), listed + 3);

  // A bookmark moves the version on and changes nothing else.
  ASSERT_TRUE(
      cache.Apply({"BOOKMARK", {{"kind", "Pod"}, {"metadata", {{"resourceVersion", "20"}}}}}).ok());
  EXPECT_EQ(cache.resource_version(), "20");
  EXPECT_EQ(cache.generation(), listed + 3);

  // A relist after a dead watch drops what was deleted meanwhile.
  ASSERT_TRUE(cache.Replace(List({Pod("web-3", "13")}, "30")).ok());
  EXPECT_THAT(Keys(cache), ElementsAre("shop/web-3"));
  EXPECT_EQ(cache.resource_version(), "30");
}

TEST(ObjectCacheTest, TheProjectionIsWhatIsKept) {
  ObjectCache cache([](json&& pod) { return json{{"phase", pod["status"]["phase"]}}; });
  ASSERT_TRUE(cache.Replace(List({Pod("web-1", "1")}, "2")).ok());
  ASSERT_TRUE(cache.Apply({"ADDED", Pod("web-2", "3", "Pending")}).ok());
  EXPECT_THAT(cache.objects(), ElementsAre(Pair("shop/web-1", json{{"phase", "Running"}}),
                                           Pair("shop/web-2", json{{"phase", "Pending"}})));
}

TEST(ObjectCacheTest, BadEventsAndTheCapAreErrors) {
  ObjectCache cache(nullptr, 2);
  EXPECT_THAT(cache.Replace(List({Pod("a", "1"), Pod("b", "1"), Pod("c", "1")}, "2")).message(),
              HasSubstr("3 objects, more than the 2 one watch may keep: narrow the selector"));
  ASSERT_TRUE(cache.Replace(List({Pod("a", "1"), Pod("b", "1")}, "2")).ok());
  EXPECT_EQ(cache.Apply({"ADDED", Pod("c", "3")}).code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(cache.Apply({"MODIFIED", Pod("b", "4")}).ok());  // an update fits
  EXPECT_THAT(cache.Apply({"ADDED", json{{"metadata", json::object()}}}).message(),
              HasSubstr("without metadata.name"));
  EXPECT_THAT(cache.Apply({"SOMETHING", Pod("a", "5")}).message(),
              HasSubstr("unknown watch event type \"SOMETHING\""));
  // Cluster-scoped objects are keyed by name alone.
  EXPECT_EQ(ObjectKey(json{{"metadata", {{"name", "node-1"}}}}), "node-1");
}

// Read from the API server's answers: another type where a string belongs is "", not a
// thrown type_error (a numeric resourceVersion once would have ended serve).
TEST(MetadataStringTest, OnlyAStringCounts) {
  EXPECT_EQ(
      MetadataString(json::parse(R"({"metadata": {"resourceVersion": "42"}})"), "resourceVersion"),
      "42");
  for (const char* odd :
       {R"({"metadata": {"resourceVersion": 42}})", R"({"metadata": {"resourceVersion": null}})",
        R"({"metadata": "x"})", R"({"metadata": [1]})", R"([])", R"("pod")"}) {
    EXPECT_EQ(MetadataString(json::parse(odd), "resourceVersion"), "") << odd;
  }
}

}  // namespace
}  // namespace limiar::kube
