// The process's peak resident set size, for tests that bound what a parser or a client of
// a hostile peer may cost: the peak is reset, the work done, and the rise read back.
#ifndef LIMIAR_TESTS_SUPPORT_PEAK_RSS_H_
#define LIMIAR_TESTS_SUPPORT_PEAK_RSS_H_

#include <sys/types.h>

#include <cstdint>

namespace limiar::testing {

// Whether this build runs under a sanitizer that keeps shadow memory (ASan, TSan) and,
// for ASan, a quarantine of freed blocks (256 MB by default): resident memory then says
// nothing about the code's own, so bounds on it hold only in uninstrumented builds. The
// tests and the `limiar` binary they start are built with the same flags.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kSanitizedMemory = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
inline constexpr bool kSanitizedMemory = true;
#else
inline constexpr bool kSanitizedMemory = false;
#endif
#else
inline constexpr bool kSanitizedMemory = false;
#endif

// VmHWM and VmRSS from /proc/self/status, in bytes; -1 when unreadable.
int64_t PeakRssBytes();
int64_t CurrentRssBytes();
// VmHWM of another process (a `limiar` child), in bytes; -1 when unreadable.
int64_t PeakRssBytes(pid_t pid);

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
