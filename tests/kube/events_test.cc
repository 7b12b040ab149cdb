#include "src/kube/events.h"

#include <gtest/gtest.h>

#include "gmock/gmock.h"
#include "tests/kube/fake_cluster.h"

namespace limiar::kube {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

EventNote Rescale(const std::string& deployment, const std::string& note) {
  return {
      {"apps/v1", "Deployment", "shop", deployment}, "Normal", "SuccessfulRescale", "Scale", note};
}

TEST(EventCorrelatorTest, ARepeatWithinTheWindowExtendsTheSeries) {
  EventCorrelator c;
  const EventCorrelator::Step first = c.Observe(Rescale("web", "New size: 4"), kT0);
  EXPECT_EQ(first.act, EventCorrelator::Act::kCreate);
  EXPECT_EQ(first.name, "web.18fae27693b40000");  // client-go: NAME.UNIXNANOS in hex
  const EventCorrelator::Step again =
      c.Observe(Rescale("web", "New size: 4"), kT0 + absl::Minutes(1));
  EXPECT_EQ(again.act, EventCorrelator::Act::kSeries);
  EXPECT_EQ(again.name, first.name);
  EXPECT_EQ(again.count, 2);
  // Another note, or the same after the window, is an Event of its own.
  EXPECT_EQ(c.Observe(Rescale("web", "New size: 6"), kT0 + absl::Minutes(2)).act,
            EventCorrelator::Act::kCreate);
  EXPECT_EQ(c.Observe(Rescale("web", "New size: 4"), kT0 + absl::Minutes(31)).act,
            EventCorrelator::Act::kCreate);
}

TEST(EventCorrelatorTest, AFlappingTargetIsLimitedToABurstThenOneEveryFiveMinutes) {
  EventCorrelator c;
  int created = 0;
  for (int i = 0; i < 100; ++i) {
    // Every decision a different count: no series, each would be a new Event.
    created +=
        c.Observe(Rescale("web", "New size: " + std::to_string(i)), kT0 + absl::Seconds(i)).act ==
        EventCorrelator::Act::kCreate;
  }
  EXPECT_EQ(created, 25);
  EXPECT_EQ(c.Observe(Rescale("web", "x"), kT0 + absl::Seconds(100)).act,
            EventCorrelator::Act::kDrop);
  EXPECT_EQ(c.Observe(Rescale("web", "y"), kT0 + absl::Seconds(99) + absl::Minutes(5)).act,
            EventCorrelator::Act::kCreate);
  // Another object has its own bucket.
  EXPECT_EQ(c.Observe(Rescale("api", "New size: 3"), kT0 + absl::Seconds(100)).act,
            EventCorrelator::Act::kCreate);
}

TEST(EventObjectTest, TheEventsV1ShapeWithTheNoteCutToOneKilobyte) {
  EventOptions options;
  options.reporting_instance = "limiar-0";
  const nlohmann::json e =
      EventObject(Rescale("web", std::string(2000, 'x')), "web.1", kT0, options);
  EXPECT_EQ(e["apiVersion"], "events.k8s.io/v1");
  EXPECT_EQ(e["eventTime"], "2027-01-15T08:00:00.000000Z");
  EXPECT_EQ(e["reportingController"], "tesserra.io/limiar");
  EXPECT_EQ(e["reportingInstance"], "limiar-0");
  EXPECT_EQ(e["regarding"]["kind"], "Deployment");
  EXPECT_EQ(e["note"].get<std::string>().size(), 1024u);
  EXPECT_EQ(SeriesPatch(3, kT0)["series"]["count"], 3);
}

class EventRecorderTest : public FakeClusterTest {};

TEST_F(EventRecorderTest, EventsReachTheApiServerAndRepeatsBecomeASeries) {
  EventOptions options;
  options.reporting_instance = "limiar-0";
  EventRecorder recorder(client_.get(), options);
  recorder.Record(Rescale("web", "New size: 4; reason: cpu above target"), kT0);
  recorder.Record(Rescale("web", "New size: 4; reason: cpu above target"), kT0 + absl::Seconds(15));
  recorder.Record(Rescale("web", "New size: 4; reason: cpu above target"), kT0 + absl::Seconds(30));
  ASSERT_TRUE(recorder.Flush(absl::Seconds(30)));
  const EventStats stats = recorder.stats();
  EXPECT_EQ(stats.created, 1);
  EXPECT_EQ(stats.series_updates, 2);
  EXPECT_EQ(stats.failed, 0) << stats.last_error;

  absl::StatusOr<nlohmann::json> listed = client_->List(
      [] {
        ResourceRef events = InShop("events", "events.k8s.io");
        events.version = "v1";
        return events;
      }(),
      {});
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ((*listed)["items"].size(), 1u);
  const nlohmann::json& e = (*listed)["items"][0];
  EXPECT_EQ(e["reason"], "SuccessfulRescale");
  EXPECT_EQ(e["note"], "New size: 4; reason: cpu above target");
  EXPECT_EQ(e["regarding"]["name"], "web");
  EXPECT_EQ(e["series"]["count"], 3);
}

TEST_F(EventRecorderTest, ARefusalIsCountedAndKept) {
  api_.Deny("create", "events.k8s.io", "events", "shop");
  EventRecorder recorder(client_.get(), {});
  recorder.Record(Rescale("web", "New size: 4"), kT0);
  ASSERT_TRUE(recorder.Flush(absl::Seconds(30)));
  EXPECT_EQ(recorder.stats().failed, 1);
  EXPECT_EQ(recorder.stats().last_outcome.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(recorder.stats().last_error.message(),
              ::testing::HasSubstr("grant `create` on `events` in `shop`"));
}

}  // namespace
}  // namespace limiar::kube
