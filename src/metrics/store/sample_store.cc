#include "src/metrics/store/sample_store.h"

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

// A replica's newest point, as a message names it.
const char* NewestName(Ingest ingest) {
  switch (ingest) {
    case Ingest::kPush:
      return "pushed sample";
    case Ingest::kScrape:
      return "scraped sample";
    case Ingest::kPodMetrics:
      return "PodMetrics sample";
    case Ingest::kPromQl:  // only whole-target values come from PromQL
      break;
  }
  return "sample";
}

// "is 95s old", in whole seconds ("1m35.25s" reads worse); a point from a sender whose
// clock runs ahead "is 5s in the future".
std::string IsAged(absl::Time then, absl::Time now) {
  const auto whole = [](absl::Duration d) {
    return absl::FormatDuration(absl::Trunc(d, absl::Seconds(1)));
  };
  if (then > now) return absl::StrCat("is ", whole(then - now), " in the future");
  return absl::StrCat("is ", whole(now - then), " old");
}

// "no requests samples for web in the last 2m: nothing pushed or scraped, and no PromQL
// value" (or the newest PromQL value's age, when it is too old to use).
std::string NothingRecent(const std::string& target, policy::MetricType metric,
                          absl::Duration max_age, std::optional<absl::Time> whole_time,
                          Ingest whole_ingest, absl::Time now) {
  std::string text =
      absl::StrCat("no ", policy::MetricTypeName(metric), " samples for ", target, " in the last ",
                   absl::FormatDuration(max_age), ": nothing pushed or scraped, and ");
  if (whole_time) {
    // A whole-target value comes from PromQL, or is pushed without a replica.
    absl::StrAppend(
        &text, "the newest ",
        whole_ingest == Ingest::kPromQl ? "PromQL value" : "value pushed for the whole target", " ",
        IsAged(*whole_time, now));
  } else {
    text.append("no PromQL value");
  }
  return text;
}

}  // namespace

SampleStore::SampleStore(SampleStoreOptions options) : options_(options) {}

SampleStore::Shard& SampleStore::ShardFor(const std::string& target) {
  return shards_[absl::Hash<std::string>{}(target) % kShards];
}

const SampleStore::Cutoffs& SampleStore::CutoffsAt(absl::Time time, Cutoffs& cache) const {
  if (cache.time != time) {
    cache.time = time;
    cache.expiry = time - options_.max_age;
    cache.retention = time - options_.retention;
  }
  return cache;
}

void SampleStore::Trim(Series& s, absl::Time cutoff) const {
  // Points are in time order, so the old ones are at the front: the work is proportional
  // to what is dropped, not to the series' length (this runs on every ingested sample).
  while (!s.points.empty() &&
         (s.points.front().time <= cutoff || s.points.size() > options_.max_points_per_series)) {
    s.points.pop_front();
  }
}

absl::Status SampleStore::Add(const Sample& sample) {
  Shard& shard = ShardFor(sample.target);
  MutexLock lock(&shard.mu);
  Cutoffs cutoffs;
  return AddTo(sample.target, shard.targets[sample.target], sample, cutoffs);
}

absl::Status SampleStore::AddAll(absl::Span<const Sample> samples) {
  absl::Status first;
  Cutoffs cutoffs;
  for (size_t i = 0; i < samples.size();) {
    const std::string& target = samples[i].target;
    Shard& shard = ShardFor(target);
    MutexLock lock(&shard.mu);
    TargetSeries& series = shard.targets[target];
    for (; i < samples.size() && samples[i].target == target; ++i) {
      if (absl::Status s = AddTo(target, series, samples[i], cutoffs); !s.ok() && first.ok())
        first = s;
    }
  }
  return first;
}

