#include "src/common/excerpt.h"

#include <gtest/gtest.h>

#include <string>

namespace limiar {
namespace {

TEST(ExcerptTest, EscapesControlCharactersSoABodyCannotForgeLogLines) {
  EXPECT_EQ(Excerpt("busy\n2026-11-27T08:00:00Z info decision storefront: 2 -> 9"),
            "busy\\n2026-11-27T08:00:00Z info decision storefront: 2 -> 9");
  EXPECT_EQ(Excerpt("a\rb\tc\x7f"), "a\\rb\\x09c\\x7f");
  EXPECT_EQ(Excerpt("plain text é"), "plain text é");
}

TEST(ExcerptTest, CutsLongText) {
  EXPECT_EQ(Excerpt(std::string(300, 'x'), 5), "xxxxx...");
  EXPECT_EQ(Excerpt("short", 5), "short");
  EXPECT_EQ(Excerpt(std::string(10'000'000, 'y')).size(), 203u);
}

}  // namespace
}  // namespace limiar
