// Quantities as apimachinery's resource.ParseQuantity reads them and MilliValue/Value round
// them (cases from its quantity_test.go where they apply, plus the HPA's readings).
#include "src/kube/quantity.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace limiar::kube {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();

struct Case {
  std::string text;
  int64_t milli;  // MilliValue
  int64_t value;  // Value
};

class QuantityTableTest : public ::testing::TestWithParam<Case> {};

TEST_P(QuantityTableTest, ReadsAsKubernetesDoes) {
  const Case& c = GetParam();
  const absl::StatusOr<Quantity> q = ParseQuantity(c.text);
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->MilliValue(), c.milli) << c.text;
  EXPECT_EQ(q->Value(), c.value) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Quantities, QuantityTableTest,
    ::testing::Values(
        // cpu as the kubelet and metrics-server write it
        Case{"250m", 250, 1}, Case{"1", 1000, 1}, Case{"0.5", 500, 1}, Case{"2", 2000, 2},
        // nanocores round up to the next millicore: 1.5m -> 2m, as MilliValue does
        Case{"1500000n", 2, 1}, Case{"1000000n", 1, 1}, Case{"999999n", 1, 1},
        Case{"123456789n", 124, 1}, Case{"0n", 0, 0}, Case{"1u", 1, 1}, Case{"100u", 1, 1},
        // memory
        Case{"2Gi", 2147483648000, 2147483648}, Case{"128Mi", 134217728000, 134217728},
        Case{"1Ki", 1024000, 1024}, Case{"1.5Gi", 1610612736000, 1610612736},
        Case{"0.1Ki", 102400, 103}, Case{"1k", 1000000, 1000}, Case{"1M", 1000000000, 1000000},
        Case{"1E", kMax, 1000000000000000000}, Case{"1Ei", kMax, 1152921504606846976},
        // exponents
        Case{"1e3", 1000000, 1000}, Case{"1E3", 1000000, 1000}, Case{"1e-3", 1, 1},
        Case{"12e-1", 1200, 2}, Case{"1e+2", 100000, 100}, Case{"1e1000", kMax, kMax},
        Case{"1e-1000", 1, 1},
        // signs, zeros and points
        Case{"+1", 1000, 1}, Case{"-1", -1000, -1}, Case{"-1500000n", -2, -1}, Case{"-0", 0, 0},
        Case{"0", 0, 0}, Case{"000.000", 0, 0}, Case{".5", 500, 1}, Case{"5.", 5000, 5},
        Case{"0.001", 1, 1}, Case{"0.0011", 2, 1}, Case{"007", 7000, 7},
        // many digits: exact, not through a double
        Case{"9223372036854775807", kMax, kMax},
        Case{"9223372036854775.807", kMax, 9223372036854776},
        Case{"1.000000000000000000000000000000000000001", 1001, 2},
        Case{"100000000000000000000000000000000000000000", kMax, kMax}));

TEST(QuantityTest, ToDoubleIsTheNearestDouble) {
  EXPECT_DOUBLE_EQ(ParseQuantity("250m")->ToDouble(), 0.25);
  EXPECT_DOUBLE_EQ(ParseQuantity("2Gi")->ToDouble(), 2147483648.0);
  EXPECT_DOUBLE_EQ(ParseQuantity("-1.5e3")->ToDouble(), -1500.0);
  EXPECT_TRUE(ParseQuantity("0.000")->IsZero());
  EXPECT_FALSE(ParseQuantity("-0.1")->IsZero());
  EXPECT_TRUE(ParseQuantity("-0.1")->negative());
}

TEST(QuantityTest, MalformedTextSaysWhatAQuantityLooksLike) {
  for (const char* bad : {"", "m", "+", ".", "1.2.3", "1x", "1mi", "1KI", "1e", "1e+", "1e1.5",
                          " 1", "1 ", "1,5", "--1", "0x10", "1Gib", "inf", "NaN"}) {
    const absl::StatusOr<Quantity> q = ParseQuantity(bad);
    EXPECT_FALSE(q.ok()) << '"' << bad << '"';
    EXPECT_EQ(q.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(q.status().message(), HasSubstr("a quantity is a number with an optional suffix"))
        << bad;
  }
  EXPECT_THAT(ParseQuantity("1x").status().message(), HasSubstr("unknown suffix \"x\""));
  EXPECT_THAT(ParseQuantity("1.2.3").status().message(), HasSubstr("a second decimal point"));
}

TEST(QuantityTest, OverlongTextIsRefusedWithoutEchoingIt) {
  const std::string long_text(kMaxQuantityLength + 1, '1');
  const absl::StatusOr<Quantity> q = ParseQuantity(long_text);
  ASSERT_FALSE(q.ok());
  EXPECT_THAT(q.status().message(), HasSubstr("129 characters (128 at most)"));
  EXPECT_EQ(q.status().message().find(long_text), std::string::npos);
  EXPECT_TRUE(ParseQuantity(std::string(kMaxQuantityLength, '1')).ok());
}

}  // namespace
}  // namespace limiar::kube