absl::Status SampleStore::AddTo(const std::string& target_name, TargetSeries& target,
                                const Sample& sample, Cutoffs& cutoffs) {
  if (sample.gone) {
    for (MetricSeries& metric : target.by_metric) {
      if (auto it = metric.replicas.find(sample.replica_id); it != metric.replicas.end()) {
        Erase(metric, it);
      }
    }
    return absl::OkStatus();
  }
  if (sample.replica_id.empty()) {
    const size_t m = MetricIndex(sample.metric);
    std::optional<Point>& slot = target.whole_target[m];
    if (!slot || slot->time <= sample.time) {
      slot = Point{sample.time, sample.value};
      target.whole_target_ingest[m] = sample.ingest;
    }
    return absl::OkStatus();
  }
  return AddPoint(target_name, target.by_metric[MetricIndex(sample.metric)], sample,
                  CutoffsAt(sample.time, cutoffs));
}

absl::Status SampleStore::AddPoint(const std::string& target_name, MetricSeries& metric,
                                   const Sample& sample, const Cutoffs& cutoffs) {
  // Replicas that stopped reporting leave as new samples arrive, so that the ready count
  // the collector records is of replicas that are still there.
  if (sample.time >= metric.next_expiry_check) {
    Expire(metric, cutoffs.expiry);
    metric.next_expiry_check = sample.time + absl::Seconds(1);
  }
  ReplicaEntry* entry = FindReplica(metric, sample);
  if (entry == nullptr) {
    if (metric.replicas.size() >= options_.max_replicas_per_target) {
      return absl::ResourceExhaustedError(absl::StrCat(
          target_name, " already has ", metric.replicas.size(), " replicas reporting ",
          policy::MetricTypeName(sample.metric),
          " (the per-target limit); a new replica is admitted when one stops reporting for ",
          absl::FormatDuration(options_.max_age), " or is reported gone"));
    }
    if (series_count_.load(std::memory_order_relaxed) >= options_.max_series) {
      return absl::ResourceExhaustedError(
          absl::StrCat("sample store full: ", options_.max_series,
                       " series; raise the series limit or drop unused replicas"));
    }
    entry = &*metric.replicas.emplace(sample.replica_id, Series{}).first;
    metric.in_order.stale = true;
    metric.arrival.stale = true;
    entry->second.ready = false;  // counted below, as the sample says
    series_count_.fetch_add(1, std::memory_order_relaxed);
  }
  Series& s = entry->second;
  if (sample.start_time != absl::InfinitePast()) s.start_time = sample.start_time;
  if (sample.ready_transition != absl::InfinitePast()) {
    s.ready_transition = sample.ready_transition;
  } else if (sample.ready != s.ready && !s.points.empty()) {
    // The sender did not say when readiness changed: the first sample that shows the
    // change is the best evidence there is.
    s.ready_transition = sample.time;
  }
  if (sample.ready != s.ready) metric.ready += sample.ready ? 1 : -1;
  s.ready = sample.ready;
  // Points nearly always arrive in order; a late one is placed where it belongs.
  if (s.points.empty() || s.points.back().time <= sample.time) {
    s.points.push_back({sample.time, sample.value});
    s.ingest = sample.ingest;
  } else {
    auto pos = std::upper_bound(s.points.begin(), s.points.end(), sample.time,
                                [](absl::Time t, const Point& p) { return t < p.time; });
    s.points.insert(pos, {sample.time, sample.value});
  }
  const absl::Time newest = s.points.back().time;
  Trim(s, newest == sample.time ? cutoffs.retention : newest - options_.retention);
  metric.oldest_newest = std::min(metric.oldest_newest, newest);
  if (sample.ready) {
    metric.totals.Record(sample.time, sample.value, metric.ready);
    metric.totals.TrimBefore(cutoffs.retention);
  }
  return absl::OkStatus();
}

