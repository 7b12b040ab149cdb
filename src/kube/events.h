// Kubernetes Events (events.k8s.io/v1) on the objects Limiar scales, so that `kubectl
// describe deployment web` shows why it scaled, as it shows the HPA's SuccessfulRescale.
//
// A flapping target must not flood the API server, so events pass a correlator first, as
// client-go's do:
//   - the same event again (same object, type, reason, action and note) within
//     `series_window` does not make a new Event: the existing one's series count and
//     lastObservedTime go up (events/v1 EventSeries);
//   - per object, a token bucket (client-go's spam filter: a burst of 25, then one per
//     5 minutes) drops what is beyond, counted.
// EventCorrelator is the pure part; EventRecorder sends on a thread of its own from a
// bounded queue, so the control loop never waits on the API server.
#ifndef LIMIAR_KUBE_EVENTS_H_
#define LIMIAR_KUBE_EVENTS_H_

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <thread>
#include <tuple>

#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "src/common/mutex.h"
#include "src/kube/api_client.h"

namespace limiar::kube {

struct ObjectReference {
  std::string api_version;  // "apps/v1"
  std::string kind;         // "Deployment"
  std::string namespace_name;
  std::string name;
};

struct EventNote {
  ObjectReference regarding;
  std::string type;    // "Normal" or "Warning"
  std::string reason;  // "SuccessfulRescale"
  std::string action;  // "Scale"
  std::string note;    // cut to the API's 1 KB
};

struct EventOptions {
  int burst = 25;
  absl::Duration refill = absl::Minutes(5);  // one more event per object per this
  absl::Duration series_window = absl::Minutes(30);
  size_t max_tracked = 4096;  // events and objects remembered; the oldest go first
  size_t max_queued = 1000;   // EventRecorder: events waiting to be sent
  std::string reporting_controller = "tesserra.io/limiar";
  std::string reporting_instance;  // this copy: the pod name
};

class EventCorrelator {
 public:
  explicit EventCorrelator(EventOptions options = {}) : options_(std::move(options)) {}

  enum class Act { kCreate, kSeries, kDrop };
  struct Step {
    Act act = Act::kDrop;
    std::string name;   // the Event's metadata.name
    int32_t count = 1;  // occurrences so far (a series from 2)
  };
  // What to do with `note` at `now`, and remembers it.
  Step Observe(const EventNote& note, absl::Time now);

 private:
  using Key = std::tuple<std::string, std::string, std::string, std::string, std::string,
                         std::string, std::string>;
  struct Seen {
    std::string name;
    int32_t count = 0;
    absl::Time first;
  };
  struct Bucket {
    double tokens = 0;
    absl::Time updated;
  };
  bool Take(const std::string& object, absl::Time now);

  const EventOptions options_;
  std::map<Key, Seen> seen_;
  std::map<std::string, Bucket> buckets_;
};

// The Event object to create, and the merge patch that extends its series.
nlohmann::json EventObject(const EventNote& note, const std::string& name, absl::Time now,
                           const EventOptions& options);
nlohmann::json SeriesPatch(int32_t count, absl::Time now);

struct EventStats {
  int64_t created = 0;
  int64_t series_updates = 0;
  int64_t dropped = 0;        // rate-limited, or the queue was full
  int64_t failed = 0;         // the API server refused or could not be reached
  absl::Status last_error;    // the latest failure, kept after a success
  absl::Status last_outcome;  // the latest send: OK, or why it failed
};

class EventRecorder {
 public:
  // `client` must outlive this. Starts its thread; the destructor drops what is still
  // queued (Flush first to send it).
  EventRecorder(ApiClient* client, EventOptions options);
  ~EventRecorder();
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  // Queues `note` as of `now`; never blocks on the network. Thread-safe.
  void Record(EventNote note, absl::Time now);
  // Waits until every queued event has been handled, up to `timeout`; false if not. For
  // tests and for a stop that should not lose the last decision's event.
  bool Flush(absl::Duration timeout);
  EventStats stats() const;

 private:
  void Run();
  void Send(const EventNote& note, absl::Time now);

  ApiClient* const client_;
  const EventOptions options_;
  EventCorrelator correlator_;  // the sending thread's only
  mutable Mutex mu_;
  CondVar changed_;
  std::deque<std::pair<EventNote, absl::Time>> queue_ ABSL_GUARDED_BY(mu_);
  bool busy_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  EventStats stats_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace limiar::kube

#endif  // LIMIAR_KUBE_EVENTS_H_
