#include "src/common/plural.h"

#include <gtest/gtest.h>

namespace limiar {
namespace {

TEST(CountedTest, AgreesWithTheCount) {
  EXPECT_EQ(Counted(1, "point"), "1 point");
  EXPECT_EQ(Counted(0, "point"), "0 points");
  EXPECT_EQ(Counted(2, "thread"), "2 threads");
  EXPECT_EQ(Counted(1, "policy", "policies"), "1 policy");
  EXPECT_EQ(Counted(3, "policy", "policies"), "3 policies");
  EXPECT_EQ(Counted(-1, "replica"), "-1 replicas");
}

}  // namespace
}  // namespace limiar
