#include "src/sim/engine/simulation.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "src/common/status_macros.h"
#include "src/controller/control_loop.h"
#include "src/sim/engine/run_summary.h"
#include "src/sim/engine/sim_cluster.h"
#include "src/sim/model/queueing.h"

namespace limiar::sim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Times are sums of steps: compare with a little slack so 0.1 + 0.2 lands on 0.3.
constexpr double kEps = 1e-9;

// Collects the loop's decisions per target.
class DecisionRecorder final : public controller::DecisionSink {
 public:
  DecisionRecorder(const std::vector<policy::TargetPolicy>& targets, absl::Time origin, bool keep)
      : origin_(origin),
        keep_(keep),
        records_(targets.size()),
        ups_(targets.size()),
        downs_(targets.size()),
        desired_(targets.size()) {
    for (size_t i = 0; i < targets.size(); ++i) {
      names_.push_back(targets[i].target);
      desired_[i] = -1;
    }
  }
  void OnDecision(const controller::Decision& d) override {
    const size_t i = std::find(names_.begin(), names_.end(), d.target) - names_.begin();
    if (i == names_.size()) return;
    desired_[i] = d.desired_replicas;
    if (d.actuated) (d.desired_replicas > d.current_replicas ? ups_ : downs_)[i]++;
    if (!keep_) return;
    DecisionRecord& r = records_[i].emplace_back();
    r.t_s = absl::ToDoubleSeconds(d.time - origin_);
    r.current = d.current_replicas;
    r.ready = d.ready_replicas;
    r.desired = d.desired_replicas;
    r.reason = d.recommendation.reason;
    r.message = d.recommendation.message;
    r.actuated = d.actuated;
    r.note = d.actuation_note;
  }
  bool WantsExplanations() const override { return keep_; }
  std::vector<DecisionRecord>& records(size_t i) { return records_[i]; }
  int32_t ups(size_t i) const { return ups_[i]; }
  int32_t downs(size_t i) const { return downs_[i]; }
  int32_t desired(size_t i) const { return desired_[i]; }

 private:
  absl::Time origin_;
  bool keep_;
  std::vector<std::string> names_;
  std::vector<std::vector<DecisionRecord>> records_;
  std::vector<int32_t> ups_, downs_, desired_;
};

double CapacityOf(const TargetModel& model, const policy::TargetPolicy& policy) {
  if (model.capacity_rps) return *model.capacity_rps;
  for (const policy::MetricTarget& m : policy.metrics) {
    if (m.metric == policy::MetricType::kRequests) return m.capacity_per_replica;
  }
  return 100;
}

double ScrapeInterval(const Scenario& scenario, const policy::TargetPolicy& policy) {
  if (scenario.metrics.scrape_interval_s) return *scenario.metrics.scrape_interval_s;
  return policy.algorithm == policy::Algorithm::kKpa ? 1.0 : 15.0;
}

bool AppliesTo(const SimEvent& e, const std::string& target) {
  return e.target.empty() || e.target == target;
}

std::string DescribeEvent(const SimEvent& e) {
  const std::string where = e.target.empty() ? "all targets" : e.target;
  switch (e.kind) {
    case SimEvent::Kind::kZoneOutage:
      return absl::StrCat("zone outage: ", std::lround(e.fraction * 100), "% of ", where,
                          "'s replicas lost", e.replace ? ", replaced" : "");
    case SimEvent::Kind::kMetricOutage:
      return absl::StrCat("metric-source outage (", where, ") for ", e.duration_s, " s");
    case SimEvent::Kind::kActuatorOutage:
      return absl::StrCat("actuator outage for ", e.duration_s, " s");
  }
  return "";
}

const char* EventKindName(SimEvent::Kind k) {
  switch (k) {
    case SimEvent::Kind::kZoneOutage:
      return "zone_outage";
    case SimEvent::Kind::kMetricOutage:
      return "metric_outage";
    case SimEvent::Kind::kActuatorOutage:
      return "actuator_outage";
  }
  return "";
}

// The queueing side of one target: workers per replica and their service rate.
struct ServiceModel {
  double capacity_rps = 100;
  int32_t workers = 1;
  double mu = 100;  // per worker
};

ServiceModel ServiceFor(const TargetModel& model, double capacity) {
  ServiceModel s;
  s.capacity_rps = capacity;
  if (model.service_time_ms) {
    s.workers = std::max<int32_t>(
        1, static_cast<int32_t>(std::lround(capacity * *model.service_time_ms / 1000)));
  }
  // The replica's capacity is exact; the service time rounds to whole workers.
  s.mu = capacity / s.workers;
  return s;
}

}  // namespace

