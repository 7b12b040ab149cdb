// Trace CSVs come from elsewhere (public datasets, exports). ReadTraceCsv reads a path, so
// each input is written to an in-memory file (memfd) and read through /proc/self/fd: the
// reader's real mapping path runs, and nothing touches the disk.
#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "src/sim/model/traffic.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

class MemoryFile {
 public:
  MemoryFile() : fd_(memfd_create("limiar-fuzz-trace", MFD_CLOEXEC)) {
    limiar::fuzz::Require(fd_ >= 0, "memfd_create failed");
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  void Set(const uint8_t* data, size_t size) {
    limiar::fuzz::Require(ftruncate(fd_, 0) == 0, "ftruncate failed");
    size_t done = 0;
    while (done < size) {
      const ssize_t n = pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
      limiar::fuzz::Require(n > 0, "pwrite failed");
      done += static_cast<size_t>(n);
    }
  }
  const std::string& path() const { return path_; }

 private:
  int fd_;
  std::string path_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static MemoryFile* file = new MemoryFile();  // one per process, reused by every input
  file->Set(data, size);
  absl::StatusOr<limiar::sim::Trace> trace = limiar::sim::ReadTraceCsv(file->path());
  if (!trace.ok()) return 0;
  limiar::fuzz::Require(!trace->values.empty(), "a trace read without rows");
  limiar::fuzz::Require(std::isfinite(trace->step_s) && trace->step_s > 0,
                        "a trace read with a step that is not a positive number");
  for (double v : trace->values) {
    limiar::fuzz::Require(std::isfinite(v) && v >= 0, "a trace value is negative or not finite");
  }
  return 0;
}
