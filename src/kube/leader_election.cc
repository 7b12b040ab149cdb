#include "src/kube/leader_election.h"

#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "src/common/config/json_read.h"

namespace limiar::kube {
namespace {

using nlohmann::json;

absl::Status Mistyped(const std::string& field, const std::string& expected) {
  return absl::InvalidArgumentError(absl::StrCat("the Lease's spec.", field, " is not ", expected,
                                                 "; delete the Lease and Limiar recreates it"));
}

// Reads spec.<field> into `out` when present; an absent field keeps its default, as the API
// server's own defaulting leaves a fresh Lease.
absl::Status ReadInt(const json& spec, const char* field, int32_t* out) {
  const auto it = spec.find(field);
  if (it == spec.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_number_integer() || it->get<int64_t>() < 0 ||
      it->get<int64_t>() > std::numeric_limits<int32_t>::max()) {
    return Mistyped(field, "a non-negative 32-bit integer");
  }
  *out = static_cast<int32_t>(it->get<int64_t>());
  return absl::OkStatus();
}

absl::Status ReadTime(const json& spec, const char* field, absl::Time* out) {
  const auto it = spec.find(field);
  if (it == spec.end() || it->is_null()) return absl::OkStatus();
  if (!it->is_string()) return Mistyped(field, "a time");
  const std::optional<absl::Time> t = config::ParseZonedTime(it->get<std::string>());
  if (!t) return Mistyped(field, "an RFC 3339 time");
  *out = *t;
  return absl::OkStatus();
}

}  // namespace

bool LeaseRecord::operator==(const LeaseRecord& other) const {
  return holder == other.holder && lease_duration_s == other.lease_duration_s &&
         acquire_time == other.acquire_time && renew_time == other.renew_time &&
         transitions == other.transitions;
}

absl::StatusOr<LeaseRecord> LeaseRecordFromLease(const json& lease) {
  LeaseRecord record;
  if (!lease.is_object()) return absl::InvalidArgumentError("the Lease is not a JSON object");
  const auto spec = lease.find("spec");
  if (spec == lease.end() || spec->is_null()) return record;
  if (!spec->is_object()) return Mistyped("", "an object");
  const auto holder = spec->find("holderIdentity");
  if (holder != spec->end() && !holder->is_null()) {
    if (!holder->is_string()) return Mistyped("holderIdentity", "a string");
    record.holder = holder->get<std::string>();
  }
  if (absl::Status s = ReadInt(*spec, "leaseDurationSeconds", &record.lease_duration_s); !s.ok()) {
    return s;
  }
  if (absl::Status s = ReadInt(*spec, "leaseTransitions", &record.transitions); !s.ok()) return s;
  if (absl::Status s = ReadTime(*spec, "acquireTime", &record.acquire_time); !s.ok()) return s;
  if (absl::Status s = ReadTime(*spec, "renewTime", &record.renew_time); !s.ok()) return s;
  return record;
}

json LeaseSpec(const LeaseRecord& record) {
  return json{{"holderIdentity", record.holder},
              {"leaseDurationSeconds", record.lease_duration_s},
              {"acquireTime", FormatMicroTime(record.acquire_time)},
              {"renewTime", FormatMicroTime(record.renew_time)},
              {"leaseTransitions", record.transitions}};
}

absl::Status ValidateElectionConfig(const ElectionConfig& config) {
  if (config.identity.empty()) {
    return absl::InvalidArgumentError(
        "leader election needs an identity unique to this copy (the pod name)");
  }
  if (config.retry_period <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("leader election's retry period must be positive");
  }
  if (config.renew_deadline <= config.retry_period * 1.2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "leader election's renew deadline (", absl::FormatDuration(config.renew_deadline),
        ") must be more than 1.2 x the retry period (", absl::FormatDuration(config.retry_period),
        "), so that a renewal can be retried before the deadline"));
  }
  if (config.lease_duration <= config.renew_deadline) {
    return absl::InvalidArgumentError(absl::StrCat(
        "leader election's lease duration (", absl::FormatDuration(config.lease_duration),
        ") must be longer than its renew deadline (", absl::FormatDuration(config.renew_deadline),
        "), or a leader could still act after its Lease expired"));
  }
  if (config.lease_duration > absl::Seconds(std::numeric_limits<int32_t>::max())) {
    return absl::InvalidArgumentError("leader election's lease duration is too long");
  }
  return absl::OkStatus();
}