SampleStore::ReplicaEntry* SampleStore::FindReplica(MetricSeries& metric,
                                                    const Sample& sample) const {
  // The samples of one time (one scrape's, or one push batch's) nearly always come in the
  // order those of the previous time came: the entry that came at the same place then is
  // tried first, which costs a string compare instead of a hash and a probe (a third of
  // ingesting a sample).
  std::vector<ReplicaEntry*>& arrival = metric.arrival.entries;
  if (metric.arrival.stale) {
    arrival.clear();
    metric.arrival.stale = false;
  }
  if (sample.time != metric.arrival_time) {
    metric.arrival_time = sample.time;
    metric.next_arrival = 0;
  }
  size_t& at = metric.next_arrival;
  if (at < arrival.size() && arrival[at]->first == sample.replica_id) return arrival[at++];
  auto it = metric.replicas.find(sample.replica_id);
  if (it == metric.replicas.end()) return nullptr;
  // Remembered for the next time, up to one place per replica (a sender may repeat one).
  if (at < arrival.size()) {
    arrival[at++] = &*it;
  } else if (at == arrival.size() && at < metric.replicas.size()) {
    arrival.push_back(&*it);
    ++at;
  }
  return &*it;
}

absl::Status SampleStore::AddWholeTarget(const std::string& target, policy::MetricType metric,
                                         double value, absl::Time time) {
  Sample whole;
  whole.target = target;
  whole.metric = metric;
  whole.value = value;
  whole.time = time;
  whole.ingest = Ingest::kPromQl;
  return Add(whole);
}

void SampleStore::Erase(MetricSeries& metric,
                        absl::flat_hash_map<std::string, Series>::iterator replica) {
  if (replica->second.ready) --metric.ready;
  metric.replicas.erase(replica);
  metric.in_order.stale = true;
  metric.arrival.stale = true;
  series_count_.fetch_sub(1, std::memory_order_relaxed);
}

void SampleStore::Expire(MetricSeries& metric, absl::Time stale_before) {
  if (stale_before <= metric.oldest_newest) return;
  metric.oldest_newest = absl::InfiniteFuture();
  for (auto r = metric.replicas.begin(); r != metric.replicas.end();) {
    const Series& s = r->second;
    if (s.points.empty() || s.points.back().time < stale_before) {
      Erase(metric, r++);
    } else {
      metric.oldest_newest = std::min(metric.oldest_newest, s.points.back().time);
      ++r;
    }
  }
}

bool SampleStore::ExpireTarget(TargetSeries& target, absl::Time now) {
  bool empty = true;
  Cutoffs at_now;
  const Cutoffs& cutoffs = CutoffsAt(now, at_now);
  for (MetricSeries& metric : target.by_metric) {
    Expire(metric, cutoffs.expiry);
    metric.totals.TrimBefore(cutoffs.retention);
    empty = empty && metric.replicas.empty() && metric.totals.empty();
  }
  for (std::optional<Point>& whole : target.whole_target) {
    if (whole && now - whole->time > options_.retention) whole.reset();
    empty = empty && !whole;
  }
  return empty;
}

void SampleStore::RemoveReplica(const std::string& target, const std::string& replica_id) {
  Sample gone;
  gone.target = target;
  gone.replica_id = replica_id;
  gone.gone = true;
  (void)Add(gone);
}

void SampleStore::Compact(absl::Time now) {
  for (Shard& shard : shards_) {
    MutexLock lock(&shard.mu);
    for (auto t = shard.targets.begin(); t != shard.targets.end();) {
      if (ExpireTarget(t->second, now)) {
        shard.targets.erase(t++);
      } else {
        ++t;
      }
    }
  }
}

void SampleStore::CompactIfDue(absl::Time now) {
  {
    MutexLock lock(&compact_mu_);
    if (now < next_compact_) return;
    next_compact_ = now + absl::Minutes(1);
  }
  Compact(now);
}

std::optional<double> SampleStore::MeanOver(const Series& s, absl::Time from, absl::Time now) {
  double sum = 0;
  int n = 0;
  for (auto p = s.points.rbegin(); p != s.points.rend() && p->time > from; ++p) {
    if (p->time > now) continue;  // a point from the future of this evaluation
    sum += p->value;
    ++n;
  }
  if (n == 0) return std::nullopt;
  return sum / n;
}

