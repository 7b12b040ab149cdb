#include "src/metrics/scrape/scrape_poller.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <system_error>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "src/metrics/prometheus/prometheus_text.h"

namespace limiar::metrics {

struct Scraper::Endpoint {
  ScrapeEndpoint endpoint;
  bool from_file = false;
  // Per mapping. Touched only by the one thread that scrapes this endpoint (in_flight).
  std::vector<CounterRates> counters;
  ScrapeEndpointStatus status;  // status_mu_
  // Handed to the pool and not finished: not due again until it is.
  bool in_flight = false;  // status_mu_
  // Left the endpoints file (or moved) while in flight: its scrape must not write to the
  // store after the replica was removed from it.
  bool removed = false;  // status_mu_
};

struct Scraper::Target {
  ScrapeTarget source;
  SampleFilter filter;                          // built once: only what the mappings select is kept
  std::optional<EndpointsFileWatcher> watcher;  // PollDue's thread only
  // Shared with the pool's jobs, which may outlive a reload that drops the endpoint.
  std::vector<std::shared_ptr<Endpoint>> endpoints;
  ScrapeTargetStatus status;  // status_mu_
};

// The endpoints one Dispatch handed out, for PollDue to wait on.
struct Scraper::Batch {
  size_t handed_out = 0;  // set before the jobs are queued
  size_t remaining = 0;   // queue_mu_
};

struct Scraper::Job {
  const Target* target;  // targets_ never shrink
  std::shared_ptr<Endpoint> endpoint;
  absl::Time now;
  std::shared_ptr<Batch> batch;
};

namespace {

// Malformed lines kept per answer: the first is shown in status, the rest only counted.
constexpr size_t kMaxLineErrors = 10;

}  // namespace

std::shared_ptr<Scraper::Endpoint> Scraper::MakeEndpoint(const ScrapeTarget& t, ScrapeEndpoint e,
                                                         bool from_file) {
  auto endpoint = std::make_shared<Endpoint>();
  endpoint->from_file = from_file;
  endpoint->counters.resize(t.config.metrics.size());
  endpoint->status.target = t.target;
  endpoint->status.replica = e.replica;
  endpoint->status.url = e.url;
  endpoint->status.from_file = from_file;
  endpoint->endpoint = std::move(e);
  return endpoint;
}

Scraper::Scraper(std::vector<ScrapeTarget> targets, SampleStore* store, Clock* clock,
                 ScraperOptions options)
    : store_(store), clock_(clock), options_(options) {
  const int threads = std::max(1, options_.max_concurrency);
  for (int i = 0; i < threads; ++i) clients_.push_back(std::make_unique<http::HttpClient>());
  for (ScrapeTarget& source : targets) {
    auto t = std::make_unique<Target>();
    t->source = std::move(source);
    t->filter = MappedSeriesFilter(t->source.config);
    t->status.target = t->source.target;
    t->status.endpoints_file = t->source.config.endpoints_file;
    if (!t->source.config.endpoints_file.empty()) {
      t->watcher.emplace(t->source.config.endpoints_file);
    }
    for (const ScrapeEndpoint& e : t->source.config.endpoints) {
      t->endpoints.push_back(MakeEndpoint(t->source, e, /*from_file=*/false));
    }
    t->status.endpoints = static_cast<int64_t>(t->endpoints.size());
    targets_.push_back(std::move(t));
  }
}

Scraper::~Scraper() {
  Stop();
  std::vector<std::thread> pool;
  {
    MutexLock lock(&queue_mu_);
    stopping_ = true;
    pool.swap(pool_);
  }
  work_cv_.SignalAll();
  for (std::thread& thread : pool) thread.join();
}

void Scraper::ReloadFile(Target& t, absl::Time now, std::vector<std::string>* removed) {
  if (!t.watcher) {
    if (!t.source.discovery) return;
    std::optional<EndpointsFileContents> found = t.source.discovery();
    if (found) ApplyDiscovered(t, *std::move(found), now, removed);
    return;
  }
  absl::StatusOr<std::optional<std::string>> text = t.watcher->ReadIfChanged();
  if (!text.ok()) {
    MutexLock lock(&status_mu_);
    t.status.file_error = text.status();
    return;
  }
  if (!text->has_value()) return;

  std::vector<std::string> taken;
  for (const ScrapeEndpoint& e : t.source.config.endpoints) taken.push_back(e.replica);
  ApplyDiscovered(t, ParseEndpointsFile(**text, t.source.config.path, taken), now, removed);
}

void Scraper::ApplyDiscovered(Target& t, EndpointsFileContents contents, absl::Time now,
                              std::vector<std::string>* removed) {
  // Keep the state (counter history) of every endpoint that is still there unchanged.
  absl::flat_hash_map<std::string, std::shared_ptr<Endpoint>*> old_by_replica;
  for (std::shared_ptr<Endpoint>& e : t.endpoints) {
    if (e->from_file) old_by_replica[e->endpoint.replica] = &e;
  }
  std::vector<std::shared_ptr<Endpoint>> next;
  absl::flat_hash_set<std::string> listed;
  for (std::shared_ptr<Endpoint>& e : t.endpoints) {
    if (!e->from_file) next.push_back(std::move(e));
  }
  for (ScrapeEndpoint& e : contents.endpoints) {
    listed.insert(e.replica);
    const auto it = old_by_replica.find(e.replica);
    if (it != old_by_replica.end() && (*it->second)->endpoint == e) {
      next.push_back(std::move(*it->second));
      continue;
    }
    // New, or the same replica at another address: a fresh counter history, since the
    // process behind the new address is not the one the old values came from.
    next.push_back(MakeEndpoint(t.source, std::move(e), /*from_file=*/true));
  }
  for (const auto& [replica, slot] : old_by_replica) {
    if (!listed.contains(replica)) removed->push_back(replica);
  }

  MutexLock lock(&status_mu_);
  // Whatever was not moved into `next` is gone: a scrape of it in flight records nothing.
  for (const auto& [replica, slot] : old_by_replica) {
    if (*slot != nullptr) (*slot)->removed = true;
  }
  t.endpoints = std::move(next);
  t.status.endpoints = static_cast<int64_t>(t.endpoints.size());
  t.status.file_loads++;
  t.status.last_file_load = now;
  t.status.file_error = absl::OkStatus();
  t.status.file_line_errors = std::move(contents.errors);
}

std::shared_ptr<Scraper::Batch> Scraper::DispatchBatch(absl::Time now) {
  MutexLock poll_lock(&poll_mu_);
  for (std::unique_ptr<Target>& t : targets_) {
    if (!t->watcher && !t->source.discovery) continue;
    std::vector<std::string> removed;
    ReloadFile(*t, now, &removed);
    for (const std::string& replica : removed) store_->RemoveReplica(t->source.target, replica);
  }

  auto batch = std::make_shared<Batch>();
  std::vector<Job> due;
  {
    MutexLock lock(&status_mu_);
    for (const std::unique_ptr<Target>& t : targets_) {
      for (const std::shared_ptr<Endpoint>& e : t->endpoints) {
        if (e->in_flight || now < e->status.next_due) continue;
        e->in_flight = true;
        due.push_back(Job{t.get(), e, now, batch});
      }
    }
  }
  if (due.empty()) return batch;

  queue_mu_.Lock();
  batch->handed_out = due.size();
  batch->remaining = due.size();
  for (Job& job : due) queue_.push_back(std::move(job));
  // The pool starts with the first job, so a scraper that never scrapes costs no threads.
  while (pool_.size() < clients_.size() && !stopping_) {
    try {
      pool_.emplace_back([this, client = clients_[pool_.size()].get()] { Work(*client); });
    } catch (const std::system_error&) {
      break;  // out of threads: the ones there are do all the work
    }
  }
  if (pool_.empty()) {
    // Not even one thread: scrape here rather than never.
    std::deque<Job> jobs;
    jobs.swap(queue_);
    queue_mu_.Unlock();
    for (const Job& job : jobs) ScrapeOne(*job.target, *job.endpoint, *clients_[0], job.now);
    MutexLock lock(&queue_mu_);
    batch->remaining = 0;
    return batch;
  }
  queue_mu_.Unlock();
  work_cv_.SignalAll();
  return batch;
}

int Scraper::Dispatch(absl::Time now) { return static_cast<int>(DispatchBatch(now)->handed_out); }

int Scraper::PollDue(absl::Time now) {
  const std::shared_ptr<Batch> batch = DispatchBatch(now);
  MutexLock lock(&queue_mu_);
  while (batch->remaining != 0) done_cv_.Wait(&queue_mu_);
  return static_cast<int>(batch->handed_out);
}

void Scraper::Work(http::HttpClient& client) {
  queue_mu_.Lock();
  while (true) {
    while (!stopping_ && queue_.empty()) work_cv_.Wait(&queue_mu_);
    if (stopping_) break;
    Job job = std::move(queue_.front());
    queue_.pop_front();
    queue_mu_.Unlock();
    ScrapeOne(*job.target, *job.endpoint, client, job.now);
    queue_mu_.Lock();
    if (--job.batch->remaining == 0) done_cv_.SignalAll();
  }
  queue_mu_.Unlock();
}

void Scraper::ScrapeOne(const Target& t, Endpoint& e, http::HttpClient& client, absl::Time now) {
  const ScrapeConfig& config = t.source.config;
  http::HttpRequest request;
  request.url = e.endpoint.url;
  request.timeout = config.timeout;
  request.max_body_bytes = config.max_body_bytes;
  // Exporters that negotiate (client_golang) then answer in the one format parsed here.
  request.headers = {
      {"Accept", "text/plain;version=0.0.4;q=1,*/*;q=0.1"},
      {"X-Prometheus-Scrape-Timeout-Seconds", absl::StrCat(absl::ToDoubleSeconds(config.timeout))},
  };
  const auto started = std::chrono::steady_clock::now();
  absl::StatusOr<http::HttpResponse> response = client.Send(request);

  absl::Status error;
  ParsedExposition parsed;
  if (!response.ok()) {
    error = response.status();
  } else if (response->status != 200) {
    error = absl::UnavailableError(
        absl::StrCat("GET ", request.url, ": HTTP status ", response->status));
  } else {
    parsed = ParsePrometheusTextLenient(response->body, kMaxLineErrors, t.filter);
    if (parsed.sample_limit_hit) {
      error = absl::ResourceExhaustedError(absl::StrCat(
          "GET ", request.url, ": more than ", config.max_series,
          " series match the mappings (max_series); narrow the selectors or raise max_series"));
    } else if (parsed.samples.empty() && parsed.skipped_samples == 0 && parsed.error_count > 0) {
      // Bad lines and nothing else: an error page, not an exposition.
      error = absl::InvalidArgumentError(
          absl::StrCat("GET ", request.url, ": not the Prometheus text format (",
                       parsed.error_count, " bad lines; ", parsed.errors[0].ToString(), ")"));
    }
  }

  std::vector<std::string> warnings;
  // Written to the store below, under status_mu_, unless the endpoint was removed.
  std::vector<std::pair<const char*, Sample>> samples;
  if (error.ok()) {
    for (size_t i = 0; i < config.metrics.size(); ++i) {
      const ScrapeMapping& mapping = config.metrics[i];
      const char* metric = policy::MetricTypeName(mapping.metric);
      absl::StatusOr<MatchedSeries> matched = MatchScrapeMapping(parsed, mapping, now);
      if (!matched.ok()) {
        warnings.push_back(absl::StrCat(metric, ": ", matched.status().message()));
        continue;
      }
      if (matched->points.empty()) {
        warnings.push_back(
            matched->non_finite > 0
                ? absl::StrCat(metric, ": only NaN or Inf values in ", mapping.series.ToString())
                : absl::StrCat(metric, ": no series matches ", mapping.series.ToString()));
      }
      const std::optional<TimedValue> value = matched->kind == ScrapeKind::kCounter
                                                  ? e.counters[i].Update(matched->points, now)
                                                  : SumGauge(matched->points);
      if (!value) continue;
      Sample sample;
      sample.target = t.source.target;
      sample.metric = mapping.metric;
      sample.replica_id = e.endpoint.replica;
      sample.value = value->value * mapping.scale;
      sample.time = value->time;
      sample.ready = true;
      sample.ingest = Ingest::kScrape;
      samples.emplace_back(metric, std::move(sample));
    }
  }
  const absl::Duration took = absl::FromChrono(std::chrono::steady_clock::now() - started);

  MutexLock lock(&status_mu_);
  e.in_flight = false;
  // A reload that removed this replica from the store is not undone by a late answer.
  if (e.removed) return;
  int64_t recorded = 0;
  for (const auto& [metric, sample] : samples) {
    if (const absl::Status added = store_->Add(sample); !added.ok()) {
      warnings.push_back(absl::StrCat(metric, ": ", added.message()));
      continue;
    }
    ++recorded;
  }
  ScrapeEndpointStatus& s = e.status;
  s.next_due = now + config.interval;
  s.last_attempt = now;
  s.last_duration = took;
  ++s.total_scrapes;
  ++totals_.scrapes;
  if (!error.ok()) {
    s.last_error = error;
    s.last_error_time = now;
    ++s.consecutive_failures;
    ++s.total_failures;
    ++totals_.failures;
    return;
  }
  s.last_success = now;
  s.consecutive_failures = 0;
  s.last_parse_errors = parsed.error_count;
  s.total_parse_errors += parsed.error_count;
  s.last_parse_error = parsed.errors.empty() ? "" : parsed.errors[0].ToString();
  s.last_samples = recorded;
  s.last_warnings = std::move(warnings);
  totals_.parse_errors += parsed.error_count;
  totals_.samples += recorded;
}

void Scraper::Start() { worker_.Start(); }

void Scraper::Stop() { worker_.Stop(); }

std::vector<ScrapeEndpointStatus> Scraper::Status() const {
  MutexLock lock(&status_mu_);
  std::vector<ScrapeEndpointStatus> out;
  for (const std::unique_ptr<Target>& t : targets_) {
    for (const std::shared_ptr<Endpoint>& e : t->endpoints) out.push_back(e->status);
  }
  return out;
}

std::vector<ScrapeTargetStatus> Scraper::TargetStatus() const {
  MutexLock lock(&status_mu_);
  std::vector<ScrapeTargetStatus> out;
  for (const std::unique_ptr<Target>& t : targets_) out.push_back(t->status);
  return out;
}

ScrapeTotals Scraper::totals() const {
  MutexLock lock(&status_mu_);
  return totals_;
}

}  // namespace limiar::metrics
