// The PromQL poller on a ManualClock with a scripted querier: intervals, failures, logging.
#include "src/metrics/promql/promql_poller.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "src/common/clock.h"
#include "src/common/mutex.h"
#include "src/metrics/promql/promql_config.h"
#include "src/metrics/store/sample_store.h"
#include "src/policy/policy.h"
#include "tests/metrics/promql/promql_test_util.h"

namespace limiar::metrics {
namespace {

using ::testing::SizeIs;

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

class ScriptedQuerier : public PromQlQuerier {
 public:
  // The next answers for `query`, in order; the last one repeats.
  void Script(const std::string& query, std::vector<absl::StatusOr<PromQlValue>> answers) {
    MutexLock lock(&mu_);
    answers_[query] = std::move(answers);
  }
  absl::StatusOr<PromQlValue> Query(const PromQlQuery& query, absl::Time at) override {
    MutexLock lock(&mu_);
    calls_.emplace_back(query.query, at);
    called_.SignalAll();
    std::vector<absl::StatusOr<PromQlValue>>& a = answers_[query.query];
    if (a.empty()) return absl::InternalError("unscripted");
    absl::StatusOr<PromQlValue> next = a.front();
    if (a.size() > 1) a.erase(a.begin());
    return next;
  }
  std::vector<std::pair<std::string, absl::Time>> calls() {
    MutexLock lock(&mu_);
    return calls_;
  }
  // Waits (at most `limit`) until at least `n` queries have run.
  bool WaitForCalls(size_t n, absl::Duration limit) {
    const CondVar::Deadline deadline = CondVar::After(limit);
    MutexLock lock(&mu_);
    while (calls_.size() < n) {
      if (called_.WaitUntil(&mu_, deadline)) return calls_.size() >= n;
    }
    return true;
  }

 private:
  Mutex mu_;
  CondVar called_;
  std::map<std::string, std::vector<absl::StatusOr<PromQlValue>>> answers_ ABSL_GUARDED_BY(mu_);
  std::vector<std::pair<std::string, absl::Time>> calls_ ABSL_GUARDED_BY(mu_);
};

PromQlSource Source(const std::string& target, policy::MetricType metric, const std::string& query,
                    absl::Duration interval) {
  PromQlSource s;
  s.target = target;
  s.metric = metric;
  s.query.server_address = "http://prom:9090";
  s.query.query = query;
  s.query.interval = interval;
  return s;
}

// What every poller test sets up: a scripted querier, a store and a manual clock at kT0.
class PromQlPollerTest : public ::testing::Test {
 protected:
  // The poller over `sources`, wired to this fixture's querier, store and clock.
  PromQlPoller& MakePoller(std::vector<PromQlSource> sources, PromQlHealthLog log = nullptr) {
    poller_ = std::make_unique<PromQlPoller>(std::move(sources), &querier_, store_.get(), &clock_,
                                             std::move(log));
    return *poller_;
  }
  // The store's whole-target value for `target`'s `metric` at `now`.
  std::optional<double> Stored(const std::string& target, policy::MetricType metric,
                               absl::Time now) {
    return promql_test::StoredValue(*store_, target, metric, now);
  }

