#include "src/kube/leader_election.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>

#include "gmock/gmock.h"
#include "tests/kube/fake_cluster.h"

namespace limiar::kube {
namespace {

using ::testing::HasSubstr;

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

ElectionConfig Config(const std::string& identity) {
  ElectionConfig config;
  config.identity = identity;
  return config;  // kube-controller-manager's 15 s / 10 s / 2 s
}

LeaseRecord HeldBy(const std::string& holder, absl::Time at, int32_t transitions = 0) {
  return LeaseRecord{holder, 15, at, at, transitions};
}

TEST(LeaderElectorTest, CreatesALeaseThatDoesNotExist) {
  LeaderElector elector(Config("a"));
  const LeaderElector::Step step = elector.Next(std::nullopt, kT0);
  EXPECT_EQ(step.write, LeaderElector::Write::kCreate);
  EXPECT_EQ(step.record, HeldBy("a", kT0));
  EXPECT_FALSE(elector.IsLeader(kT0));  // not before the write succeeded
  elector.Wrote(step.record, kT0);
  EXPECT_TRUE(elector.IsLeader(kT0));
  EXPECT_EQ(elector.leader(), "a");
}

TEST(LeaderElectorTest, FollowsALiveHolderAndTakesOverOnlyAfterItsLeaseRanOutOnOurClock) {
  LeaderElector elector(Config("b"));
  // The holder's renewTime is far in the past by our clock: clocks disagree between nodes,
  // so only when the record last changed, as seen here, counts.
  const LeaseRecord held = HeldBy("a", kT0 - absl::Hours(1), 3);
  EXPECT_EQ(elector.Next(held, kT0).write, LeaderElector::Write::kNone);
  EXPECT_EQ(elector.leader(), "a");
  EXPECT_EQ(elector.Next(held, kT0 + absl::Seconds(14)).write, LeaderElector::Write::kNone);

  // A renewal seen restarts the count.
  const LeaseRecord renewed = HeldBy("a", kT0 - absl::Minutes(59), 3);
  EXPECT_EQ(elector.Next(renewed, kT0 + absl::Seconds(14)).write, LeaderElector::Write::kNone);
  EXPECT_EQ(elector.Next(renewed, kT0 + absl::Seconds(28)).write, LeaderElector::Write::kNone);

  const absl::Time later = kT0 + absl::Seconds(29);
  const LeaderElector::Step take = elector.Next(renewed, later);
  EXPECT_EQ(take.write, LeaderElector::Write::kUpdate);
  EXPECT_EQ(take.record, HeldBy("b", later, 4));  // one more transition
  elector.Wrote(take.record, later);
  EXPECT_TRUE(elector.IsLeader(later));
}

TEST(LeaderElectorTest, RenewsKeepingItsAcquireTimeAndStopsLeadingAtTheRenewDeadline) {
  LeaderElector elector(Config("a"));
  LeaseRecord mine = HeldBy("a", kT0, 2);
  elector.Wrote(mine, kT0);
  const absl::Time t = kT0 + absl::Seconds(2);
  const LeaderElector::Step renew = elector.Next(mine, t);
  ASSERT_EQ(renew.write, LeaderElector::Write::kUpdate);
  EXPECT_EQ(renew.record.acquire_time, kT0);
  EXPECT_EQ(renew.record.renew_time, t);
  EXPECT_EQ(renew.record.transitions, 2);

  // The renewal never succeeds (the API server is unreachable): leader until 10 s after
  // the last success, then not, although the Lease itself runs 15 s.
  EXPECT_TRUE(elector.IsLeader(kT0 + absl::Seconds(9)));
  EXPECT_FALSE(elector.IsLeader(kT0 + absl::Seconds(10)));
}

TEST(LeaderElectorTest, StopsLeadingAtOnceWhenAnotherHoldsTheLease) {
  LeaderElector elector(Config("a"));
  elector.Wrote(HeldBy("a", kT0), kT0);
  EXPECT_EQ(elector.Next(HeldBy("b", kT0 + absl::Seconds(1)), kT0 + absl::Seconds(1)).write,
            LeaderElector::Write::kNone);
  EXPECT_FALSE(elector.IsLeader(kT0 + absl::Seconds(1)));
}

TEST(LeaderElectorTest, AReleasedLeaseIsTakenAtOnce) {
  LeaderElector leader(Config("a"));
  leader.Wrote(HeldBy("a", kT0, 5), kT0);
  const LeaseRecord released = leader.Released(kT0 + absl::Seconds(3));
  EXPECT_EQ(released, (LeaseRecord{"", 1, kT0 + absl::Seconds(3), kT0 + absl::Seconds(3), 5}));

  LeaderElector follower(Config("b"));
  const LeaderElector::Step step = follower.Next(released, kT0 + absl::Seconds(3));
  EXPECT_EQ(step.write, LeaderElector::Write::kUpdate);
  EXPECT_EQ(step.record.transitions, 6);
}

TEST(LeaderElectorTest, ConfigIsCheckedAsClientGoChecksIt) {
  EXPECT_TRUE(ValidateElectionConfig(Config("a")).ok());
  EXPECT_THAT(ValidateElectionConfig(Config("")).message(), HasSubstr("identity"));
  ElectionConfig config = Config("a");
  config.renew_deadline = absl::Seconds(15);
  EXPECT_THAT(ValidateElectionConfig(config).message(), HasSubstr("longer than its renew"));
  config = Config("a");
  config.retry_period = absl::Seconds(9);
  EXPECT_THAT(ValidateElectionConfig(config).message(), HasSubstr("1.2 x the retry period"));
  config.retry_period = absl::ZeroDuration();
  EXPECT_FALSE(ValidateElectionConfig(config).ok());
}

TEST(LeaseRecordTest, ReadsAndWritesTheLeaseSpecWithMicroTimes) {
  const LeaseRecord record{"limiar-7c9f-x2", 15, kT0 + absl::Microseconds(123456),
                           kT0 + absl::Seconds(4), 2};
  const nlohmann::json spec = LeaseSpec(record);
  EXPECT_EQ(spec["acquireTime"], "2027-01-15T08:00:00.123456Z");
  EXPECT_EQ(spec["leaseDurationSeconds"], 15);
  absl::StatusOr<LeaseRecord> read = LeaseRecordFromLease({{"spec", spec}});
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, record);

