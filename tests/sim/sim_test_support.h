// Small scenarios for the simulator's tests, written inline so each test says what it
// simulates.
#ifndef LIMIAR_TESTS_SIM_SIM_TEST_SUPPORT_H_
#define LIMIAR_TESTS_SIM_SIM_TEST_SUPPORT_H_

#include <cstdlib>
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace limiar::sim::testing {

// One compute `web` (1..10 replicas) scaled on `requests` at limiar 60 with 100 requests/s
// per replica; `knobs` are extra autoscale keys (",\"algoritmo\": \"kpa\"") and `body` the
// scenario's other top-level keys, traffic included.
inline std::string WebScenario(const std::string& body, const std::string& knobs = "") {
  return absl::StrCat(R"({
  "blueprint": {"nome": "t", "recursos": [
    {"tipo": "compute", "nome": "web", "config": {"replicas_min": 1, "replicas_max": 10}},
    {"tipo": "autoscale", "nome": "scale-web", "config": {"alvo_recurso_id": "web",
      "metrica": "requests", "limiar": 60, "capacidade_por_replica": 100)",
                      knobs, R"(}}]},
)",
                      body, "}");
}

// A 20-minute flash sale on `web`: 80 requests/s, x6 from t=300 s.
inline std::string FlashSaleBody(const std::string& extra = "") {
  return absl::StrCat(R"("duration_s": 1200, "seed": 7,
  "targets": {"web": {"traffic": {"kind": "flash_sale", "baseline": 80, "start_s": 300,
    "ramp_s": 60, "peak_multiple": 6, "hold_s": 300, "decay_s": 120},
    "service_time_ms": 50, "startup_delay_s": {"uniform_s": [20, 40]}}})",
                      extra);
}

// ../shared as the tests see it (LIMIAR_SHARED_DIR when set); empty when its traces are
// absent.
inline std::string SharedDir() {
  const char* env = std::getenv("LIMIAR_SHARED_DIR");
  std::string dir = env != nullptr ? env : "../shared";
  return std::filesystem::is_directory(dir + "/traces") ? dir : "";
}

// ../shared/traces, or empty when absent.
inline std::string SharedTracesDir() {
  const std::string dir = SharedDir();
  return dir.empty() ? "" : dir + "/traces";
}

}  // namespace limiar::sim::testing

#endif  // LIMIAR_TESTS_SIM_SIM_TEST_SUPPORT_H_
