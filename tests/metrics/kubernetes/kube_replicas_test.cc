// Pods merged into the store's observations: a pod without a sample is a missing replica,
// a sample without a pod is dropped, the pod's readiness wins.
#include "src/metrics/kubernetes/kube_replicas.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace limiar::metrics {
namespace {

const absl::Time kT = absl::FromUnixSeconds(1714557600);

PodReplica Pod(const std::string& name, bool ready) {
  return {
      .name = name, .ready = ready, .ready_transition = kT, .start_time = kT - absl::Minutes(1)};
}

policy::ReplicaSample Sampled(const std::string& id, double value, bool ready = true) {
  policy::ReplicaSample r;
  r.replica_id = id;
  r.value = value;
  r.ready = ready;
  r.sample_time = kT + absl::Seconds(10);
  return r;
}

// "id=value" or "id=missing", with "(unready)" when not ready.
std::vector<std::string> Describe(const policy::MetricObservation& o) {
  std::vector<std::string> out;
  for (const policy::ReplicaSample& r : o.replicas) {
    out.push_back(r.replica_id + "=" +
                  (r.value ? std::to_string(static_cast<int>(*r.value)) : "missing") +
                  (r.ready ? "" : "(unready)"));
  }
  return out;
}

struct MergeCase {
  const char* name;
  std::vector<PodReplica> pods;
  std::vector<policy::ReplicaSample> samples;
  std::vector<std::string> want;
};

TEST(KubeReplicasTest, MergesPodsIntoObservations) {
  const MergeCase cases[] = {
      {"every pod sampled",
       {Pod("a", true), Pod("b", true)},
       {Sampled("a", 1), Sampled("b", 2)},
       {"a=1", "b=2"}},
      {"a pod without a sample is missing, not zero",
       {Pod("a", true), Pod("c", true)},
       {Sampled("a", 1)},
       {"a=1", "c=missing"}},
      {"a sample without a pod is dropped",
       {Pod("a", true)},
       {Sampled("a", 1), Sampled("gone", 9)},
       {"a=1"}},
      {"the pod's readiness wins over the sample's",
       {Pod("a", false)},
       {Sampled("a", 1, /*ready=*/true)},
       {"a=1(unready)"}},
      {"ids come out sorted",
       {Pod("z", true), Pod("m", false)},
       {},
       {"m=missing(unready)", "z=missing"}},
      {"no pods, no replicas", {}, {Sampled("a", 1)}, {}},
      {"samples in any order pair with their pods, around ones without",
       {Pod("b", true), Pod("a", true), Pod("d", true)},
       {Sampled("d", 4), Sampled("0", 9), Sampled("b", 2), Sampled("c", 3), Sampled("e", 5)},
       {"a=missing", "b=2", "d=4"}},
  };
  for (const MergeCase& c : cases) {
    policy::MetricObservation o;
    o.replicas = c.samples;
    MergePodReplicas(c.pods, &o);
    EXPECT_EQ(Describe(o), c.want) << c.name;
  }
}

TEST(KubeReplicasTest, KeepsTheSampleAndTakesThePodsTimes) {
  policy::MetricObservation o;
  o.replicas = {Sampled("a", 3)};
  MergePodReplicas({Pod("a", true)}, &o);
  ASSERT_EQ(o.replicas.size(), 1u);
  EXPECT_EQ(o.replicas[0].sample_time, kT + absl::Seconds(10));
  EXPECT_EQ(o.replicas[0].ready_transition, kT);
  EXPECT_EQ(o.replicas[0].start_time, kT - absl::Minutes(1));
}

TEST(KubeReplicasTest, LeavesFailedAndWholeTargetObservationsAlone) {
  policy::MetricObservation failed;
  failed.error = absl::UnavailableError("x");
  MergePodReplicas({Pod("a", true)}, &failed);
  EXPECT_TRUE(failed.replicas.empty());
  policy::MetricObservation whole;
  whole.whole_target_value = 5;
  MergePodReplicas({Pod("a", true)}, &whole);
  EXPECT_TRUE(whole.replicas.empty());
}

}  // namespace
}  // namespace limiar::metrics