absl::Status SampleStore::Observe(const policy::TargetPolicy& target, absl::Time now,
                                  std::vector<policy::MetricObservation>* out) {
  Shard& shard = ShardFor(target.target);
  MutexLock lock(&shard.mu);
  out->resize(target.metrics.size());
  auto t = shard.targets.find(target.target);
  if (t != shard.targets.end()) (void)ExpireTarget(t->second, now);
  const absl::Time metric_from = now - options_.metric_window;
  const absl::Time stable_from = now - target.kpa.stable_window;
  const absl::Time panic_from = now - PanicWindow(target.kpa);
  for (size_t i = 0; i < target.metrics.size(); ++i) {
    policy::MetricObservation& obs = (*out)[i];
    obs.metric = target.metrics[i].metric;
    obs.error = absl::OkStatus();
    obs.stable_total.reset();
    obs.panic_total.reset();
    obs.whole_target_value.reset();
    obs.none_in_window.clear();
    const size_t m = MetricIndex(obs.metric);
    std::optional<absl::Time> whole_time;
    if (t != shard.targets.end()) {
      const std::optional<Point>& whole = t->second.whole_target[m];
      if (whole) whole_time = whole->time;
      if (whole && whole->time <= now && now - whole->time <= options_.max_age) {
        obs.whole_target_value = whole->value;
      }
    }
    MetricSeries* metric = t == shard.targets.end() ? nullptr : &t->second.by_metric[m];
    if (metric == nullptr || metric->replicas.empty()) {
      obs.replicas.clear();
      if (obs.whole_target_value) continue;  // observed as a whole: no replicas needed
      obs.error = absl::UnavailableError(NothingRecent(
          target.target, obs.metric, options_.max_age, whole_time,
          t == shard.targets.end() ? Ingest::kPromQl : t->second.whole_target_ingest[m], now));
      continue;
    }
    bool any_value = false;
    const Series* newest = nullptr;
    // In the order of their ids, not the hash map's: the policies sum over replicas, and a
    // floating-point sum depends on its order. The map's entries are put in order, not the
    // replicas built from them, which are five times bigger to move.
    std::vector<ReplicaEntry*>& in_order = metric->in_order.entries;
    if (metric->in_order.stale) {
      in_order.clear();
      for (ReplicaEntry& entry : metric->replicas) in_order.push_back(&entry);
      std::sort(in_order.begin(), in_order.end(),
                [](const ReplicaEntry* a, const ReplicaEntry* b) { return a->first < b->first; });
      metric->in_order.stale = false;
    }
    // The caller's replicas are written over, not rebuilt, so that their ids keep their
    // buffers: pod names outgrow a short string, and each would be a malloc per tick.
    obs.replicas.resize(in_order.size());
    for (size_t n = 0; n < in_order.size(); ++n) {
      const auto& [id, series] = *in_order[n];
      policy::ReplicaSample& r = obs.replicas[n];
      r.replica_id.assign(id);
      r.ready = series.ready;
      r.start_time = series.start_time;
      r.ready_transition = series.ready_transition;
      r.sample_window = options_.metric_window;
      r.sample_time = series.points.back().time;
      r.value = MeanOver(series, metric_from, now);
      any_value = any_value || r.value.has_value();
      // The newest, and of equally new ones the first by id.
      if (newest == nullptr || newest->points.back().time < r.sample_time) newest = &series;
    }
    if (!any_value) {
      obs.none_in_window = absl::StrCat(
          "no ", policy::MetricTypeName(obs.metric), " samples for ", target.target, " within the ",
          absl::FormatDuration(options_.metric_window), " metric window; the newest ",
          NewestName(newest->ingest), " ", IsAged(newest->points.back().time, now));
    }
    obs.stable_total = metric->totals.Average(stable_from, now);
    obs.panic_total = metric->totals.Average(panic_from, now);
  }
  return absl::OkStatus();
}

}  // namespace limiar::metrics
