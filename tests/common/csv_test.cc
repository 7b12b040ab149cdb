#include "src/common/csv.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace limiar {
namespace {

using ::testing::ElementsAre;
using ::testing::Optional;

TEST(CsvFieldTest, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(CsvField("web"), "web");
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("12.500"), "12.500");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField("cr\r"), "\"cr\r\"");
  EXPECT_EQ(CsvRecord({"point", "web, eu", "\"x\""}), "point,\"web, eu\",\"\"\"x\"\"\"");
}

TEST(ReadCsvRecordTest, ReadsBackWhatCsvFieldWrote) {
  const std::vector<std::string> fields = {"plain", "",           "a,b",  "say \"hi\"",
                                           "\"",    "two\nlines", "\r\n", ","};
  const std::string text = CsvRecord(fields) + "\nnext\n";
  std::vector<std::string> back;
  const std::optional<size_t> next = ReadCsvRecord(text, 0, back);
  EXPECT_EQ(back, fields);
  ASSERT_TRUE(next.has_value());
  EXPECT_THAT(ReadCsvRecord(text, *next, back), Optional(text.size()));
  EXPECT_THAT(back, ElementsAre("next"));
}

TEST(ReadCsvRecordTest, LineEndsAndTheEndOfTheText) {
  std::vector<std::string> f;
  EXPECT_THAT(ReadCsvRecord("a,b\r\nc", 0, f), Optional(5u));
  EXPECT_THAT(f, ElementsAre("a", "b"));
  EXPECT_THAT(ReadCsvRecord("a,b\r\nc", 5, f), Optional(6u));
  EXPECT_THAT(f, ElementsAre("c"));
  EXPECT_THAT(ReadCsvRecord("x,", 0, f), Optional(2u));
  EXPECT_THAT(f, ElementsAre("x", ""));
  EXPECT_THAT(ReadCsvRecord("", 0, f), Optional(0u));
  EXPECT_THAT(f, ElementsAre(""));
}

TEST(ReadCsvRecordTest, BrokenQuotingIsAnError) {
  std::vector<std::string> f;
  EXPECT_EQ(ReadCsvRecord("\"open,b\n", 0, f), std::nullopt);
  EXPECT_EQ(ReadCsvRecord("\"closed\"x,b\n", 0, f), std::nullopt);
  // A quote inside an unquoted field is kept as it is.
  EXPECT_THAT(ReadCsvRecord("5\" disk,b", 0, f), Optional(9u));
  EXPECT_THAT(f, ElementsAre("5\" disk", "b"));
}

}  // namespace
}  // namespace limiar