  // A Lease with an empty spec (someone created it by hand) reads as released.
  EXPECT_EQ(LeaseRecordFromLease({{"spec", nlohmann::json::object()}}).value(), LeaseRecord{});
  absl::StatusOr<LeaseRecord> bad =
      LeaseRecordFromLease({{"spec", {{"leaseDurationSeconds", "15"}}}});
  EXPECT_THAT(bad.status().message(), HasSubstr("spec.leaseDurationSeconds"));
  bad = LeaseRecordFromLease({{"spec", {{"renewTime", "yesterday"}}}});
  EXPECT_THAT(bad.status().message(), HasSubstr("spec.renewTime"));
}

class LeaseLeaderTest : public FakeClusterTest {
 protected:
  LeaseLeaderTest() : clock_(kT0), other_client_(NewClient()) {}

  static ResourceRef Lease(const std::string& name = "limiar") {
    return InShop("leases", "coordination.k8s.io", name);
  }
  LeaseRecord Stored(const std::string& name = "limiar") {
    std::optional<nlohmann::json> lease =
        api_.Get("/apis/coordination.k8s.io/v1/namespaces/shop/leases/" + name);
    EXPECT_TRUE(lease.has_value());
    return lease ? LeaseRecordFromLease(*lease).value() : LeaseRecord{};
  }

