// Scrapes every target's replica endpoints on the target's interval and writes what the
// mappings select into the sample store, one point per (target, metric, replica):
//   - a replica that answers 200 with a body in the text format is ready (Sample.ready);
//     its start time is unknown;
//   - a replica that does not answer (refused, timed out, non-200, a body with no valid
//     line) records nothing: it goes missing, and after the store's max_age stale, never
//     zero. Its failures are counted per endpoint;
//   - a body with some malformed lines still yields its valid series (lenient parsing);
//     the malformed lines are counted;
//   - only the series the mappings select are kept while parsing (scrape_rate.h's
//     MappedSeriesFilter; the lines of other families are skipped unread, so their errors
//     go uncounted); a body over the target's max_body_bytes, or more such series than its
//     max_series, fails the scrape (ResourceExhausted);
//   - a mapping that matches nothing on a replica records nothing for that metric;
//   - counters become rates as scrape_rate.h says; the first scrape has no rate yet.
// Samples carry the exposition's timestamp when it gives one, else the poll's `now`.
//
// Endpoints come from the config and from an endpoints_file, whose changes are picked up
// at the start of each poll: a replica that leaves the file is removed from the store at
// once (RemoveReplica), a new one is scraped in the same poll. A file that cannot be read
// leaves the list as it was.
//
// Each endpoint is scheduled on its own: Dispatch(now) hands every due endpoint that is not
// already being fetched to a pool of `max_concurrency` threads, each with its own HTTP
// client, and returns at once. A slow or hanging replica then holds one thread for its
// timeout and is skipped while it does; every other endpoint keeps its interval. Start()
// calls Dispatch about once a second on a thread of its own. PollDue(now) is Dispatch plus
// a wait for the endpoints it handed out, so tests drive it with a ManualClock and read the
// results when it returns.
#ifndef LIMIAR_METRICS_SCRAPE_SCRAPE_POLLER_H_
#define LIMIAR_METRICS_SCRAPE_SCRAPE_POLLER_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "src/common/clock.h"
#include "src/common/http/http_client.h"
#include "src/common/mutex.h"
#include "src/common/periodic_worker.h"
#include "src/metrics/scrape/scrape_config.h"
#include "src/metrics/scrape/scrape_endpoints_file.h"
#include "src/metrics/scrape/scrape_rate.h"
#include "src/metrics/store/sample_store.h"

namespace limiar::metrics {

// Endpoints found by something other than a file (the kubernetes source's ready pods):
// asked at the start of each Dispatch, where the endpoints file would be read; nullopt
// when nothing changed since the last call. Must not block (it reads a cache).
using EndpointDiscovery = std::function<std::optional<EndpointsFileContents>()>;

// One target's scrape source.
struct ScrapeTarget {
  std::string target;  // the target compute's `nome`, as the store keys it
  ScrapeConfig config;
  // Instead of config.endpoints_file (not both): its endpoints are handled exactly as the
  // file's (a replica that leaves is removed from the store at once, a new one scraped in
  // the same poll); the status counts its changes as file loads.
  EndpointDiscovery discovery;
};

struct ScraperOptions {
  // Threads fetching at once, the size of the scraper's pool; >= 1 (0 or less means 1). Latency,
  // not CPU, is what they wait on: 1,000 endpoints answering in 50 ms each took 52 s one at a
  // time, 6.5 s with 8 threads and 3.3 s with 16 (loopback, 57 kB node-exporter bodies,
  // about 0.5-0.8 ms of CPU per scrape). A hung endpoint holds a thread for its timeout.
  int max_concurrency = 16;
};

// What the scraper knows about one endpoint, for status pages and `explain`.
struct ScrapeEndpointStatus {
  std::string target;
  std::string replica;
  std::string url;
  bool from_file = false;
  absl::Time next_due = absl::InfinitePast();
  absl::Time last_attempt = absl::InfinitePast();
  absl::Time last_success = absl::InfinitePast();
  // Wall time the last fetch and parse took.
  absl::Duration last_duration = absl::ZeroDuration();
  // The most recent failure, kept after later successes; OK if there never was one.
  absl::Status last_error;
  absl::Time last_error_time = absl::InfinitePast();
  // Failures since the last success: 0 while the endpoint is healthy.
  int64_t consecutive_failures = 0;
  int64_t total_scrapes = 0;
  int64_t total_failures = 0;
  // Malformed lines in the last answer, in all answers, and the first one of the last.
  int64_t last_parse_errors = 0;
  int64_t total_parse_errors = 0;
  std::string last_parse_error;
  // Points the last successful scrape wrote to the store.
  int64_t last_samples = 0;
  // What kept a mapping from recording in the last successful scrape, one line per
  // mapping ("requests: no series matches http_requests_total{code=~\"2..\"}").
  std::vector<std::string> last_warnings;
};

// Per target: its endpoints_file, when it has one.
struct ScrapeTargetStatus {
  std::string target;
  std::string endpoints_file;  // "" when none
  int64_t endpoints = 0;       // scraped now, the config's and the file's
  int64_t file_loads = 0;      // successful reads
  absl::Time last_file_load = absl::InfinitePast();
  // The last attempt's failure to read the file, OK after a successful read.
  absl::Status file_error;
  // Lines of the last read that were left out ("line 3: ...").
  std::vector<std::string> file_line_errors;
};

// Since construction, across endpoints: for self-metrics.
struct ScrapeTotals {
  int64_t scrapes = 0;
  int64_t failures = 0;
  int64_t parse_errors = 0;  // malformed lines in answers that were used
  int64_t samples = 0;       // points written to the store
};

class Scraper {
 public:
  // `store` and `clock` must outlive the scraper. `clock` is read only by the thread that
  // Start() runs.
  Scraper(std::vector<ScrapeTarget> targets, SampleStore* store, Clock* clock,
          ScraperOptions options = {});
  // Stops the thread if it runs.
  ~Scraper();
  Scraper(const Scraper&) = delete;
  Scraper& operator=(const Scraper&) = delete;

