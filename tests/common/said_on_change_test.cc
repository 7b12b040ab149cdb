// A repeated attempt's outcome is said once per distinct error and once on recovery.
#include <gtest/gtest.h>

#include "absl/status/status.h"
#include "src/common/said_once.h"

namespace limiar {
namespace {

using Say = SaidOnChange::Say;

TEST(SaidOnChangeTest, SaysEachDistinctErrorOnceAndTheRecovery) {
  SaidOnChange said;
  const absl::Status full = absl::ResourceExhaustedError("disk full");
  const absl::Status denied = absl::PermissionDeniedError("read-only");
  EXPECT_EQ(said.Note(absl::OkStatus()), Say::kNothing);
  EXPECT_EQ(said.error(), "");
  EXPECT_EQ(said.Note(full), Say::kError);
  EXPECT_EQ(said.error(), full.ToString());
  // Every tick the disk stays full: not said again.
  EXPECT_EQ(said.Note(full), Say::kNothing);
  EXPECT_EQ(said.Note(full), Say::kNothing);
  // A new reason is news.
  EXPECT_EQ(said.Note(denied), Say::kError);
  EXPECT_EQ(said.error(), denied.ToString());
  EXPECT_EQ(said.Note(absl::OkStatus()), Say::kRecovered);
  EXPECT_EQ(said.error(), "");
  EXPECT_EQ(said.Note(absl::OkStatus()), Say::kNothing);
  // After a recovery the same error is news again.
  EXPECT_EQ(said.Note(full), Say::kError);
}

}  // namespace
}  // namespace limiar
