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

TEST(SaidOnChangeTest, DigitsAlikeMakesNumbersInTheMessageTheSameError) {
  SaidOnChange said(&ErrorWithDigitsAlike);
  EXPECT_EQ(said.Note(absl::UnavailableError("connect failed after 0 ms")), Say::kError);
  EXPECT_EQ(said.Note(absl::UnavailableError("connect failed after 312 ms")), Say::kNothing);
  // Another code, or other words, is another error.
  EXPECT_EQ(said.Note(absl::DeadlineExceededError("connect failed after 3 ms")), Say::kError);
  EXPECT_EQ(said.Note(absl::DeadlineExceededError("timed out after 3 ms")), Say::kError);
  EXPECT_EQ(said.Note(absl::OkStatus()), Say::kRecovered);
}

TEST(SaidOnChangeTest, ErrorWithDigitsAlikeKeepsCodeAndWords) {
  EXPECT_EQ(ErrorWithDigitsAlike(absl::UnavailableError("7 of 12 series, 0.5 s")),
            "UNAVAILABLE:# of # series, #.# s");
}

}  // namespace
}  // namespace limiar
