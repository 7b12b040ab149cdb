#include "src/metrics/sample_store.h"

#include <algorithm>
#include <array>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"

namespace limiar::metrics {
namespace {

size_t MetricIndex(policy::MetricType m) { return static_cast<size_t>(m); }

// Knative's panic window: a percentage of the stable window, at least one second.
absl::Duration PanicWindow(const policy::KpaConfig& kpa) {
  const absl::Duration w = kpa.stable_window * (kpa.panic_window_percentage / 100.0);
  return std::max(w, absl::Seconds(1));
}

}  // namespace

SampleStore::SampleStore(SampleStoreOptions options) : options_(options) {}

SampleStore::Shard& SampleStore::ShardFor(const std::string& target) {
  return shards_[absl::Hash<std::string>{}(target) % kShards];
}

void SampleStore::Trim(Series& s, absl::Time newest) const {
  // Points are in time order, so the old ones are at the front: the work is proportional
  // to what is dropped, not to the series' length (this runs on every ingested sample).
  const absl::Time cutoff = newest - options_.retention;
  while (!s.points.empty() &&
         (s.points.front().time <= cutoff || s.points.size() > options_.max_points_per_series)) {
    s.points.pop_front();
  }
}

absl::Status SampleStore::Add(const Sample& sample) {
  Shard& shard = ShardFor(sample.target);
  std::lock_guard<std::mutex> lock(shard.mu);
  return AddTo(shard.targets[sample.target], sample);
}

absl::Status SampleStore::AddAll(absl::Span<const Sample> samples) {
  absl::Status first;
  for (size_t i = 0; i < samples.size();) {
    const std::string& target = samples[i].target;
    Shard& shard = ShardFor(target);
    std::lock_guard<std::mutex> lock(shard.mu);
    TargetSeries& series = shard.targets[target];
    for (; i < samples.size() && samples[i].target == target; ++i) {
      if (absl::Status s = AddTo(series, samples[i]); !s.ok() && first.ok()) first = s;
    }
  }
  return first;
}

absl::Status SampleStore::AddTo(TargetSeries& target, const Sample& sample) {
  auto& replicas = target.by_metric[MetricIndex(sample.metric)];
  auto it = replicas.find(sample.replica_id);
  if (it == replicas.end()) {
    if (series_count_.load(std::memory_order_relaxed) >= options_.max_series) {
      return absl::ResourceExhaustedError(
          absl::StrCat("sample store full: ", options_.max_series,
                       " series; raise the series limit or drop unused replicas"));
    }
    it = replicas.emplace(sample.replica_id, Series{}).first;
    series_count_.fetch_add(1, std::memory_order_relaxed);
  }
  Series& s = it->second;
  if (sample.start_time != absl::InfinitePast()) s.start_time = sample.start_time;
  if (sample.ready_transition != absl::InfinitePast()) {
    s.ready_transition = sample.ready_transition;
  } else if (sample.ready != s.ready && !s.points.empty()) {
    // The sender did not say when readiness changed: the first sample that shows the
    // change is the best evidence there is.
    s.ready_transition = sample.time;
  }
  s.ready = sample.ready;
  // Points nearly always arrive in order; a late one is placed where it belongs.
  if (s.points.empty() || s.points.back().time <= sample.time) {
    s.points.push_back({sample.time, sample.value});
  } else {
    auto pos = std::upper_bound(s.points.begin(), s.points.end(), sample.time,
                                [](absl::Time t, const Point& p) { return t < p.time; });
    s.points.insert(pos, {sample.time, sample.value});
  }
  Trim(s, s.points.back().time);
  return absl::OkStatus();
}

absl::Status SampleStore::AddWholeTarget(const std::string& target, policy::MetricType metric,
                                         double value, absl::Time time) {
  Shard& shard = ShardFor(target);
  std::lock_guard<std::mutex> lock(shard.mu);
  std::optional<Point>& slot = shard.targets[target].whole_target[MetricIndex(metric)];
  if (!slot || slot->time <= time) slot = Point{time, value};
  return absl::OkStatus();
}

void SampleStore::RemoveReplica(const std::string& target, const std::string& replica_id) {
  Shard& shard = ShardFor(target);
  std::lock_guard<std::mutex> lock(shard.mu);
  auto t = shard.targets.find(target);
  if (t == shard.targets.end()) return;
  for (auto& replicas : t->second.by_metric) {
    if (replicas.erase(replica_id) > 0) series_count_.fetch_sub(1, std::memory_order_relaxed);
  }
}

void SampleStore::Compact(absl::Time now) {
  for (Shard& shard : shards_) {
    std::lock_guard<std::mutex> lock(shard.mu);
    for (auto t = shard.targets.begin(); t != shard.targets.end();) {
      bool empty = true;
      for (auto& replicas : t->second.by_metric) {
        for (auto r = replicas.begin(); r != replicas.end();) {
          Trim(r->second, now);
          if (r->second.points.empty()) {
            replicas.erase(r++);
            series_count_.fetch_sub(1, std::memory_order_relaxed);
          } else {
            ++r;
          }
        }
        empty = empty && replicas.empty();
      }
      for (std::optional<Point>& whole : t->second.whole_target) {
        if (whole && now - whole->time > options_.retention) whole.reset();
        empty = empty && !whole;
      }
      if (empty) {
        shard.targets.erase(t++);
      } else {
        ++t;
      }
    }
  }
}

SampleStore::WindowMeans SampleStore::MeansOver(const Series& s, absl::Time now,
                                                const std::array<absl::Time, 3>& from) {
  // One pass from the newest point back to the earliest window start; each window sums its
  // points in the same order as a pass of its own would.
  const absl::Time earliest = std::min({from[0], from[1], from[2]});
  WindowMeans w;
  std::array<double, 3> sum{};
  std::array<int, 3> n{};
  for (auto p = s.points.rbegin(); p != s.points.rend() && p->time > earliest; ++p) {
    if (p->time > now) continue;  // a point from the future of this evaluation
    for (size_t k = 0; k < 3; ++k) {
      if (p->time > from[k]) {
        sum[k] += p->value;
        ++n[k];
      }
    }
  }
  for (size_t k = 0; k < 3; ++k) {
    if (n[k] > 0) w.mean[k] = sum[k] / n[k];
  }
  return w;
}

absl::Status SampleStore::Observe(const policy::TargetPolicy& target, absl::Time now,
                                  std::vector<policy::MetricObservation>* out) {
  Shard& shard = ShardFor(target.target);
  std::lock_guard<std::mutex> lock(shard.mu);
  out->resize(target.metrics.size());
  auto t = shard.targets.find(target.target);
  // The windows' starts, once per call rather than per replica: metric, stable, panic.
  const std::array<absl::Time, 3> from = {
      now - options_.metric_window, now - target.kpa.stable_window, now - PanicWindow(target.kpa)};
  const absl::Time fresh_after = now - options_.max_age;
  for (size_t i = 0; i < target.metrics.size(); ++i) {
    policy::MetricObservation& obs = (*out)[i];
    obs.metric = target.metrics[i].metric;
    obs.error = absl::OkStatus();
    obs.replicas.clear();
    obs.stable_total.reset();
    obs.panic_total.reset();
    obs.whole_target_value.reset();
    if (t != shard.targets.end()) {
      const std::optional<Point>& whole = t->second.whole_target[MetricIndex(obs.metric)];
      if (whole && whole->time <= now && now - whole->time <= options_.max_age) {
        obs.whole_target_value = whole->value;
      }
    }
    if (t == shard.targets.end() || t->second.by_metric[MetricIndex(obs.metric)].empty()) {
      if (obs.whole_target_value) continue;  // observed as a whole: no replicas needed
      obs.error = absl::UnavailableError(absl::StrCat("no ", policy::MetricTypeName(obs.metric),
                                                      " samples for ", target.target, " yet"));
      continue;
    }
    double stable_total = 0;
    double panic_total = 0;
    bool any_stable = false;
    bool any_panic = false;
    for (const auto& [id, series] : t->second.by_metric[MetricIndex(obs.metric)]) {
      policy::ReplicaSample& r = obs.replicas.emplace_back();
      r.replica_id = id;
      r.ready = series.ready;
      r.start_time = series.start_time;
      r.ready_transition = series.ready_transition;
      r.sample_window = options_.metric_window;
      if (!series.points.empty()) r.sample_time = series.points.back().time;
      const bool fresh = !series.points.empty() && r.sample_time >= fresh_after;
      const WindowMeans means = MeansOver(series, now, from);
      if (fresh && means.mean[0]) r.value = means.mean[0];
      if (means.mean[1]) {
        stable_total += *means.mean[1];
        any_stable = true;
      }
      if (means.mean[2]) {
        panic_total += *means.mean[2];
        any_panic = true;
      }
    }
    if (any_stable) obs.stable_total = stable_total;
    if (any_panic) obs.panic_total = panic_total;
  }
  return absl::OkStatus();
}

}  // namespace limiar::metrics
