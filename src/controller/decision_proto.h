// Conversions between decision types and their limiar.v1 wire form.
#ifndef LIMIAR_CONTROLLER_DECISION_PROTO_H_
#define LIMIAR_CONTROLLER_DECISION_PROTO_H_

#include <string>
#include <vector>

#include "limiar/v1/admin.pb.h"
#include "src/controller/decision.h"

namespace limiar::controller {

limiar::v1::Mode ModeToProto(policy::Mode mode);
// False for MODE_UNSPECIFIED or an unknown number.
bool ModeFromProto(limiar::v1::Mode wire, policy::Mode* out);
void DecisionToProto(const Decision& d, limiar::v1::Decision* out);
void SummaryToProto(const policy::TargetPolicy& t, policy::Mode mode,
                    limiar::v1::ResourceSummary* out);
// The reasoning behind a decision, one step a line, from observation to actuation.
std::vector<std::string> ExplainSteps(const Decision& d, const policy::TargetPolicy& t);

}  // namespace limiar::controller

#endif  // LIMIAR_CONTROLLER_DECISION_PROTO_H_