metrics::SampleStoreOptions StoreOptionsFor(const Scenario& scenario) {
  metrics::SampleStoreOptions o;
  o.metric_window = absl::Seconds(scenario.metrics.window_s);
  o.max_age = absl::Seconds(scenario.metrics.max_age_s);
  o.retention = std::max(absl::Minutes(10), 2 * o.max_age);
  return o;
}

absl::StatusOr<PreparedTraffic> PrepareTraffic(const Scenario& scenario) {
  PreparedTraffic p;
  p.steps = static_cast<int64_t>(std::ceil(scenario.duration_s / scenario.step_s - kEps));
  for (size_t i = 0; i < scenario.targets.size(); ++i) {
    absl::StatusOr<std::vector<double>> rate = RenderTraffic(
        scenario.targets[i].traffic, scenario.step_s, p.steps, scenario.seed + 7919 * i,
        absl::StrCat("targets.", scenario.targets[i].target, ".traffic"));
    if (!rate.ok()) {
      return absl::Status(rate.status().code(),
                          absl::StrCat(scenario.source, ": ", rate.status().message()));
    }
    p.rate.push_back(*std::move(rate));
  }
  return p;
}

namespace {

// Seconds in "90", "90s", "15m", "6h", "42d"; nullopt otherwise.
std::optional<double> SecondsIn(absl::string_view word) {
  double unit = 1;
  if (!word.empty()) {
    switch (word.back()) {
      case 's':
        word.remove_suffix(1);
        break;
      case 'm':
        unit = 60;
        word.remove_suffix(1);
        break;
      case 'h':
        unit = 3600;
        word.remove_suffix(1);
        break;
      case 'd':
        unit = 86400;
        word.remove_suffix(1);
        break;
      default:
        break;
    }
  }
  double v;
  if (!absl::SimpleAtod(word, &v) || !std::isfinite(v) || v < 0) return std::nullopt;
  return v * unit;
}

std::string Readable(double s) {
  for (const auto& [unit, size] : {std::pair{"d", 86400.0}, {"h", 3600.0}, {"m", 60.0}}) {
    if (s >= size && std::fmod(s, size) == 0) return absl::StrCat(s / size, unit);
  }
  return absl::StrCat(s, "s");
}

}  // namespace

absl::StatusOr<TimeRange> ParseTimeRange(absl::string_view text, double duration_s,
                                         absl::string_view what) {
  const size_t colon = text.find(':');
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " \"", text, "\": ", why,
                     "; write FROM:TO in seconds or with a unit (s, m, h, d), e.g. 0:42d or "
                     "42d: (to the end)"));
  };
  if (colon == absl::string_view::npos) return bad("no colon between FROM and TO");
  TimeRange r{0, duration_s};
  const absl::string_view from = absl::StripAsciiWhitespace(text.substr(0, colon));
  const absl::string_view to = absl::StripAsciiWhitespace(text.substr(colon + 1));
  if (!from.empty()) {
    std::optional<double> v = SecondsIn(from);
    if (!v) return bad(absl::StrCat("\"", from, "\" is not a time"));
    r.from_s = *v;
  }
  if (!to.empty()) {
    std::optional<double> v = SecondsIn(to);
    if (!v) return bad(absl::StrCat("\"", to, "\" is not a time"));
    r.to_s = *v;
  }
  if (r.from_s >= r.to_s) return bad("FROM must come before TO");
  if (r.to_s > duration_s + 1e-9) {
    return bad(absl::StrCat("the run lasts ", Readable(duration_s)));
  }
  return r;
}

std::string DescribeTimeRange(const TimeRange& range) {
  return absl::StrCat(Readable(range.from_s), "..", Readable(range.to_s));
}

