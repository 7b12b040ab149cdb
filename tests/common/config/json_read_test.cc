// The readers in the words of blueprints and scenarios: `what is wrong; what to do`.
#include "src/common/config/json_read.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <limits>

namespace limiar::config {
namespace {

using ::testing::ElementsAre;
using json = nlohmann::json;

TEST(JsonRead, TypesAreNamedWithWhatToWrite) {
  Diagnostics d("f.json");
  EXPECT_EQ(ReadNumber(json("70"), "limiar", d), std::nullopt);
  EXPECT_EQ(ReadString(json(5), "nome", d), std::nullopt);
  EXPECT_EQ(ReadBool(json("yes"), "loop", d), std::nullopt);
  EXPECT_EQ(ReadObject(json::array(), "config", d, "..."), nullptr);
  EXPECT_EQ(ReadList(json::object(), "recursos", d, "write a list"), nullptr);
  EXPECT_THAT(d.errors(),
              ElementsAre("f.json: limiar: expected a number, got the string \"70\"; write 70 "
                          "without quotes",
                          "f.json: nome: expected a string, got 5; write the value in double "
                          "quotes",
                          "f.json: loop: expected true or false, got the string \"yes\"; write "
                          "true or false, without quotes",
                          "f.json: config: expected an object, got a list; write {...}",
                          "f.json: recursos: expected a list, got an object; write a list"));
}

TEST(JsonRead, Ranges) {
  Diagnostics d("f.json");
  EXPECT_EQ(ReadNumberIn(json(0.5), "t", d, {0, true, 1, false}, "a fraction"), 0.5);
  EXPECT_EQ(ReadNumberIn(json(1), "t", d, {0, true, 1, false}, "a fraction"), std::nullopt);
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(ReadNumberIn(json(1), "r", d, {1, false, inf, false}, "above 1"), std::nullopt);
  EXPECT_EQ(ReadInteger(json(2.0), "n", d, 0, 10), 2);
  EXPECT_EQ(ReadInteger(json(2.5), "n", d, 0, 10), std::nullopt);
  EXPECT_EQ(ReadInteger(json(-1), "n", d, 0, 10), std::nullopt);
  EXPECT_EQ(ReadInteger(json(11), "n", d, 0, 10), std::nullopt);
  EXPECT_EQ(ReadSeconds(json("5m"), "s", d, 3600), std::nullopt);
  EXPECT_EQ(ReadSeconds(json(7200), "s", d, 3600), std::nullopt);
  EXPECT_THAT(d.errors(),
              ElementsAre("f.json: t: 1 is out of range [0, 1); a fraction",
                          "f.json: r: 1 is out of range (1, inf); above 1",
                          "f.json: n: expected a whole number, got 2.5; write 2 or 3",
                          "f.json: n: negative value -1; use a whole number, 0 or more",
                          "f.json: n: 11 exceeds the maximum of 10; use a whole number up to 10",
                          "f.json: s: expected a number of seconds, got the string \"5m\"; "
                          "durations are numbers of seconds: write 300",
                          "f.json: s: 7200 s exceeds the maximum of 3600 s; use at most 3600"));
}

TEST(JsonRead, EnumsSuggest) {
  Diagnostics d("f.json");
  EXPECT_EQ(ReadEnum(json("hpa"), "algoritmo", d, {"hpa", "kpa"}, {}), "hpa");
  EXPECT_EQ(ReadEnum(json("knative"), "algoritmo", d, {"hpa", "kpa"}, {{"knative", "kpa"}}),
            std::nullopt);
  EXPECT_THAT(d.errors(), ElementsAre("f.json: algoritmo: unknown value \"knative\"; did you mean "
                                      "kpa? (use one of: hpa, kpa)"));
}

TEST(JsonRead, UnquoteHintOnlyForWhatWasMeant) {
  EXPECT_EQ(UnquoteHint(json("30"), JsonKind::kNumber), "write 30 without quotes");
  EXPECT_EQ(UnquoteHint(json("1e3"), JsonKind::kNumber), "write 1000 without quotes");
  EXPECT_EQ(UnquoteHint(json("nan"), JsonKind::kNumber), std::nullopt);
  EXPECT_EQ(UnquoteHint(json("1MB"), JsonKind::kNumber), std::nullopt);
  EXPECT_EQ(UnquoteHint(json("false"), JsonKind::kBoolean), "write false without quotes");
  EXPECT_EQ(UnquoteHint(json(30), JsonKind::kNumber), std::nullopt);
}

TEST(ParseZonedTime, Rfc3339WithAZoneSecondsOptional) {
  EXPECT_EQ(ParseZonedTime("2026-11-27T08:00:00Z"), absl::FromUnixSeconds(1795766400));
  EXPECT_EQ(ParseZonedTime("2026-11-27T08:00Z"), absl::FromUnixSeconds(1795766400));
  EXPECT_EQ(ParseZonedTime("2026-11-27T05:00:00-03:00"), absl::FromUnixSeconds(1795766400));
  EXPECT_EQ(ParseZonedTime("2026-11-27T08:00:00"), std::nullopt);
  EXPECT_EQ(ParseZonedTime("tomorrow"), std::nullopt);
}

}  // namespace
}  // namespace limiar::config
