#include "src/common/text_table.h"

#include "gtest/gtest.h"

namespace limiar {
namespace {

TEST(AlignedTableTest, PadsColumnsToTheWidestCellWithoutTrailingBlanks) {
  EXPECT_EQ(AlignedTable({{"a", "bb", "c"}, {"ccc", "d", ""}}, 3, "> "),
            "> a    bb  c\n> ccc  d\n");
}

TEST(AlignedTableTest, ColumnsPastTheLabelsAlignRight) {
  EXPECT_EQ(AlignedTable({{"policy", "cost"}, {"a-long-label", "7"}, {"b", "1234"}}, 1),
            "policy        cost\n"
            "a-long-label     7\n"
            "b             1234\n");
}

TEST(AlignedTableTest, ShortRowsKeepTheirColumnsInLine) {
  EXPECT_EQ(AlignedTable({{"key", "value", "note"}, {"k", "v"}}, 3), "key  value  note\nk    v\n");
}

}  // namespace
}  // namespace limiar
