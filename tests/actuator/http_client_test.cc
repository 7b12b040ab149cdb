#include "src/actuator/http_client.h"

#include <gtest/gtest.h>

namespace limiar::actuator {
namespace {

TEST(BodyExcerptTest, EscapesControlCharactersSoABodyCannotForgeLogLines) {
  EXPECT_EQ(BodyExcerpt("busy\n2026-11-27T08:00:00Z info decision storefront: 2 -> 9"),
            "busy\\n2026-11-27T08:00:00Z info decision storefront: 2 -> 9");
  EXPECT_EQ(BodyExcerpt("a\rb\tc\x7f"), "a\\rb\\x09c\\x7f");
  EXPECT_EQ(BodyExcerpt("plain text é"), "plain text é");
}

TEST(BodyExcerptTest, CutsLongBodies) {
  EXPECT_EQ(BodyExcerpt(std::string(300, 'x'), 5), "xxxxx...");
  EXPECT_EQ(BodyExcerpt("short", 5), "short");
}

}  // namespace
}  // namespace limiar::actuator
