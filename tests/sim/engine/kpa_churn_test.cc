// Knative's KPA through replica churn, end to end: the simulator's scrapes reach the
// production sample store and control loop. Knative's collector records, per scrape, the
// average per ready pod times the ready pod count; averaged over the window, a clean step
// of demand then reads as exactly that demand however many replicas came or went inside
// the window. Summing each present replica's own window mean instead loses the traffic of
// removed replicas (too little load after a scale-down) and counts a new replica as if it
// had been there all window (too much after a scale-up): the count then oscillates.
#include <cmath>

#include "gtest/gtest.h"
#include "src/sim/engine/simulation.h"

namespace limiar::sim {
namespace {

// `web` at limiar 65 of 100 requests/s per replica, KPA defaults, a deterministic step of
// demand (no noise) at t = 300 s, replicas ready 10 s after they are asked for.
std::string StepScenario(double before, double after, int initial) {
  return absl::StrCat(R"({
  "blueprint": {"nome": "t", "recursos": [
    {"tipo": "compute", "nome": "web", "config": {"replicas_min": 1, "replicas_max": 30}},
    {"tipo": "autoscale", "nome": "scale-web", "config": {"alvo_recurso_id": "web",
      "metrica": "requests", "limiar": 65, "capacidade_por_replica": 100,
      "algoritmo": "kpa"}}]},
  "duration_s": 900, "seed": 3,
  "targets": {"web": {"traffic": {"kind": "step", "before": )",
                      before, R"(, "after": )", after, R"(, "at_s": 300},
    "initial_replicas": )",
                      initial, R"(, "startup_delay_s": 10}}})");
}

std::vector<DecisionRecord> Decisions(const std::string& scenario_text) {
  absl::StatusOr<Scenario> s = ParseScenario(scenario_text, "step.json", ".");
  EXPECT_TRUE(s.ok()) << s.status();
  absl::StatusOr<PreparedTraffic> traffic = PrepareTraffic(*s);
  EXPECT_TRUE(traffic.ok()) << traffic.status();
  absl::StatusOr<PolicyVariant> v = ParsePolicyVariant("blueprint");
  EXPECT_TRUE(v.ok()) << v.status();
  absl::StatusOr<RunResult> r = RunSimulation(*s, *traffic, *v, {});
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? r->resources.at(0).decisions : std::vector<DecisionRecord>{};
}

TEST(KpaChurnTest, AfterAScaleDownTheLoadOfRemovedReplicasStaysInTheWindow) {
  // 1,000 -> 500 requests/s: 500 / 65 per replica needs 8 replicas, and no fewer.
  const int needed = static_cast<int>(std::ceil(500 / 65.0));
  const std::vector<DecisionRecord> decisions = Decisions(StepScenario(1000, 500, 16));
  ASSERT_FALSE(decisions.empty());
  for (const DecisionRecord& d : decisions) {
    if (d.t_s < 300) continue;
    EXPECT_GE(d.desired, needed) << "at t=" << d.t_s << " s: " << d.message;
    // Once the stable window holds only the new demand, the count is exactly what it needs.
    if (d.t_s >= 300 + 60 + 15) {
      EXPECT_EQ(d.desired, needed) << "at t=" << d.t_s << " s: " << d.message;
    }
  }
}

TEST(KpaChurnTest, AfterAScaleUpNewReplicasCountOnlyFromTheirFirstScrape) {
  // 500 -> 1,000 requests/s: 1,000 / 65 needs 16 replicas, and no more.
  const int needed = static_cast<int>(std::ceil(1000 / 65.0));
  const std::vector<DecisionRecord> decisions = Decisions(StepScenario(500, 1000, 8));
  ASSERT_FALSE(decisions.empty());
  bool reached = false;
  for (const DecisionRecord& d : decisions) {
    if (d.t_s < 300) continue;
    EXPECT_LE(d.desired, needed) << "at t=" << d.t_s << " s: " << d.message;
    reached = reached || d.desired == needed;
    if (d.t_s >= 300 + 60 + 60) {
      EXPECT_EQ(d.desired, needed) << "at t=" << d.t_s << " s: " << d.message;
    }
  }
  EXPECT_TRUE(reached);
}

}  // namespace
}  // namespace limiar::sim
