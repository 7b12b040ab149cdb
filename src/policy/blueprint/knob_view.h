// Every knob of a resolved TargetPolicy as the blueprint names it, with its effective value,
// its origin, and whether the chosen algorithm reads it. The JSON and the table renderings
// both come from this one list, so neither can forget a knob.
#ifndef LIMIAR_POLICY_BLUEPRINT_KNOB_VIEW_H_
#define LIMIAR_POLICY_BLUEPRINT_KNOB_VIEW_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "src/policy/policy_config.h"

namespace limiar::policy::blueprint {

struct KnobView {
  std::string key;                // as the blueprint spells it
  nlohmann::json value;           // as a blueprint would write it (seconds, spellings)
  std::vector<std::string> text;  // the value for people: one line, or one per list entry
  Origin origin = Origin::kDefault;
  std::string note;  // why the policy does not read this knob; empty when it does
};

struct MetricView {
  std::string autoscale;  // the autoscale resource's nome
  std::string metric;     // cpu | requests | connections
  double limiar = 0;
  double capacity = 0;
  std::string unit;  // of capacity
  Origin limiar_origin = Origin::kBlueprint;
  Origin capacity_origin = Origin::kDefault;
};

// Knobs in documentation order; provenance entries that are missing count as defaults.
std::vector<KnobView> DescribeKnobs(const TargetPolicy& p);
std::vector<MetricView> DescribeMetrics(const TargetPolicy& p);

// "legacy" or "behavior": which HPA normalization applies.
const char* HpaPathName(const TargetPolicy& p);
const char* OriginName(Origin o);  // "blueprint" | "default"

// 300 -> "300s (5m)"; whole seconds print without decimals.
std::string FormatSeconds(absl::Duration d);
// A double as JSON: whole numbers as integers, so 300.0 prints as 300.
nlohmann::json JsonNumber(double v);

}  // namespace limiar::policy::blueprint

#endif  // LIMIAR_POLICY_BLUEPRINT_KNOB_VIEW_H_
