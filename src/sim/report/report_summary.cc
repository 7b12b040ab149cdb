#include "src/sim/report/report_summary.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "src/sim/report/html_escape.h"
#include "src/sim/report/report_format.h"

namespace limiar::sim {
namespace {

int CheapestMeetingSlo(const std::vector<PolicyResource>& entries) {
  if (entries.size() < 2) return -1;
  bool priced = false;
  for (const PolicyResource& e : entries) priced = priced || e.resource->summary.cost > 0;
  int best = -1;
  double best_price = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    const ResourceSummary& s = entries[i].resource->summary;
    if (!s.meets_slo) continue;
    const double price = priced ? s.cost : s.replica_hours;
    // Strictly cheaper: on a tie the earlier run wins, so the choice is stable.
    if (best < 0 || price < best_price) {
      best = static_cast<int>(i);
      best_price = price;
    }
  }
  return best;
}

std::string TimeToCapacity(const ResourceSummary& s) {
  if (!s.capacity_reached) return "not reached";
  if (!s.time_to_capacity_s) return "—";
  return FormatDuration(*s.time_to_capacity_s);
}

void AppendCell(std::string& out, absl::string_view cls, absl::string_view text) {
  absl::StrAppend(&out, "<td class=\"", cls, "\">");
  AppendHtmlEscaped(out, text);
  out.append("</td>");
}

void AppendRow(std::string& out, const ResourceGroup& g, size_t i, bool show_cost) {
  const PolicyResource& e = g.entries[i];
  const ResourceSummary& s = e.resource->summary;
  const bool best = static_cast<int>(i) == g.cheapest_meeting_slo;
  out.append(best ? "<tr class=\"best\">" : "<tr>");
  if (i == 0) {
    absl::StrAppend(&out, "<th scope=\"rowgroup\" rowspan=\"", g.entries.size(), "\">");
    AppendHtmlEscaped(out, g.target);
    out.append("</th>");
  }
  out.append("<th scope=\"row\" class=\"policy\"><span class=\"pname\">");
  AppendHtmlEscaped(out, e.run->policy);
  out.append("</span>");
  if (best) out.append(" <span class=\"badge best\">cheapest meeting SLO</span>");
  if (!e.run->description.empty()) {
    out.append("<span class=\"pdesc\">");
    AppendHtmlEscaped(out, e.run->description);
    out.append("</span>");
  }
  out.append("</th>");
  out.append(s.meets_slo ? "<td><span class=\"pill ok\">yes</span></td>"
                         : "<td><span class=\"pill bad\">no</span></td>");
  AppendCell(out, "num", FormatDuration(s.slo_violation_s));
  AppendCell(out, "num", FormatMs(s.p50_ms));
  AppendCell(out, "num", FormatMs(s.p95_ms));
  AppendCell(out, "num", FormatMs(s.p99_ms));
  AppendCell(out, "num",
             absl::StrCat(FormatCount(s.dropped), " (", FormatPercent(s.drop_rate), ")"));
  AppendCell(out, "num", FormatTrimmed(s.replica_hours, s.replica_hours < 10 ? 2 : 1));
  if (show_cost) AppendCell(out, "num", s.cost > 0 ? FormatTrimmed(s.cost, 2) : "—");
  AppendCell(out, "num", absl::StrCat(s.max_replicas));
  AppendCell(out, "num", absl::StrCat(s.scale_ups, " / ", s.scale_downs));
  AppendCell(out, s.capacity_reached ? "num" : "num warn", TimeToCapacity(s));
  out.append("</tr>");
}

}  // namespace

std::vector<ResourceGroup> GroupByResource(const Report& report) {
  std::vector<ResourceGroup> groups;
  for (const RunResult& run : report.runs) {
    for (const ResourceRun& res : run.resources) {
      ResourceGroup* g = nullptr;
      for (ResourceGroup& existing : groups) {
        if (existing.target == res.target) g = &existing;
      }
      if (g == nullptr) {
        g = &groups.emplace_back();
        g->target = res.target;
      }
      g->entries.push_back({&run, &res});
    }
  }
  for (ResourceGroup& g : groups) g.cheapest_meeting_slo = CheapestMeetingSlo(g.entries);
  return groups;
}

void AppendSummaryTable(std::string& out, const std::vector<ResourceGroup>& groups) {
  bool show_cost = false;
  for (const ResourceGroup& g : groups) {
    for (const PolicyResource& e : g.entries) show_cost = show_cost || e.resource->summary.cost > 0;
  }
  out.append(
      "<div class=\"table-wrap\"><table class=\"summary\"><thead><tr>"
      "<th scope=\"col\">Resource</th><th scope=\"col\">Policy</th>"
      "<th scope=\"col\">Meets SLO</th><th scope=\"col\" class=\"num\">SLO violation</th>"
      "<th scope=\"col\" class=\"num\">p50 ms</th><th scope=\"col\" class=\"num\">p95 ms</th>"
      "<th scope=\"col\" class=\"num\">p99 ms</th><th scope=\"col\" class=\"num\">Dropped</th>"
      "<th scope=\"col\" class=\"num\">Replica-hours</th>");
  if (show_cost) out.append("<th scope=\"col\" class=\"num\">Cost</th>");
  out.append(
      "<th scope=\"col\" class=\"num\">Max replicas</th>"
      "<th scope=\"col\" class=\"num\">Scale ups / downs</th>"
      "<th scope=\"col\" class=\"num\">Time to capacity</th></tr></thead>");
  for (const ResourceGroup& g : groups) {
    out.append("<tbody>");
    for (size_t i = 0; i < g.entries.size(); ++i) AppendRow(out, g, i, show_cost);
    out.append("</tbody>");
  }
  out.append("</table></div>");
}

}  // namespace limiar::sim
