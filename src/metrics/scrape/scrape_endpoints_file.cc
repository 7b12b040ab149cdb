#include "src/metrics/scrape/scrape_endpoints_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "src/common/regular_file.h"

namespace limiar::metrics {

EndpointsFileContents ParseEndpointsFile(absl::string_view text, absl::string_view path,
                                         const std::vector<std::string>& taken) {
  EndpointsFileContents out;
  absl::flat_hash_set<std::string> replicas(taken.begin(), taken.end());
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = line.substr(0, line.find('#'));
    const std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
    if (fields.empty()) continue;
    if (fields.size() > 2) {
      out.errors.push_back(absl::StrCat("line ", line_number,
                                        ": expected an address and an optional replica id, "
                                        "found ",
                                        fields.size(), " fields"));
      continue;
    }
    absl::StatusOr<ScrapeEndpoint> e =
        MakeScrapeEndpoint(fields[0], fields.size() == 2 ? fields[1] : "", path);
    if (!e.ok()) {
      out.errors.push_back(absl::StrCat("line ", line_number, ": ", e.status().message()));
      continue;
    }
    if (!replicas.insert(e->replica).second) {
      out.errors.push_back(
          absl::StrCat("line ", line_number, ": replica \"", e->replica, "\" is listed already"));
      continue;
    }
    out.endpoints.push_back(*std::move(e));
  }
  return out;
}

absl::StatusOr<std::optional<std::string>> EndpointsFileWatcher::ReadIfChanged() {
  struct stat st;
  if (stat(file_.c_str(), &st) != 0) {
    const int error = errno;
    const std::string message = absl::StrCat("endpoints_file ", file_, ": ", std::strerror(error));
    return error == ENOENT ? absl::NotFoundError(message) : absl::UnavailableError(message);
  }
  const Identity now{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                     static_cast<int64_t>(st.st_size),
                     static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
  if (last_ && *last_ == now) return std::nullopt;
  absl::StatusOr<std::string> text =
      ReadRegularFile(file_, kMaxEndpointsFileBytes, "endpoints file");
  if (!text.ok()) return text.status();
  last_ = now;
  return *std::move(text);
}

}  // namespace limiar::metrics
