// The process's peak resident set size, for tests that bound what a parser or a client of
// a hostile peer may cost: the peak is reset, the work done, and the rise read back.
#ifndef LIMIAR_TESTS_SUPPORT_PEAK_RSS_H_
#define LIMIAR_TESTS_SUPPORT_PEAK_RSS_H_

#include <cstdint>

namespace limiar::testing {

// VmHWM and VmRSS from /proc/self/status, in bytes; -1 when unreadable.
int64_t PeakRssBytes();
int64_t CurrentRssBytes();

// Measures a region of a test. The constructor resets the kernel's peak (VmHWM) to the
// current RSS by writing 5 to /proc/self/clear_refs (Linux 4.0+); where that is refused,
// the rise is measured from the old peak, which in a test process of its own (ctest runs
// each test alone) is start-up's and small.
class PeakRssGrowth {
 public:
  PeakRssGrowth();
  // How far the peak rose above the RSS (or old peak) at construction, in bytes.
  int64_t Growth() const;

 private:
  int64_t base_;
};

}  // namespace limiar::testing

#endif  // LIMIAR_TESTS_SUPPORT_PEAK_RSS_H_
