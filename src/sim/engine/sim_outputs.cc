#include "src/sim/engine/sim_outputs.h"

#include <array>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "src/common/csv.h"
#include "src/common/text_table.h"
#include "src/sim/report/report_html.h"

namespace limiar::sim {
namespace {

using nlohmann::json;

// Rounds for the JSON files: three decimals say all a reader needs and keep the files
// free of 0.30000000000000004.
double R3(double v) { return std::isfinite(v) ? std::round(v * 1000) / 1000 : 0; }

std::string SloText(const SloSpec& slo) {
  std::string s = absl::StrFormat("p%g <= %g ms, drops <= %g %%", slo.latency_percentile,
                                  slo.latency_ms, slo.max_drop_rate * 100);
  if (slo.max_violation_s) absl::StrAppendFormat(&s, ", violation <= %g s", *slo.max_violation_s);
  return s;
}

json SummaryObject(const ResourceSummary& s) {
  json j = {{"target", s.target},
            {"meets_slo", s.meets_slo},
            {"slo_violation_s", R3(s.slo_violation_s)},
            {"p50_ms", R3(s.p50_ms)},
            {"p95_ms", R3(s.p95_ms)},
            {"p99_ms", R3(s.p99_ms)},
            {"slo_latency_ms", R3(s.slo_latency_ms)},
            {"requests", R3(s.requests)},
            {"dropped", R3(s.dropped)},
            {"drop_rate", std::isfinite(s.drop_rate) ? s.drop_rate : 0},
            {"replica_hours", R3(s.replica_hours)},
            {"cost", R3(s.cost)},
            {"max_replicas", s.max_replicas},
            {"scale_ups", s.scale_ups},
            {"scale_downs", s.scale_downs},
            {"peak_demand_rps", R3(s.peak_demand_rps)},
            {"capacity_reached", s.capacity_reached}};
  j["time_to_capacity_s"] = s.time_to_capacity_s ? json(R3(*s.time_to_capacity_s)) : json(nullptr);
  return j;
}

// The shortest decimal that reads back as `v`, in fixed notation: 0.1, 1000020.
std::string ShortestFixed(double v) {
  std::array<char, 1100> buf;  // the longest fixed form of a double
  const auto [end, ec] =
      std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::fixed);
  return ec == std::errc() ? std::string(buf.data(), end) : absl::StrCat(v);
}

// Digits after the point of ShortestFixed: 0.1 -> 1, 0.25 -> 2, 15 -> 0; -1 when not finite.
int DecimalPlaces(double v) {
  if (!std::isfinite(v)) return -1;
  const std::string text = ShortestFixed(v);
  const size_t dot = text.find('.');
  return dot == std::string::npos ? 0 : static_cast<int>(text.size() - dot - 1);
}

// A time the run reached in steps with `places` decimal places, exactly as those steps add
// up in decimal (3 x 0.1 s reads 0.3, not the 0.30000000000000004 a double holds) and never in
// exponent notation (%g wrote 1000020 s as 1.00002e+06). Past 9 places, ShortestFixed.
std::string StepTime(double t_s, int places) {
  if (places >= 0 && places <= 9) return absl::StrFormat("%.*f", places, t_s);
  return ShortestFixed(t_s);
}

absl::Status WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    return absl::UnavailableError(
        absl::StrCat(path.string(), ": cannot write; check the folder's permissions and space"));
  }
  return absl::OkStatus();
}

std::string Seconds(double s) {
  if (s < 120) return absl::StrFormat("%.0f s", s);
  if (s < 7200) return absl::StrFormat("%.1f min", s / 60);
  return absl::StrFormat("%.1f h", s / 3600);
}

}  // namespace

Report MakeReport(const Scenario& scenario, std::vector<RunResult> runs) {
  Report r;
  r.scenario = scenario.name;
  std::vector<std::string> traffic;
  for (const TargetModel& m : scenario.targets) {
    traffic.push_back(absl::StrCat(m.target, ": ", DescribeTraffic(m.traffic)));
  }
  r.description = absl::StrCat(
      scenario.description.empty() ? "" : scenario.description + ". ", absl::StrJoin(traffic, "; "),
      absl::StrFormat(". %s in %g s steps, seed %d", Seconds(scenario.duration_s), scenario.step_s,
                      scenario.seed));
  r.start_time = absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", scenario.start, absl::UTCTimeZone());
  r.step_s = scenario.step_s;
  r.loop_interval_s = scenario.loop_interval_s;
  r.slo = scenario.slo;
  r.runs = std::move(runs);
  return r;
}

std::string TimelineCsv(const Report& report) {
  std::string out =
      "policy,target,t_s,demand_rps,spec,ready,starting,desired,capacity_rps,utilization,"
      "p50_ms,p95_ms,p99_ms,dropped,backlog,slo_violated\n";
  const int time_places = DecimalPlaces(report.step_s);
  for (const RunResult& run : report.runs) {
    for (const ResourceRun& res : run.resources) {
      const std::string labels = absl::StrCat(CsvField(run.policy), ",", CsvField(res.target), ",");
      out.reserve(out.size() + res.timeline.size() * (96 + labels.size()));
      for (const TimelineRow& row : res.timeline) {
        absl::StrAppend(&out, labels, StepTime(row.t_s, time_places));
        absl::StrAppendFormat(
            &out, ",%.3f,%d,%d,%d,%d,%.3f,%.4f,%.3f,%.3f,%.3f,%.3f,%.3f,%d\n", row.demand_rps,
            row.spec, row.ready, row.starting, row.desired, row.capacity_rps,
            std::isfinite(row.utilization) ? row.utilization : -1, row.p50_ms, row.p95_ms,
            row.p99_ms, row.dropped, row.backlog, row.slo_violated ? 1 : 0);
      }
    }
  }
  return out;
}

