#include "src/metrics/scrape/scrape_rate.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace limiar::metrics {
namespace {

// Length-prefixed parts: unambiguous whatever bytes the label values hold.
std::string SeriesKey(const ExpositionSample& s) {
  std::string key = absl::StrCat(s.name.size(), ":", s.name);
  for (const SeriesLabel& l : s.labels) {
    absl::StrAppend(&key, l.name.size(), ":", l.name, l.value.size(), ":", l.value);
  }
  return key;
}

}  // namespace

ScrapeKind AutoKind(const ExpositionSample& sample) {
  switch (sample.type) {
    case FamilyType::kCounter:
    case FamilyType::kHistogram:
      return ScrapeKind::kCounter;
    case FamilyType::kSummary:
      // Quantile lines carry the family's own name; _sum and _count accumulate.
      return sample.name == sample.family ? ScrapeKind::kGauge : ScrapeKind::kCounter;
    case FamilyType::kGauge:
    case FamilyType::kUntyped:
      return ScrapeKind::kGauge;
  }
  return ScrapeKind::kGauge;
}

absl::StatusOr<MatchedSeries> MatchScrapeMapping(const ParsedExposition& exposition,
                                                 const ScrapeMapping& mapping,
                                                 absl::Time scrape_time) {
  MatchedSeries out;
  out.kind = mapping.kind;
  const ExpositionSample* first = nullptr;
  for (const ExpositionSample& s : exposition.samples) {
    if (!mapping.series.Matches(s)) continue;
    if (mapping.kind == ScrapeKind::kAuto) {
      const ScrapeKind kind = AutoKind(s);
      if (first == nullptr) {
        first = &s;
        out.kind = kind;
      } else if (kind != out.kind) {
        // Named by how they would be read (a summary holds both kinds).
        return absl::InvalidArgumentError(absl::StrCat(
            mapping.series.ToString(), " matches ", first->name, " (a ", ScrapeKindName(out.kind),
            ", line ", first->line, ") and ", s.name, " (a ", ScrapeKindName(kind), ", line ",
            s.line, "): a rate and a level do not add up; set kind or narrow the selector"));
      }
    }
    if (!std::isfinite(s.value)) {
      ++out.non_finite;
      continue;
    }
    out.points.push_back({SeriesKey(s), s.value,
                          s.timestamp_ms ? absl::FromUnixMillis(*s.timestamp_ms) : scrape_time});
  }
  // Nothing matched under auto: the kind does not matter, gauge keeps callers simple.
  if (out.kind == ScrapeKind::kAuto) out.kind = ScrapeKind::kGauge;
  return out;
}

SampleFilter MappedSeriesFilter(const ScrapeConfig& config) {
  std::vector<SeriesSelector> selectors;
  for (const ScrapeMapping& m : config.metrics) selectors.push_back(m.series);
  // Shared by both functions and every copy of the filter; read-only from here on.
  auto shared = std::make_shared<const std::vector<SeriesSelector>>(std::move(selectors));
  SampleFilter filter;
  filter.keep_name = [shared](absl::string_view name) {
    return std::any_of(shared->begin(), shared->end(), [name](const SeriesSelector& s) {
      return std::all_of(s.matchers().begin(), s.matchers().end(), [name](const LabelMatcher& m) {
        return m.name() != "__name__" || m.Matches(name);
      });
    });
  };
  filter.keep_series = [shared](absl::string_view name, const SeriesLabels& labels) {
    return std::any_of(shared->begin(), shared->end(),
                       [&](const SeriesSelector& s) { return s.Matches(name, labels); });
  };
  filter.max_samples = config.max_series;
  return filter;
}

std::optional<TimedValue> SumGauge(const std::vector<SeriesPoint>& points) {
  if (points.empty()) return std::nullopt;
  TimedValue v{0, absl::InfinitePast()};
  for (const SeriesPoint& p : points) {
    v.value += p.value;
    v.time = std::max(v.time, p.time);
  }
  return v;
}

std::optional<TimedValue> CounterRates::Update(const std::vector<SeriesPoint>& points,
                                               absl::Time now) {
  // First, so that the first scrape after a long outage starts afresh.
  absl::erase_if(last_,
                 [now](const auto& entry) { return now - entry.second.seen > kCounterStaleness; });
  double sum = 0;
  absl::Time newest = absl::InfinitePast();
  bool any_rate = false;
  bool moved = false;
  for (const SeriesPoint& p : points) {
    auto [it, inserted] = last_.try_emplace(p.key);
    Last& last = it->second;
    if (inserted || p.time < last.time) {
      // New, or its clock went back (the exporter's timestamps were reset): start over.
      last = Last{p.value, p.time, std::nullopt, now};
      continue;
    }
    last.seen = now;
    if (p.time == last.time) {
      // The same point again: no news, but the series still runs at its last rate.
      if (last.rate) {
        sum += *last.rate;
        any_rate = true;
        newest = std::max(newest, p.time);
      }
      continue;
    }
    const double increase = p.value >= last.value ? p.value - last.value : p.value;
    const double rate = increase / absl::ToDoubleSeconds(p.time - last.time);
    last = Last{p.value, p.time, rate, now};
    sum += rate;
    any_rate = true;
    moved = true;
    newest = std::max(newest, p.time);
  }
  if (!any_rate || !moved) return std::nullopt;
  return TimedValue{sum, newest};
}

}  // namespace limiar::metrics
