// The report's summary table, one row per (resource, policy), and the grouping of runs by
// resource that the table and the chart panels share: comparisons are per resource, since
// policies only compete on the same traffic.
#ifndef LIMIAR_SIM_REPORT_REPORT_SUMMARY_H_
#define LIMIAR_SIM_REPORT_REPORT_SUMMARY_H_

#include <string>
#include <vector>

#include "src/sim/model/sim_result.h"

namespace limiar::sim {

struct PolicyResource {
  const RunResult* run = nullptr;
  const ResourceRun* resource = nullptr;
};

struct ResourceGroup {
  std::string target;
  std::vector<PolicyResource> entries;  // in the report's run order
  // With two or more policies: the entry that meets the SLO at the lowest cost (replica-
  // hours when unpriced), the setting simulation.md recommends. -1 when none qualifies.
  int cheapest_meeting_slo = -1;
};

// Resources in order of first appearance across the runs.
std::vector<ResourceGroup> GroupByResource(const Report& report);

void AppendSummaryTable(std::string& out, const std::vector<ResourceGroup>& groups);

}  // namespace limiar::sim

#endif  // LIMIAR_SIM_REPORT_REPORT_SUMMARY_H_