std::string DecisionsJsonl(const Report& report) {
  std::string out;
  absl::Time start;
  std::string err;
  if (!absl::ParseTime("%Y-%m-%dT%H:%M:%SZ", report.start_time, &start, &err)) {
    start = absl::UnixEpoch();
  }
  for (const RunResult& run : report.runs) {
    for (const ResourceRun& res : run.resources) {
      for (const DecisionRecord& d : res.decisions) {
        json j = {{"policy", run.policy},
                  {"target", res.target},
                  {"t_s", R3(d.t_s)},
                  {"time", absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", start + absl::Seconds(d.t_s),
                                            absl::UTCTimeZone())},
                  {"current", d.current},
                  {"ready", d.ready},
                  {"desired", d.desired},
                  {"reason", d.reason},
                  {"message", d.message},
                  {"actuated", d.actuated}};
        if (!d.note.empty()) j["note"] = d.note;
        absl::StrAppend(&out, j.dump(), "\n");
      }
    }
  }
  return out;
}

std::string SummaryJson(const Report& report) {
  json runs = json::array();
  for (const RunResult& run : report.runs) {
    json resources = json::array();
    for (const ResourceRun& res : run.resources) {
      json r = SummaryObject(res.summary);
      r["replicas_min"] = res.min_replicas;
      r["replicas_max"] = res.max_replicas;
      r["capacity_per_replica_rps"] = R3(res.capacity_per_replica_rps);
      r["decisions"] = res.decisions.size();
      resources.push_back(std::move(r));
    }
    json events = json::array();
    for (const EventRecord& e : run.events) {
      events.push_back({{"t_s", R3(e.t_s)},
                        {"duration_s", R3(e.duration_s)},
                        {"kind", e.kind},
                        {"description", e.description}});
    }
    runs.push_back({{"policy", run.policy},
                    {"description", run.description},
                    {"resources", std::move(resources)},
                    {"events", std::move(events)}});
  }
  json slo = {{"latency_percentile", report.slo.latency_percentile},
              {"latency_ms", report.slo.latency_ms},
              {"max_drop_rate", report.slo.max_drop_rate}};
  if (report.slo.max_violation_s) slo["max_violation_s"] = *report.slo.max_violation_s;
  json j = {{"scenario", report.scenario},
            {"description", report.description},
            {"start", report.start_time},
            {"step_s", report.step_s},
            {"loop_interval_s", report.loop_interval_s},
            {"slo", std::move(slo)},
            {"runs", std::move(runs)}};
  return j.dump(2) + "\n";
}

absl::Status WriteOutputs(const std::string& dir, const Report& report) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat(dir, ": cannot create the output folder (", ec.message(), ")"));
  }
  const std::filesystem::path d(dir);
  if (absl::Status s = WriteFile(d / "timeline.csv", TimelineCsv(report)); !s.ok()) return s;
  if (absl::Status s = WriteFile(d / "decisions.jsonl", DecisionsJsonl(report)); !s.ok()) return s;
  if (absl::Status s = WriteFile(d / "summary.json", SummaryJson(report)); !s.ok()) return s;
  return WriteFile(d / "report.html", RenderReportHtml(report));
}

void PrintSummaryTable(const Report& report, std::ostream& out) {
  out << absl::StrFormat("SLO: %s\n\n", SloText(report.slo));
  std::vector<std::vector<std::string>> rows = {{"policy", "target", "SLO-viol", "p50 ms", "p95 ms",
                                                 "p99 ms", "dropped", "drop rate", "replica-h",
                                                 "max", "ups/downs", "to capacity", "SLO"}};
  for (const RunResult& run : report.runs) {
    for (const ResourceRun& res : run.resources) {
      const ResourceSummary& s = res.summary;
      std::string capacity = "-";
      if (s.time_to_capacity_s) {
        capacity = s.capacity_reached ? Seconds(*s.time_to_capacity_s) : "not reached";
      }
      rows.push_back({run.policy, res.target, Seconds(s.slo_violation_s),
                      absl::StrFormat("%.1f", s.p50_ms), absl::StrFormat("%.1f", s.p95_ms),
                      absl::StrFormat("%.1f", s.p99_ms), absl::StrFormat("%.0f", s.dropped),
                      absl::StrFormat("%.2f%%", s.drop_rate * 100),
                      absl::StrFormat("%.2f", s.replica_hours), absl::StrCat(s.max_replicas),
                      absl::StrCat(s.scale_ups, "/", s.scale_downs), capacity,
                      s.meets_slo ? "met" : "MISSED"});
    }
  }
  out << AlignedTable(rows, /*left=*/2);
  bool priced = false;
  for (const RunResult& run : report.runs) {
    for (const ResourceRun& res : run.resources) priced |= res.summary.cost > 0;
  }
  if (priced) {
    out << "\ncost:";
    for (const RunResult& run : report.runs) {
      double cost = 0;
      for (const ResourceRun& res : run.resources) cost += res.summary.cost;
      out << absl::StrFormat("  %s %.2f", run.policy, cost);
    }
    out << "\n";
  }
}

}  // namespace limiar::sim