  ManualClock clock_;
  std::unique_ptr<ApiClient> other_client_;
};

TEST_F(LeaseLeaderTest, OneCopyLeadsTheOtherFollowsAndTakesOverWhenTheLeaderFallsSilent) {
  LeaseLeader a(client_.get(), Lease(), Config("a"), &clock_);
  LeaseLeader b(other_client_.get(), Lease(), Config("b"), &clock_);
  ASSERT_TRUE(a.TryAcquireOrRenew().ok()) << a.last_error();
  ASSERT_TRUE(b.TryAcquireOrRenew().ok()) << b.last_error();
  EXPECT_TRUE(a.IsLeader());
  EXPECT_FALSE(b.IsLeader());
  EXPECT_EQ(b.leader(), "a");
  EXPECT_EQ(Stored().holder, "a");

  // a renews every retry period; b stays a follower throughout.
  for (int i = 0; i < 10; ++i) {
    clock_.Advance(absl::Seconds(2));
    ASSERT_TRUE(a.TryAcquireOrRenew().ok()) << a.last_error();
    ASSERT_TRUE(b.TryAcquireOrRenew().ok()) << b.last_error();
    ASSERT_TRUE(a.IsLeader());
    ASSERT_FALSE(b.IsLeader());
  }
  EXPECT_EQ(Stored().renew_time, clock_.Now());

  // a falls silent (hung, partitioned): b takes over once the Lease has run out on b's clock.
  clock_.Advance(absl::Seconds(14));
  ASSERT_TRUE(b.TryAcquireOrRenew().ok());
  EXPECT_FALSE(b.IsLeader());
  EXPECT_FALSE(a.IsLeader());  // a's renew deadline passed long before: it stopped acting
  clock_.Advance(absl::Seconds(2));
  ASSERT_TRUE(b.TryAcquireOrRenew().ok()) << b.last_error();
  EXPECT_TRUE(b.IsLeader());
  EXPECT_EQ(Stored().holder, "b");
  EXPECT_EQ(Stored().transitions, 1);

  // a comes back and finds b holding the Lease.
  ASSERT_TRUE(a.TryAcquireOrRenew().ok());
  EXPECT_FALSE(a.IsLeader());
  EXPECT_EQ(a.leader(), "b");
}

TEST_F(LeaseLeaderTest, OfTwoCopiesRacingForTheLeaseExactlyOneWins) {
  for (int round = 0; round < 10; ++round) {
    const std::string name = "race-" + std::to_string(round);
    LeaseLeader a(client_.get(), Lease(name), Config("a"), &clock_);
    LeaseLeader b(other_client_.get(), Lease(name), Config("b"), &clock_);
    std::thread ta([&] { (void)a.TryAcquireOrRenew(); });
    std::thread tb([&] { (void)b.TryAcquireOrRenew(); });
    ta.join();
    tb.join();
    ASSERT_NE(a.IsLeader(), b.IsLeader())
        << "round " << round << ": " << a.last_error() << " / " << b.last_error();
    LeaseLeader& loser = a.IsLeader() ? b : a;
    // The loser either read the winner's Lease, or wrote second and was refused.
    const absl::StatusCode code = loser.last_error().code();
    EXPECT_TRUE(code == absl::StatusCode::kOk || code == absl::StatusCode::kAlreadyExists ||
                code == absl::StatusCode::kAborted)
        << loser.last_error();
    EXPECT_EQ(Stored(name).holder, a.IsLeader() ? "a" : "b");
  }
}

TEST_F(LeaseLeaderTest, ALeaderThatCannotRenewStopsBeforeItsLeaseCouldExpire) {
  LeaseLeader a(client_.get(), Lease(), Config("a"), &clock_);
  ASSERT_TRUE(a.TryAcquireOrRenew().ok());
  api_.FailNext("/apis/coordination.k8s.io/v1/namespaces/shop/leases", 100, 503);
  for (int i = 0; i < 4; ++i) {
    clock_.Advance(absl::Seconds(2));
    EXPECT_EQ(a.TryAcquireOrRenew().code(), absl::StatusCode::kUnavailable);
    EXPECT_TRUE(a.IsLeader()) << "at " << (i + 1) * 2 << " s";
  }
  clock_.Advance(absl::Seconds(2));  // 10 s since the last renewal: the renew deadline
  EXPECT_FALSE(a.IsLeader());
  EXPECT_THAT(a.last_error().message(), HasSubstr("leases"));
}

TEST_F(LeaseLeaderTest, StoppingReleasesTheLeaseSoAnotherTakesOverAtOnce) {
  LeaseLeader a(client_.get(), Lease(), Config("a"), &clock_);
  a.Start();  // one round at least runs before the thread checks for Stop
  a.Stop();
  EXPECT_FALSE(a.IsLeader());
  const LeaseRecord released = Stored();
  EXPECT_EQ(released.holder, "");
  EXPECT_EQ(released.lease_duration_s, 1);

  LeaseLeader b(other_client_.get(), Lease(), Config("b"), &clock_);
  ASSERT_TRUE(b.TryAcquireOrRenew().ok()) << b.last_error();
  EXPECT_TRUE(b.IsLeader());
  EXPECT_EQ(Stored().transitions, 1);
}

TEST_F(LeaseLeaderTest, AFollowerStoppingLeavesTheLeaseAlone) {
  LeaseLeader a(client_.get(), Lease(), Config("a"), &clock_);
  LeaseLeader b(other_client_.get(), Lease(), Config("b"), &clock_);
  ASSERT_TRUE(a.TryAcquireOrRenew().ok());
  ASSERT_TRUE(b.TryAcquireOrRenew().ok());
  b.Stop();
  EXPECT_EQ(Stored().holder, "a");
  EXPECT_TRUE(a.IsLeader());
}

}  // namespace
}  // namespace limiar::kube