LeaderElector::Step LeaderElector::Next(const std::optional<LeaseRecord>& read, absl::Time now) {
  LeaseRecord mine;
  mine.holder = config_.identity;
  mine.lease_duration_s = static_cast<int32_t>(
      absl::ToInt64Seconds(absl::Ceil(config_.lease_duration, absl::Seconds(1))));
  mine.acquire_time = now;
  mine.renew_time = now;
  if (!read) return Step{Write::kCreate, mine};

  // Expiry runs from when this copy saw the record change, on this copy's clock.
  if (!(*read == observed_) || observed_time_ == absl::InfinitePast()) {
    observed_ = *read;
    observed_time_ = now;
  }
  const bool held_by_other = !read->holder.empty() && read->holder != config_.identity;
  if (held_by_other && now < observed_time_ + absl::Seconds(read->lease_duration_s)) {
    renewed_ = absl::InfinitePast();  // someone else leads: stop at once
    return Step{Write::kNone, *read};
  }
  if (read->holder == config_.identity) {
    mine.acquire_time = read->acquire_time;
    mine.transitions = read->transitions;
  } else {
    mine.transitions = read->transitions + 1;
  }
  return Step{Write::kUpdate, mine};
}

void LeaderElector::Wrote(const LeaseRecord& record, absl::Time now) {
  observed_ = record;
  observed_time_ = now;
  if (record.holder == config_.identity) {
    renewed_ = now;
  } else {
    renewed_ = absl::InfinitePast();
  }
}

bool LeaderElector::IsLeader(absl::Time now) const {
  return observed_.holder == config_.identity && now < renewed_ + config_.renew_deadline;
}

LeaseRecord LeaderElector::Released(absl::Time now) const {
  LeaseRecord released;
  released.holder = "";
  released.lease_duration_s = 1;
  released.acquire_time = now;
  released.renew_time = now;
  released.transitions = observed_.transitions;
  return released;
}

LeaseLeader::LeaseLeader(ApiClient* client, ResourceRef lease, ElectionConfig config, Clock* clock)
    : client_(client),
      lease_(std::move(lease)),
      clock_(clock),
      elector_(config),
      // Its failures are kept in last_error_.
      worker_(config.retry_period, [this] { (void)TryAcquireOrRenew(); }) {}

LeaseLeader::~LeaseLeader() { Stop(); }

absl::Status LeaseLeader::TryAcquireOrRenew() {
  absl::StatusOr<json> lease = client_->Get(lease_);
  std::optional<LeaseRecord> read;
  if (lease.ok()) {
    absl::StatusOr<LeaseRecord> record = LeaseRecordFromLease(*lease);
    if (!record.ok()) {
      MutexLock lock(&mu_);
      return last_error_ = record.status();
    }
    read = *record;
  } else if (!absl::IsNotFound(lease.status())) {
    MutexLock lock(&mu_);
    return last_error_ = lease.status();
  }

  const absl::Time now = clock_->Now();
  LeaderElector::Step step;
  {
    MutexLock lock(&mu_);
    step = elector_.Next(read, now);
  }
  absl::Status written = absl::OkStatus();
  if (step.write == LeaderElector::Write::kCreate) {
    json object = {{"apiVersion", "coordination.k8s.io/v1"},
                   {"kind", "Lease"},
                   {"metadata", {{"name", lease_.name}, {"namespace", lease_.namespace_name}}},
                   {"spec", LeaseSpec(step.record)}};
    ResourceRef collection = lease_;
    collection.name.clear();
    written = client_->Create(collection, object).status();
  } else if (step.write == LeaderElector::Write::kUpdate) {
    json object = *lease;
    object["spec"] = LeaseSpec(step.record);  // metadata.resourceVersion kept: optimistic
    written = client_->Update(lease_, object).status();
  }
  MutexLock lock(&mu_);
  if (!written.ok()) return last_error_ = written;  // 409: another copy wrote first
  if (step.write != LeaderElector::Write::kNone) elector_.Wrote(step.record, now);
  return last_error_ = absl::OkStatus();
}

void LeaseLeader::Stop() {
  worker_.Stop();

  const absl::Time now = clock_->Now();
  LeaseRecord released;
  std::string identity;
  {
    MutexLock lock(&mu_);
    if (!elector_.IsLeader(now)) return;
    released = elector_.Released(now);
    identity = elector_.config().identity;
  }
  absl::StatusOr<json> lease = client_->Get(lease_);
  if (!lease.ok()) return;
  // Only give up a Lease that is still ours; the resourceVersion makes that exact.
  absl::StatusOr<LeaseRecord> record = LeaseRecordFromLease(*lease);
  if (!record.ok() || record->holder != identity) return;
  json object = *lease;
  object["spec"] = LeaseSpec(released);
  const absl::Status status = client_->Update(lease_, object).status();
  MutexLock lock(&mu_);
  if (status.ok()) elector_.Wrote(released, now);
  last_error_ = status;
}

bool LeaseLeader::IsLeader() const {
  const absl::Time now = clock_->Now();
  MutexLock lock(&mu_);
  return elector_.IsLeader(now);
}

std::string LeaseLeader::leader() const {
  MutexLock lock(&mu_);
  return elector_.leader();
}

absl::Status LeaseLeader::last_error() const {
  MutexLock lock(&mu_);
  return last_error_;
}

}  // namespace limiar::kube