absl::StatusOr<RunResult> RunSimulation(const Scenario& scenario, const PreparedTraffic& traffic,
                                        const PolicyVariant& variant, const SimOptions& options) {
  if (options.record_timeline && static_cast<int64_t>(traffic.steps) > kMaxTimelineSteps) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a timeline of ", traffic.steps, " steps is over the limit of ", kMaxTimelineSteps,
        " a run records (about 100 bytes a step); run it without --out for the summary, which "
        "any length keeps in constant memory, or use a larger step_s"));
  }
  ASSIGN_OR_RETURN(std::vector<policy::TargetPolicy> policies, ResolvePolicies(scenario, variant));
  const size_t n = policies.size();
  const double dt = scenario.step_s;
  const absl::Time origin = scenario.start;

  metrics::SampleStore store(StoreOptionsFor(scenario));
  std::vector<SimCluster::Target> cluster_targets;
  std::vector<ServiceModel> service;
  std::vector<RunSummary> summaries;
  std::vector<std::vector<RunSummary>> window_summaries(n);
  // Scale events counted before the step, for the windows' counts.
  std::vector<std::pair<int32_t, int32_t>> ups_downs_before(n);
  std::vector<std::vector<std::pair<int32_t, int32_t>>> window_ups_downs(
      n, std::vector<std::pair<int32_t, int32_t>>(options.windows.size()));
  std::vector<double> scrape_every, next_scrape, metric_down_until(n, -kInf), backlog(n, 0);
  for (size_t i = 0; i < n; ++i) {
    const TargetModel& model = scenario.targets[i];
    const double capacity = CapacityOf(model, policies[i]);
    cluster_targets.push_back({&model, &policies[i], capacity});
    service.push_back(ServiceFor(model, capacity));
    std::optional<SpikeWindow> spike;
    if (const TrafficSpec* f = FirstFlashSale(model.traffic)) {
      spike = SpikeWindow{f->start_s, f->start_s + f->ramp_s, f->start_s + f->ramp_s + f->hold_s};
    }
    summaries.emplace_back(scenario.slo, dt, scenario.loop_interval_s,
                           scenario.price_per_replica_hour, spike);
    for (size_t w = 0; w < options.windows.size(); ++w) {
      window_summaries[i].emplace_back(scenario.slo, dt, scenario.loop_interval_s,
                                       scenario.price_per_replica_hour, std::nullopt);
    }
    scrape_every.push_back(ScrapeInterval(scenario, policies[i]));
    next_scrape.push_back(scrape_every.back());
  }
  SimObserver* observer = options.observer;
  // One scrape of one target on its way to the store.
  struct InFlight {
    double deliver_t = 0;
    std::vector<metrics::Sample> samples;
  };
  std::deque<InFlight> in_flight;
  // Delivered scrapes' vectors, emptied, for the next scrapes: a replay scrapes thousands of
  // times, and growing a fresh vector each time cost a few percent of it.
  std::vector<std::vector<metrics::Sample>> spare_samples;
  SimCluster cluster(cluster_targets, origin, scenario.seed,
                     [&](const std::string& target, const std::string& id, double t) {
                       // A scrape of a replica that is gone arrives for no one: delivered,
                       // it would bring the replica back as a pod without fresh samples.
                       for (InFlight& f : in_flight) {
                         std::erase_if(f.samples, [&](const metrics::Sample& s) {
                           return s.replica_id == id && s.target == target;
                         });
                       }
                       store.RemoveReplica(target, id);
                       if (observer)
                         observer->OnReplicaRemoved(origin + absl::Seconds(t), target, id);
                     });
  DecisionRecorder recorder(policies, origin, options.record_decisions);
  ASSIGN_OR_RETURN(std::unique_ptr<controller::ControlLoop> loop,
                   controller::ControlLoop::Create(policies, &store, &cluster, &recorder));

  RunResult result;
  result.policy = variant.name;
  result.description = DescribeVariant(variant);
  for (const SimEvent& e : scenario.events) {
    result.events.push_back({e.at_s, e.duration_s, EventKindName(e.kind), DescribeEvent(e)});
  }
  result.resources.resize(n);
  for (size_t i = 0; i < n; ++i) {
    ResourceRun& r = result.resources[i];
    r.target = policies[i].target;
    r.min_replicas = policies[i].min_replicas;
    r.max_replicas = policies[i].max_replicas;
    r.capacity_per_replica_rps = service[i].capacity_rps;
    if (options.record_timeline) r.timeline.reserve(traffic.steps);
  }

  std::vector<TimelineRow> rows(n);
  // Each target's queue: what the steps share is set once.
  std::vector<QueueStep> queue(n);
  for (size_t i = 0; i < n; ++i) {
    queue[i].service_rate = service[i].mu;
    queue[i].timeout_s = scenario.targets[i].timeout_s;
    queue[i].dt = dt;
    queue[i].burstiness = scenario.targets[i].burstiness;
  }
  std::vector<std::pair<double, double>> arrived_served(n);  // requests per step
  size_t next_event = 0;
  double actuator_down_until = -kInf;
  double next_tick = 0;
  for (int64_t step = 0; step < traffic.steps; ++step) {
    const double t = step * dt;
    for (; next_event < scenario.events.size() && scenario.events[next_event].at_s <= t + kEps;
         ++next_event) {
      const SimEvent& e = scenario.events[next_event];
      for (size_t i = 0; i < n; ++i) {
        if (!AppliesTo(e, policies[i].target)) continue;
        if (e.kind == SimEvent::Kind::kZoneOutage)
          cluster.LoseReplicas(i, t, e.fraction, e.replace);
        if (e.kind == SimEvent::Kind::kMetricOutage) {
          metric_down_until[i] = std::max(metric_down_until[i], e.at_s + e.duration_s);
        }
      }
      if (e.kind == SimEvent::Kind::kActuatorOutage) {
        actuator_down_until = std::max(actuator_down_until, e.at_s + e.duration_s);
      }
    }
    cluster.SetActuatorDown(t < actuator_down_until - kEps);
    cluster.Advance(t);

    // The step's traffic against the replicas ready at its start.
    for (size_t i = 0; i < n; ++i) {
      const double lambda = traffic.rate[i][step];
      const int32_t ready = cluster.ready(i);
      QueueStep& q = queue[i];
      q.arrival_rate = lambda;
      q.servers = ready * service[i].workers;
      q.backlog = backlog[i];
      q.queue_limit = scenario.targets[i].queue_per_replica * ready;
      const QueueResult out = StepQueue(q);
      backlog[i] = out.backlog;
      cluster.Accumulate(i, lambda);

      // Every field is written (the SLO flag by the summary), so the row is not cleared.
      TimelineRow& row = rows[i];
      row.t_s = t;
      row.demand_rps = lambda;
      row.spec = cluster.spec(i);
      row.ready = ready;
      row.starting = row.spec - ready;
      row.capacity_rps = ready * service[i].capacity_rps;
      row.utilization = row.capacity_rps > 0 ? lambda / row.capacity_rps : (lambda > 0 ? kInf : 0);
      row.p50_ms = out.latency.p50 * 1000;
      row.p95_ms = out.latency.p95 * 1000;
      row.p99_ms = out.latency.p99 * 1000;
      row.dropped = out.dropped;
      row.backlog = out.backlog;
      arrived_served[i] = {lambda * dt, out.served};

      if (t + kEps >= next_scrape[i]) {
        next_scrape[i] += scrape_every[i];
        InFlight scrape{t + scenario.metrics.delay_s, {}};
        if (!spare_samples.empty()) {
          scrape.samples = std::move(spare_samples.back());
          spare_samples.pop_back();
        }
        cluster.Scrape(i, t, &scrape.samples);
        if (t >= metric_down_until[i] - kEps) in_flight.push_back(std::move(scrape));
      }
    }
    // Only the steps that deliver samples or tick need the time as absl::Time.
    const auto now_of_step = [&] { return origin + absl::Seconds(t); };
    while (!in_flight.empty() && in_flight.front().deliver_t <= t + kEps) {
      const absl::Time now = now_of_step();
      const std::vector<metrics::Sample>& samples = in_flight.front().samples;
      if (observer) {
        for (const metrics::Sample& s : samples) observer->OnSample(now, s);
      }
      if (absl::Status st = store.AddAll(samples); !st.ok()) return st;
      spare_samples.push_back(std::move(in_flight.front().samples));
      spare_samples.back().clear();
      in_flight.pop_front();
    }
    if (t + kEps >= next_tick) {
      next_tick += scenario.loop_interval_s;
      const absl::Time now = now_of_step();
      if (observer) observer->OnTick(now);
      if (absl::Status st = loop->Tick(now); !st.ok()) {
        return absl::InternalError(absl::StrCat("control loop at t=", t, " s: ", st.message()));
      }
    }
    for (size_t i = 0; i < n; ++i) {
      TimelineRow& row = rows[i];
      row.desired = recorder.desired(i) >= 0 ? recorder.desired(i) : row.spec;
      summaries[i].Add(row, arrived_served[i].first, arrived_served[i].second,
                       row.spec + cluster.draining(i));
      const std::pair<int32_t, int32_t> ups_downs{recorder.ups(i), recorder.downs(i)};
      for (size_t w = 0; w < options.windows.size(); ++w) {
        if (t + kEps < options.windows[w].from_s || t + kEps >= options.windows[w].to_s) continue;
        window_summaries[i][w].Add(row, arrived_served[i].first, arrived_served[i].second,
                                   row.spec + cluster.draining(i));
        window_ups_downs[i][w].first += ups_downs.first - ups_downs_before[i].first;
        window_ups_downs[i][w].second += ups_downs.second - ups_downs_before[i].second;
      }
      ups_downs_before[i] = ups_downs;
      if (options.record_timeline) result.resources[i].timeline.push_back(row);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    ResourceRun& r = result.resources[i];
    r.summary = summaries[i].Finish();
    r.summary.target = r.target;
    r.summary.scale_ups = recorder.ups(i);
    r.summary.scale_downs = recorder.downs(i);
    for (size_t w = 0; w < options.windows.size(); ++w) {
      ResourceSummary ws = window_summaries[i][w].Finish();
      ws.target = r.target;
      ws.scale_ups = window_ups_downs[i][w].first;
      ws.scale_downs = window_ups_downs[i][w].second;
      r.window_summaries.push_back(std::move(ws));
    }
    r.decisions = std::move(recorder.records(i));
  }
  return result;
}

}  // namespace limiar::sim
