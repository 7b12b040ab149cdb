#include "src/sim/model/memo_table.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "gtest/gtest.h"
#include "src/common/mix64.h"

namespace limiar::sim {
namespace {

TEST(MemoTableTest, AHitReturnsTheRememberedValueWithoutComputing) {
  MemoTable<int, int, 4> memo;
  int calls = 0;
  const auto square = [&](int k) {
    ++calls;
    return k * k;
  };
  EXPECT_EQ(memo.Get(7, Mix64(7), square), 49);
  EXPECT_EQ(memo.Get(7, Mix64(7), square), 49);
  EXPECT_EQ(calls, 1);
}

TEST(MemoTableTest, AnotherKeyInTheSameSlotIsComputedAndTakesTheSlot) {
  MemoTable<int, int, 4> memo;
  int calls = 0;
  const auto twice = [&](int k) {
    ++calls;
    return 2 * k;
  };
  // One hash for both keys: the slot holds one of them at a time, and each answer is its own.
  EXPECT_EQ(memo.Get(3, 5, twice), 6);
  EXPECT_EQ(memo.Get(4, 5, twice), 8);
  EXPECT_EQ(memo.Get(3, 5, twice), 6);
  EXPECT_EQ(calls, 3);
  // A slot never used answers nothing by itself, whatever its default key is.
  EXPECT_EQ(memo.Get(0, 6, twice), 0);
  EXPECT_EQ(calls, 4);
}

TEST(MemoTableTest, AKeyUnequalToItselfIsComputedEveryTime) {
  MemoTable<double, double, 4> memo;
  int calls = 0;
  const auto same = [&](double k) {
    ++calls;
    return k;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(std::isnan(memo.Get(nan, 1, same)));
  EXPECT_TRUE(std::isnan(memo.Get(nan, 1, same)));
  EXPECT_EQ(calls, 2);
}

TEST(Mix64Test, WholeNumbersAsDoublesSpreadOverTheLowBits) {
  // Whole numbers as doubles have all-zero low bits; a table indexed by the low bits of
  // their hash must still see them apart.
  bool seen[64] = {};
  int distinct = 0;
  for (int v = 1; v <= 64; ++v) {
    const size_t slot = Mix64(std::bit_cast<uint64_t>(static_cast<double>(v))) & 63;
    if (!seen[slot]) ++distinct;
    seen[slot] = true;
  }
  EXPECT_GT(distinct, 32);  // 64 balls in 64 bins fill about 40 of them
}

}  // namespace
}  // namespace limiar::sim
