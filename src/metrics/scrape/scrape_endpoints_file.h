// A target's endpoints listed in a file that something else maintains (a sidecar that
// watches the platform's service discovery, a deploy script), re-read when it changes:
//
//   # web replicas
//   10.0.0.5:8080
//   10.0.0.6:8080   web-2                  an optional replica id after the address
//   https://10.0.0.7:8443/metrics
//
// One endpoint per line; `#` starts a comment; blank lines are ignored. Writers should
// replace the file atomically (write a temporary file, rename it over): a half-written file
// is read as it is, and the replicas it lacks are dropped until the next read.
#ifndef LIMIAR_METRICS_SCRAPE_SCRAPE_ENDPOINTS_FILE_H_
#define LIMIAR_METRICS_SCRAPE_SCRAPE_ENDPOINTS_FILE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "src/metrics/scrape/scrape_config.h"

namespace limiar::metrics {

struct EndpointsFileContents {
  std::vector<ScrapeEndpoint> endpoints;
  // One message per line left out ("line 3: ..."): a bad line costs its own replica only.
  std::vector<std::string> errors;
};

// Parses a file's text. `path` is the scrape path for host:port lines; a replica id that
// `taken` already holds (the config's own endpoints) or an earlier line holds is an error.
EndpointsFileContents ParseEndpointsFile(absl::string_view text, absl::string_view path,
                                         const std::vector<std::string>& taken = {});

// Reads a file again only when it has changed: another inode (replaced by rename), size or
// modification time. Not thread-safe.
// The largest endpoints file read: ten thousand endpoints of ~50 bytes take half a
// megabyte; a larger file is a wrong path or a runaway writer, not a list.
inline constexpr size_t kMaxEndpointsFileBytes = 4 << 20;

class EndpointsFileWatcher {
 public:
  explicit EndpointsFileWatcher(std::string file) : file_(std::move(file)) {}

  // The file's text when it is new or has changed since the last successful read, nullopt
  // when unchanged; NotFound or another error when it cannot be stat'ed or read (the next
  // call tries again).
  absl::StatusOr<std::optional<std::string>> ReadIfChanged();

  const std::string& file() const { return file_; }

 private:
  struct Identity {
    uint64_t device = 0;
    uint64_t inode = 0;
    int64_t size = -1;
    int64_t mtime_ns = 0;
    friend bool operator==(const Identity&, const Identity&) = default;
  };

  std::string file_;
  std::optional<Identity> last_;
};

}  // namespace limiar::metrics

#endif  // LIMIAR_METRICS_SCRAPE_SCRAPE_ENDPOINTS_FILE_H_