  ScriptedQuerier querier_;
  std::unique_ptr<SampleStore> store_ = std::make_unique<SampleStore>();
  ManualClock clock_{kT0};
  std::unique_ptr<PromQlPoller> poller_;  // last: stops before what it uses goes away
};

TEST_F(PromQlPollerTest, RunsEachQueryOnItsIntervalAndStoresStampedValues) {
  querier_.Script("fast", {PromQlValue{10, ""}, PromQlValue{11, ""}, PromQlValue{12, ""}});
  querier_.Script("slow", {PromQlValue{3, ""}, PromQlValue{4, ""}});
  PromQlPoller& poller =
      MakePoller({Source("web", policy::MetricType::kRequests, "fast", absl::Seconds(10)),
                  Source("web", policy::MetricType::kConnections, "slow", absl::Seconds(30))});

  EXPECT_EQ(poller.PollDue(kT0), 2);  // everything is due at first
  EXPECT_EQ(Stored("web", policy::MetricType::kRequests, kT0), 10);
  EXPECT_EQ(Stored("web", policy::MetricType::kConnections, kT0), 3);
  EXPECT_EQ(poller.PollDue(kT0 + absl::Seconds(9)), 0);
  EXPECT_EQ(poller.PollDue(kT0 + absl::Seconds(10)), 1);
  EXPECT_EQ(Stored("web", policy::MetricType::kRequests, kT0 + absl::Seconds(10)), 11);
  // A late tick runs the query once and counts the next interval from then.
  EXPECT_EQ(poller.PollDue(kT0 + absl::Seconds(35)), 2);
  EXPECT_EQ(poller.PollDue(kT0 + absl::Seconds(44)), 0);
  EXPECT_EQ(poller.PollDue(kT0 + absl::Seconds(45)), 1);

  // Each query was evaluated at the tick's time, and the value is stamped with it: the store
  // does not show it to an evaluation before that time.
  const std::vector<std::pair<std::string, absl::Time>> calls = querier_.calls();
  ASSERT_THAT(calls, SizeIs(6));
  EXPECT_EQ(calls[0], std::make_pair(std::string("fast"), kT0));
  EXPECT_EQ(calls[2], std::make_pair(std::string("fast"), kT0 + absl::Seconds(10)));
  EXPECT_EQ(calls[4], std::make_pair(std::string("slow"), kT0 + absl::Seconds(35)));
  EXPECT_EQ(Stored("web", policy::MetricType::kRequests, kT0 + absl::Seconds(45)), 12);
  EXPECT_EQ(Stored("web", policy::MetricType::kConnections, kT0 + absl::Seconds(45)), 4);

  const std::vector<PromQlSourceStatus> status = poller.SourceStatus();
  ASSERT_THAT(status, SizeIs(2));
  EXPECT_EQ(status[0].target, "web");
  EXPECT_EQ(status[0].query, "fast");
  EXPECT_EQ(status[0].server_address, "http://prom:9090");
  EXPECT_EQ(status[0].total_queries, 4);
  EXPECT_EQ(status[0].last_value, 12);
  EXPECT_EQ(status[0].last_success, kT0 + absl::Seconds(45));
  EXPECT_EQ(status[0].next_due, kT0 + absl::Seconds(55));
  EXPECT_TRUE(status[0].last_error.ok());
  EXPECT_EQ(status[1].total_queries, 2);
  EXPECT_EQ(poller.total_errors(), 0);
}

TEST_F(PromQlPollerTest, AFailureRecordsNothingAndIsCounted) {
  querier_.Script("q",
                  {PromQlValue{5, ""}, absl::UnavailableError("prometheus down"),
                   absl::InvalidArgumentError("the query returned 2 series"), PromQlValue{6, ""}});
  SampleStoreOptions options;
  options.max_age = absl::Seconds(60);
  store_ = std::make_unique<SampleStore>(options);
  PromQlPoller& poller =
      MakePoller({Source("api", policy::MetricType::kRequests, "q", absl::Seconds(20))});

  poller.PollDue(kT0);
  poller.PollDue(kT0 + absl::Seconds(20));  // fails
  // The old value is still the newest one; nothing (no 0) was written for the failure.
  EXPECT_EQ(Stored("api", policy::MetricType::kRequests, kT0 + absl::Seconds(20)), 5);
  poller.PollDue(kT0 + absl::Seconds(40));  // fails
  std::vector<PromQlSourceStatus> status = poller.SourceStatus();
  EXPECT_EQ(status[0].consecutive_failures, 2);
  EXPECT_EQ(status[0].total_errors, 2);
  EXPECT_EQ(status[0].last_error.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status[0].last_error_time, kT0 + absl::Seconds(40));
  EXPECT_EQ(status[0].last_value, 5);
  EXPECT_EQ(status[0].last_success, kT0);
  EXPECT_EQ(poller.total_errors(), 2);
  // Past the store's max_age the old value is missing, not zero.
  EXPECT_EQ(Stored("api", policy::MetricType::kRequests, kT0 + absl::Seconds(61)), std::nullopt);

  poller.PollDue(kT0 + absl::Seconds(60));  // recovers
  status = poller.SourceStatus();
  EXPECT_EQ(status[0].consecutive_failures, 0);
  EXPECT_EQ(status[0].total_errors, 2);
  EXPECT_EQ(status[0].last_error.code(), absl::StatusCode::kInvalidArgument);  // kept
  EXPECT_EQ(status[0].last_value, 6);
  EXPECT_EQ(Stored("api", policy::MetricType::kRequests, kT0 + absl::Seconds(61)), 6);
}

TEST_F(PromQlPollerTest, LogsEachDistinctFailureOnceAndTheRecovery) {
  const auto refused = [](int ms) {
    return absl::UnavailableError(absl::StrCat(
        "prometheus http://prom:9090: GET http://prom:9090/api/v1/query: Failed to connect to "
        "prom port 9090 after ",
        ms, " ms: Couldn't connect to server"));
  };
  const absl::Status two_series = absl::InvalidArgumentError("the query returned 2 series");
  querier_.Script("q", {PromQlValue{5, ""}, refused(0), refused(3), refused(1), two_series,
                        two_series, PromQlValue{6, ""}, PromQlValue{7, ""}, refused(0)});
  std::vector<PromQlHealthChange> logged;
  PromQlPoller& poller =
      MakePoller({Source("api", policy::MetricType::kRequests, "q", absl::Seconds(1))},
                 [&](const PromQlHealthChange& change) { logged.push_back(change); });
  for (int i = 0; i < 9; ++i) poller.PollDue(kT0 + absl::Seconds(i));

  // Three polls refused (only the milliseconds differ), two with too many series, two
  // successes, one refusal: four lines, not seven.
  ASSERT_THAT(logged, SizeIs(4));
  EXPECT_EQ(logged[0].error, refused(0));
  EXPECT_EQ(logged[0].consecutive_failures, 1);
  EXPECT_EQ(logged[1].error, two_series);
  EXPECT_EQ(logged[1].consecutive_failures, 4);
  EXPECT_TRUE(logged[2].error.ok());
  EXPECT_EQ(logged[2].consecutive_failures, 5);
  EXPECT_EQ(logged[3].error, refused(0));
  EXPECT_EQ(logged[3].consecutive_failures, 1);
  EXPECT_EQ(logged[0].target, "api");
  EXPECT_EQ(logged[0].server_address, "http://prom:9090");

  EXPECT_EQ(DescribeHealthChange(logged[1]),
            "promql source api/requests (http://prom:9090) failed: INVALID_ARGUMENT: the query "
            "returned 2 series (4 failed queries in a row; logged again when the error changes "
            "or the source recovers)");
  EXPECT_EQ(DescribeHealthChange(logged[2]),
            "promql source api/requests (http://prom:9090) answers again after 5 failed queries");
}

TEST_F(PromQlPollerTest, KedasNullZeroIsStoredAndFlagged) {
  querier_.Script("q", {PromQlValue{0, "empty result"}});
  PromQlPoller& poller =
      MakePoller({Source("api", policy::MetricType::kRequests, "q", absl::Seconds(20))});
  poller.PollDue(kT0);
  EXPECT_EQ(Stored("api", policy::MetricType::kRequests, kT0), 0);
  EXPECT_EQ(poller.SourceStatus()[0].last_null_replaced, "empty result");
}

TEST_F(PromQlPollerTest, StartPollsOnItsThreadUntilStopped) {
  querier_.Script("q", {PromQlValue{7, ""}});
  PromQlPoller& poller =
      MakePoller({Source("api", policy::MetricType::kRequests, "q", absl::Seconds(20))});
  poller.Stop();  // not running: no-op
  poller.Start();
  poller.Start();  // running: no-op
  ASSERT_TRUE(querier_.WaitForCalls(1, absl::Seconds(10)));
  poller.Stop();
  // The thread read the clock: the value is stamped with the ManualClock's time.
  EXPECT_EQ(querier_.calls()[0].second, kT0);
  EXPECT_EQ(Stored("api", policy::MetricType::kRequests, kT0), 7);
  // Restartable; the manual clock has not moved, so nothing is due.
  poller.Start();
  poller.Stop();
  EXPECT_THAT(querier_.calls(), SizeIs(1));
}

}  // namespace
}  // namespace limiar::metrics
