// Helpers shared by the libFuzzer targets: the input as text, and a property check that
// fails the run the way a sanitizer report does (libFuzzer saves the input that broke it).
#ifndef LIMIAR_TESTS_FUZZ_FUZZ_INPUT_H_
#define LIMIAR_TESTS_FUZZ_FUZZ_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/string_view.h"

namespace limiar::fuzz {

inline absl::string_view AsText(const uint8_t* data, size_t size) {
  return absl::string_view(reinterpret_cast<const char*>(data), size);
}

// A broken invariant is a finding like a crash: print why and abort, so libFuzzer keeps the
// input as a crash reproducer.
inline void Require(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "fuzz property violated: %s\n", what);
  std::abort();
}

}  // namespace limiar::fuzz

#endif  // LIMIAR_TESTS_FUZZ_FUZZ_INPUT_H_
