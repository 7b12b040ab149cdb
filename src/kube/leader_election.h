// Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection package
// does it (tryAcquireOrRenew), so that of several Limiar copies exactly one actuates:
//
//   no Lease                      -> create it, holding it            (acquire)
//   held by us                    -> update renewTime                 (renew)
//   held by another, and the record last changed less than
//   leaseDuration ago on OUR clock -> leave it                         (follow)
//   otherwise (expired or released) -> take it: transitions + 1       (take over)
//
// Expiry is judged by when this copy saw the record change, not by the holder's renewTime,
// so clocks that disagree between nodes do not matter. Every write carries the
// resourceVersion read, so of two copies racing for one Lease the API server lets one win
// (409 Conflict for the other). A leader that has not renewed within renewDeadline stops
// counting itself leader at once, before its Lease can expire and another take over.
// Defaults are kube-controller-manager's: lease 15 s, renew deadline 10 s, retry 2 s.
//
// LeaderElector is the pure part (time is a parameter); LeaseLeader runs it on a thread
// against the API server.
#ifndef LIMIAR_KUBE_LEADER_ELECTION_H_
#define LIMIAR_KUBE_LEADER_ELECTION_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "src/common/clock.h"
#include "src/common/mutex.h"
#include "src/common/periodic_worker.h"
#include "src/kube/api_client.h"

namespace limiar::kube {

struct LeaseRecord {
  std::string holder;  // "" when released
  int32_t lease_duration_s = 0;
  absl::Time acquire_time = absl::UnixEpoch();
  absl::Time renew_time = absl::UnixEpoch();
  int32_t transitions = 0;

  bool operator==(const LeaseRecord& other) const;
};

// The Lease's spec, read; InvalidArgument naming the field when a present one is mistyped.
absl::StatusOr<LeaseRecord> LeaseRecordFromLease(const nlohmann::json& lease);
// The spec to write, times as MicroTime ("2026-12-06T10:00:00.123456Z").
nlohmann::json LeaseSpec(const LeaseRecord& record);

struct ElectionConfig {
  std::string identity;  // unique per copy: the pod name, or host_pid
  absl::Duration lease_duration = absl::Seconds(15);
  absl::Duration renew_deadline = absl::Seconds(10);
  absl::Duration retry_period = absl::Seconds(2);
};

// InvalidArgument unless lease_duration > renew_deadline > retry_period * 1.2 > 0 and the
// identity is set (client-go's NewLeaderElector checks the same).
absl::Status ValidateElectionConfig(const ElectionConfig& config);

class LeaderElector {
 public:
  explicit LeaderElector(ElectionConfig config) : config_(std::move(config)) {}

  enum class Write { kNone, kCreate, kUpdate };
  struct Step {
    Write write = Write::kNone;
    LeaseRecord record;  // what to write
  };
  // What to do after reading the Lease at `now` (nullopt: there is none).
  Step Next(const std::optional<LeaseRecord>& read, absl::Time now);
  // The write of the last Next succeeded (or there was none to make).
  void Wrote(const LeaseRecord& record, absl::Time now);

  // Holding the Lease and renewed within renew_deadline of `now`.
  bool IsLeader(absl::Time now) const;
  // The holder as last seen ("" when none).
  const std::string& leader() const { return observed_.holder; }
  const ElectionConfig& config() const { return config_; }
  // A record that gives the Lease up (holder "", duration 1 s), for a leader stopping.
  LeaseRecord Released(absl::Time now) const;

 private:
  const ElectionConfig config_;
  LeaseRecord observed_;
  absl::Time observed_time_ = absl::InfinitePast();
  absl::Time renewed_ = absl::InfinitePast();  // our last successful acquire or renew
};

// LeaderElector against a Lease in the cluster, on its own thread: every retry_period it
// reads the Lease and writes what the elector says. Thread-safe.
class LeaseLeader {
 public:
  // `client` and `clock` must outlive this. `lease` names the Lease object.
  LeaseLeader(ApiClient* client, ResourceRef lease, ElectionConfig config, Clock* clock);
  ~LeaseLeader();
  LeaseLeader(const LeaseLeader&) = delete;
  LeaseLeader& operator=(const LeaseLeader&) = delete;

  void Start() { worker_.Start(); }
  // Stops the thread and, when leading, releases the Lease so that another copy takes over
  // at once rather than after leaseDuration (client-go's ReleaseOnCancel).
  void Stop();

  // One read-and-write round (what the thread does every retry_period). For tests.
  absl::Status TryAcquireOrRenew();
  bool IsLeader() const;
  std::string leader() const;
  absl::Status last_error() const;

 private:
  ApiClient* const client_;
  const ResourceRef lease_;
  Clock* const clock_;
  mutable Mutex mu_;
  LeaderElector elector_ ABSL_GUARDED_BY(mu_);
  absl::Status last_error_ ABSL_GUARDED_BY(mu_);
  // Last: it calls TryAcquireOrRenew, which uses everything above.
  PeriodicWorker worker_;
};

}  // namespace limiar::kube

#endif  // LIMIAR_KUBE_LEADER_ELECTION_H_