  // Re-reads changed endpoints files, then hands every endpoint whose interval has elapsed
  // at `now` (all of them on the first call) and that is not being fetched still to the
  // pool, which records the results at `now`. An endpoint's next scrape is `interval`
  // after this one: a late poll shifts the schedule rather than firing a burst to catch up.
  // Returns how many endpoints were handed out, without waiting for them. Thread-safe.
  int Dispatch(absl::Time now);
  // Dispatch(now), then blocks until the endpoints it handed out are scraped (each up to
  // its timeout). Returns how many that was.
  int PollDue(absl::Time now);

  // Calls Dispatch(clock->Now()) at once and then about every second on a thread of its
  // own, until Stop(). No-op if already running.
  void Start();
  // Returns once that thread has ended; scrapes in flight finish on the pool (the
  // destructor waits for them). No-op if not running.
  void Stop();

  // One entry per endpoint, by target in the constructor's order, the config's endpoints
  // before the file's. Thread-safe; never waits for a scrape.
  std::vector<ScrapeEndpointStatus> Status() const;
  // One entry per target, in the constructor's order. Thread-safe.
  std::vector<ScrapeTargetStatus> TargetStatus() const;
  ScrapeTotals totals() const;

 private:
  struct Endpoint;
  struct Target;

  struct Batch;
  struct Job;

  static std::shared_ptr<Endpoint> MakeEndpoint(const ScrapeTarget& t, ScrapeEndpoint e,
                                                bool from_file);
  // Applies a changed endpoints file of `t`, or its discovery's new endpoints; replicas
  // that left are returned for removal.
  void ReloadFile(Target& t, absl::Time now, std::vector<std::string>* removed);
  void ApplyDiscovered(Target& t, EndpointsFileContents contents, absl::Time now,
                       std::vector<std::string>* removed);
  std::shared_ptr<Batch> DispatchBatch(absl::Time now);
  // The pool thread's loop; `client` is its own.
  void Work(http::HttpClient& client);
  void ScrapeOne(const Target& t, Endpoint& e, http::HttpClient& client, absl::Time now);

  SampleStore* const store_;
  Clock* const clock_;
  const ScraperOptions options_;
  // One per pool thread: a client serialises its calls.
  std::vector<std::unique_ptr<http::HttpClient>> clients_;

  Mutex poll_mu_;  // serialises Dispatch (the file reloads and the due check)

  // The pool: started with the first job, joined by the destructor. The queue holds each
  // endpoint at most once (an endpoint in flight is not due), so it is bounded by the
  // number of endpoints.
  Mutex queue_mu_;
  CondVar work_cv_;  // a job was queued, or stopping_
  CondVar done_cv_;  // a batch finished
  std::deque<Job> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool stopping_ ABSL_GUARDED_BY(queue_mu_) = false;
  std::vector<std::thread> pool_ ABSL_GUARDED_BY(queue_mu_);
  // Guards every status, the totals and the endpoint lists' membership. Not annotated on
  // targets_: the membership changes only inside Dispatch under poll_mu_ and status_mu_
  // both, so Dispatch reads it under poll_mu_ alone, which the analysis cannot express.
  mutable Mutex status_mu_;
  std::vector<std::unique_ptr<Target>> targets_;
  ScrapeTotals totals_ ABSL_GUARDED_BY(status_mu_);

  PeriodicWorker worker_{absl::Seconds(1), [this] { Dispatch(clock_->Now()); }};
};

}  // namespace limiar::metrics

#endif  // LIMIAR_METRICS_SCRAPE_SCRAPE_POLLER_H_
