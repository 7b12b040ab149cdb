// Placeholder until the kpa runner lands: every case fails loudly.
#include "src/conformance/conformance.h"

namespace limiar::conformance {
namespace {
CaseOutcome NotYet(const nlohmann::json& c) {
  CaseOutcome out;
  out.id = c.value("id", "?");
  out.name = c.value("name", "");
  out.expected = "an implementation";
  out.got = "not implemented yet";
  return out;
}
}  // namespace
CaseOutcome RunKpaCase(const nlohmann::json& c) { return NotYet(c); }
}  // namespace limiar::conformance
