#include "src/kube/events.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace limiar::kube {
namespace {

// The API server refuses an Event whose note is over 1 KB.
constexpr size_t kMaxNoteBytes = 1024;

std::string ObjectKeyOf(const ObjectReference& r) {
  return absl::StrCat(r.api_version, "/", r.kind, "/", r.namespace_name, "/", r.name);
}

std::string Cut(const std::string& note) {
  if (note.size() <= kMaxNoteBytes) return note;
  size_t end = kMaxNoteBytes - 3;
  // Never split a UTF-8 sequence: back up to the start of a character.
  while (end > 0 && (static_cast<unsigned char>(note[end]) & 0xC0) == 0x80) --end;
  return note.substr(0, end) + "...";
}

}  // namespace

bool EventCorrelator::Take(const std::string& object, absl::Time now) {
  auto it = buckets_.find(object);
  if (it == buckets_.end()) {
    if (buckets_.size() >= options_.max_tracked) buckets_.erase(buckets_.begin());
    it = buckets_.emplace(object, Bucket{static_cast<double>(options_.burst), now}).first;
  }
  Bucket& b = it->second;
  if (now > b.updated) {
    b.tokens = std::min<double>(options_.burst,
                                b.tokens + absl::FDivDuration(now - b.updated, options_.refill));
    b.updated = now;
  }
  if (b.tokens < 1) return false;
  b.tokens -= 1;
  return true;
}

EventCorrelator::Step EventCorrelator::Observe(const EventNote& note, absl::Time now) {
  const ObjectReference& r = note.regarding;
  const Key key{r.api_version,
                r.kind,
                r.namespace_name,
                r.name,
                note.type,
                note.reason,
                note.action + "\n" + note.note};
  Step step;
  auto it = seen_.find(key);
  if (it != seen_.end() && now - it->second.first < options_.series_window) {
    // A repeat costs one PATCH, not a new object: it is not rate-limited away, so the count
    // stays true (client-go's series are not limited either).
    step.act = Act::kSeries;
    step.name = it->second.name;
    step.count = ++it->second.count;
    return step;
  }
  if (!Take(ObjectKeyOf(r), now)) return step;  // kDrop
  if (it == seen_.end()) {
    if (seen_.size() >= options_.max_tracked) seen_.erase(seen_.begin());
    it = seen_.emplace(key, Seen{}).first;
  }
  // client-go names events REGARDING.NANOSECONDS in hex: unique per object and time.
  it->second = Seen{absl::StrFormat("%s.%x", r.name, absl::ToUnixNanos(now)), 1, now};
  step.act = Act::kCreate;
  step.name = it->second.name;
  return step;
}

nlohmann::json EventObject(const EventNote& note, const std::string& name, absl::Time now,
                           const EventOptions& options) {
  const ObjectReference& r = note.regarding;
  return {{"apiVersion", "events.k8s.io/v1"},
          {"kind", "Event"},
          {"metadata", {{"name", name}, {"namespace", r.namespace_name}}},
          {"eventTime", FormatMicroTime(now)},
          {"reportingController", options.reporting_controller},
          {"reportingInstance", options.reporting_instance},
          {"action", note.action},
          {"reason", note.reason},
          {"note", Cut(note.note)},
          {"type", note.type},
          {"regarding",
           {{"apiVersion", r.api_version},
            {"kind", r.kind},
            {"namespace", r.namespace_name},
            {"name", r.name}}}};
}

nlohmann::json SeriesPatch(int32_t count, absl::Time now) {
  return {{"series", {{"count", count}, {"lastObservedTime", FormatMicroTime(now)}}}};
}

EventRecorder::EventRecorder(ApiClient* client, EventOptions options)
    : client_(client), options_(options), correlator_(std::move(options)) {
  thread_ = std::thread([this] { Run(); });
}

EventRecorder::~EventRecorder() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
  }
  changed_.SignalAll();
  thread_.join();
}

void EventRecorder::Record(EventNote note, absl::Time now) {
  MutexLock lock(&mu_);
  if (queue_.size() >= options_.max_queued) {
    ++stats_.dropped;
    return;
  }
  queue_.emplace_back(std::move(note), now);
  changed_.SignalAll();
}

bool EventRecorder::Flush(absl::Duration timeout) {
  const CondVar::Deadline deadline = CondVar::After(timeout);
  MutexLock lock(&mu_);
  while (!queue_.empty() || busy_) {
    if (changed_.WaitUntil(&mu_, deadline)) break;
  }
  return queue_.empty() && !busy_;
}

EventStats EventRecorder::stats() const {
  MutexLock lock(&mu_);
  return stats_;
}

void EventRecorder::Run() {
  while (true) {
    std::pair<EventNote, absl::Time> next;
    {
      MutexLock lock(&mu_);
      busy_ = false;
      changed_.SignalAll();
      while (queue_.empty() && !stop_) changed_.Wait(&mu_);
      // Stopping: what is left is dropped (Flush first to send it), so that an unreachable
      // API server cannot hold a stop for a timeout per queued event.
      if (stop_) return;
      next = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    Send(next.first, next.second);
  }
}

void EventRecorder::Send(const EventNote& note, absl::Time now) {
  const EventCorrelator::Step step = correlator_.Observe(note, now);
  ResourceRef events;
  events.group = "events.k8s.io";
  events.resource = "events";
  events.namespace_name = note.regarding.namespace_name;
  absl::Status sent;
  if (step.act == EventCorrelator::Act::kCreate) {
    sent = client_->Create(events, EventObject(note, step.name, now, options_)).status();
  } else if (step.act == EventCorrelator::Act::kSeries) {
    sent = client_->Patch(events.Named(step.name), SeriesPatch(step.count, now)).status();
  }
  MutexLock lock(&mu_);
  if (step.act == EventCorrelator::Act::kDrop) {
    ++stats_.dropped;
  } else if (!sent.ok()) {
    ++stats_.failed;
    stats_.last_error = sent;
    stats_.last_outcome = sent;
  } else if (step.act == EventCorrelator::Act::kCreate) {
    ++stats_.created;
  } else {
    ++stats_.series_updates;
  }
  if (step.act != EventCorrelator::Act::kDrop && sent.ok()) stats_.last_outcome = sent;
}

}  // namespace limiar::kube
