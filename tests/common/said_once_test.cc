#include "src/common/said_once.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace limiar {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(SaidOnceTest, EachLineOnceInItsOrder) {
  SaidOnce said;
  EXPECT_THAT(said.Unsaid({"a", "b"}), ElementsAre("a", "b"));
  EXPECT_THAT(said.Unsaid({"b", "a"}), IsEmpty());
  EXPECT_THAT(said.Unsaid({"a", "c", "c"}), ElementsAre("c"));
}

TEST(SaidOnceTest, BoundedItStartsOver) {
  SaidOnce said;
  std::vector<std::string> many;
  for (size_t i = 0; i < SaidOnce::kMaxRemembered; ++i) many.push_back(std::to_string(i));
  EXPECT_EQ(said.Unsaid(many).size(), SaidOnce::kMaxRemembered);
  EXPECT_THAT(said.Unsaid({"0"}), ElementsAre("0"));  // forgotten when the next came
}

}  // namespace
}  // namespace limiar
