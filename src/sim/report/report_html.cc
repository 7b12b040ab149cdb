#include "src/sim/report/report_html.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "src/sim/report/html_escape.h"
#include "src/sim/report/report_format.h"
#include "src/sim/report/report_style.h"
#include "src/sim/report/report_summary.h"
#include "src/sim/report/resource_chart.h"

namespace limiar::sim {
namespace {

// The page's only script: it marks the body once everything above it has been parsed, which
// is what the browser test checks for.
constexpr absl::string_view kScript = R"js(document.body.setAttribute("data-rendered", "true");)js";
// The page may fetch nothing and run only that script: the policy blocks any network access
// a future edit might add, and any script that slipped past escaping. The hash is the
// SHA-256 of kScript; after editing kScript, recompute it with
//   printf '%s' '<script text>' | openssl dgst -sha256 -binary | base64
// (the browser test fails while it is stale: the script is refused and the page never
// reports itself rendered).
constexpr absl::string_view kContentSecurityPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; "
    "script-src 'sha256-YPFn9Cp67VG4UuSByeA01ooyGpjH5mYTxlu526kJN9A='";

void AppendEscaped(std::string& out, absl::string_view open, absl::string_view text,
                   absl::string_view close) {
  absl::StrAppend(&out, open);
  AppendHtmlEscaped(out, text);
  absl::StrAppend(&out, close);
}

std::string SloText(const SloSpec& slo) {
  std::string s =
      absl::StrCat("p", FormatTrimmed(slo.latency_percentile, 1), " ≤ ", FormatMs(slo.latency_ms),
                   " ms, drops ≤ ", FormatPercent(slo.max_drop_rate));
  if (slo.max_violation_s) {
    absl::StrAppend(&s, ", violations ≤ ", FormatDuration(*slo.max_violation_s));
  }
  return s;
}

// The longest timeline's length, for the header.
double RunLength(const Report& report) {
  double longest = 0;
  for (const RunResult& run : report.runs) {
    for (const ResourceRun& r : run.resources) {
      if (r.timeline.empty()) continue;
      const double step = report.step_s > 0 ? report.step_s : 1;
      longest = std::max(longest, r.timeline.back().t_s + step - r.timeline.front().t_s);
    }
  }
  return longest;
}

void AppendMetaItem(std::string& out, absl::string_view term, absl::string_view value) {
  AppendEscaped(out, "<div><dt>", term, "</dt>");
  AppendEscaped(out, "<dd>", value, "</dd></div>");
}

void AppendHeader(std::string& out, const Report& report) {
  out.append("<header class=\"page-head\"><div class=\"eyebrow\">Limiar simulation report</div>");
  AppendEscaped(out, "<h1>", report.scenario.empty() ? "Simulation" : report.scenario, "</h1>");
  if (!report.description.empty()) {
    AppendEscaped(out, "<p class=\"lede\">", report.description, "</p>");
  }
  out.append("<dl class=\"meta\">");
  AppendMetaItem(out, "Start", report.start_time.empty() ? "—" : report.start_time);
  const double length = RunLength(report);
  if (length > 0) AppendMetaItem(out, "Duration", FormatDuration(length));
  AppendMetaItem(out, "Step", absl::StrCat(FormatTrimmed(report.step_s, 3), " s"));
  AppendMetaItem(out, "Control loop",
                 absl::StrCat("every ", FormatTrimmed(report.loop_interval_s, 3), " s"));
  AppendMetaItem(out, "SLO", SloText(report.slo));
  AppendMetaItem(out, report.runs.size() == 1 ? "Policy" : "Policies",
                 report.runs.size() == 1 ? report.runs[0].policy
                                         : absl::StrCat(report.runs.size(), " compared"));
  out.append("</dl></header>");
}

void AppendLegend(std::string& out, const SloSpec& slo, bool has_events) {
  const auto item = [&](absl::string_view swatch, absl::string_view label) {
    absl::StrAppend(&out, "<li>", swatch);
    AppendEscaped(out, "", label, "</li>");
  };
  out.append("<ul class=\"legend\">");
  item("<span class=\"sw demand\"></span>", "Demand (min–max per column)");
  item("<span class=\"sw capacity\"></span>", "Ready capacity");
  item("<span class=\"sw spec\"></span>", "Replicas asked for");
  item("<span class=\"sw ready\"></span>", "Ready replicas");
  item("<span class=\"sw starting\"></span>", "Starting");
  item("<span class=\"sw desired\"></span>", "Desired");
  item("<span class=\"sw guide\"></span>", "Min / max replicas");
  item("<span class=\"tri up\">▲</span><span class=\"tri down\">▼</span>",
       "Scale up / down (hover for the reason)");
  item("<span class=\"sw latency\"></span>",
       absl::StrCat("p", FormatTrimmed(slo.latency_percentile, 1), " response time"));
  item("<span class=\"sw slo\"></span>", "SLO bound");
  item("<span class=\"sw viol\"></span>", "SLO violated");
  if (has_events) item("<span class=\"sw event\"></span>", "Injected event");
  out.append("</ul>");
}

void AppendKpis(std::string& out, const ResourceSummary& s, const SloSpec& slo) {
  const auto kpi = [&](absl::string_view value, absl::string_view label) {
    AppendEscaped(out, "<li><b>", value, "</b> ");
    AppendEscaped(out, "", label, "</li>");
  };
  out.append("<ul class=\"kpis\">");
  kpi(absl::StrCat(FormatMs(s.slo_latency_ms), " ms"),
      absl::StrCat("p", FormatTrimmed(slo.latency_percentile, 1), " over the run"));
  kpi(FormatDuration(s.slo_violation_s), "in violation");
  kpi(FormatPercent(s.drop_rate), "dropped");
  kpi(FormatTrimmed(s.replica_hours, s.replica_hours < 10 ? 2 : 1), "replica-hours");
  kpi(absl::StrCat(s.max_replicas), "max replicas");
  kpi(absl::StrCat(s.scale_ups, " ↑ ", s.scale_downs, " ↓"), "scale events");
  out.append("</ul>");
}

void AppendPanel(std::string& out, const Report& report, const ResourceGroup& g, size_t i,
                 bool wide) {
  const PolicyResource& e = g.entries[i];
  const ResourceSummary& s = e.resource->summary;
  const bool best = static_cast<int>(i) == g.cheapest_meeting_slo;
  out.append(best ? "<article class=\"panel best\">" : "<article class=\"panel\">");
  AppendEscaped(out, "<h3><span>", e.run->policy, "</span>");
  out.append(s.meets_slo ? "<span class=\"pill ok\">meets SLO</span>"
                         : "<span class=\"pill bad\">misses SLO</span>");
  if (best) out.append("<span class=\"badge best\">cheapest meeting SLO</span>");
  out.append("</h3>");
  if (!e.run->description.empty()) {
    AppendEscaped(out, "<p class=\"pdesc\">", e.run->description, "</p>");
  }
  AppendKpis(out, s, report.slo);
  if (e.resource->timeline.empty()) {
    out.append("<p class=\"note\">This run recorded no timeline.</p></article>");
    return;
  }
  ChartInput in;
  in.resource = e.resource;
  in.events = &e.run->events;
  in.slo = &report.slo;
  in.step_s = report.step_s;
  in.width = wide ? 1160 : 700;
  in.aria_label = absl::StrCat("Policy ", e.run->policy, " on ", g.target,
                               ": demand and ready capacity, replicas with scale decisions, and "
                               "response time against the SLO over time");
  const ChartStats stats = AppendResourceChart(out, in);
  if (stats.markers_drawn < stats.markers_total) {
    out.append("<p class=\"note\">");
    absl::StrAppend(&out, "Showing ", FormatCount(stats.markers_drawn), " of ",
                    FormatCount(stats.markers_total),
                    " scale decisions, sampled evenly; decisions.jsonl has them all.</p>");
  }
  out.append("</article>");
}

void AppendResourceSection(std::string& out, const Report& report, const ResourceGroup& g) {
  bool has_events = false;
  for (const PolicyResource& e : g.entries) has_events = has_events || !e.run->events.empty();
  AppendEscaped(out, "<section class=\"resource\"><h2>Resource <code>", g.target, "</code></h2>");
  AppendLegend(out, report.slo, has_events);
  const bool wide = g.entries.size() == 1;
  out.append(wide ? "<div class=\"panels\">" : "<div class=\"panels cols-2\">");
  for (size_t i = 0; i < g.entries.size(); ++i) AppendPanel(out, report, g, i, wide);
  out.append("</div></section>");
}

}  // namespace

std::string RenderReportHtml(const Report& report) {
  std::string out;
  out.reserve(256 * 1024);
  out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
  absl::StrAppend(&out, "<meta http-equiv=\"Content-Security-Policy\" content=\"",
                  kContentSecurityPolicy, "\">");
  out.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
  AppendEscaped(out, "<title>",
                absl::StrCat(report.scenario.empty() ? "Simulation" : report.scenario,
                             " · Limiar simulation report"),
                "</title>");
  absl::StrAppend(&out, "<style>", kReportCss, "</style></head>\n<body><main>");
  AppendHeader(out, report);
  const std::vector<ResourceGroup> groups = GroupByResource(report);
  out.append("<h2>Summary</h2>");
  AppendSummaryTable(out, groups);
  for (const ResourceGroup& g : groups) AppendResourceSection(out, report, g);
  absl::StrAppend(&out, "<footer>Limiar simulator. Charts show at most ",
                  FormatCount(kMaxChartColumns),
                  " columns per run: demand and response time as the extremes of each column, "
                  "replicas and capacity as each column's last value.</footer></main>\n<script>",
                  kScript, "</script></body></html>\n");
  return out;
}

}  // namespace limiar::sim
