// SplitMix64's finalizer: every bit of the input moves about half the bits of the output.
// For seeding streams from one another and for hashing numbers whose low bits are all
// zero (whole numbers as doubles), where a bare multiply would leave the low bits zero.
#ifndef LIMIAR_COMMON_MIX64_H_
#define LIMIAR_COMMON_MIX64_H_

#include <cstdint>

namespace limiar {

constexpr uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace limiar

#endif  // LIMIAR_COMMON_MIX64_H_
