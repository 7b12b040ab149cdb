// Error propagation for absl::Status / absl::StatusOr. This Abseil (20220623) ships no
// status macros, so the project keeps its own two, in the spirit of Arrow's.
#ifndef LIMIAR_COMMON_STATUS_MACROS_H_
#define LIMIAR_COMMON_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define LIMIAR_CONCAT_INNER_(a, b) a##b
#define LIMIAR_CONCAT_(a, b) LIMIAR_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function if `expr` is not OK.
#define RETURN_IF_ERROR(expr)                        \
  do {                                               \
    const ::absl::Status limiar_status_ = (expr);    \
    if (!limiar_status_.ok()) return limiar_status_; \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, Foo());` assigns the value of a StatusOr or returns its status.
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  LIMIAR_ASSIGN_OR_RETURN_IMPL_(LIMIAR_CONCAT_(limiar_statusor_, __LINE__), lhs, rexpr)

#define LIMIAR_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                  \
  if (!statusor.ok()) return std::move(statusor).status();  \
  lhs = std::move(statusor).value()

#endif  // LIMIAR_COMMON_STATUS_MACROS_H_
