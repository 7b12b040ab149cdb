#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "src/sim/model/traffic.h"
#include "tests/sim/sim_test_support.h"
#include "tests/support/test_dir.h"

namespace limiar::sim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A file named after the running test, so that tests never share one, in a folder that
// lives until the binary exits: ErrorOf and the tests hold only paths.
std::string WriteTemp(const std::string& content) {
  static const ::limiar::testing::TestDir dir;
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  return dir.Write(std::string(info->test_suite_name()) + "_" + info->name() + ".csv", content);
}

std::string ErrorOf(const std::string& content) {
  const std::string path = WriteTemp(content);
  absl::StatusOr<Trace> t = ReadTraceCsv(path);
  EXPECT_FALSE(t.ok()) << content;
  return t.ok() ? "" : std::string(t.status().message());
}

// A step of 1e-300 s with "loop" made a replay read 10^300 rows per second of run.
TEST(TraceCsvTest, StepsBelowAMillisecondAreRefusedAtTheirRow) {
  EXPECT_THAT(ErrorOf("t_seconds,value\n0,1\n1e-300,2\n2e-300,3\n"),
              HasSubstr(".csv:3: rows 1e-300 s apart, below the minimum step of 0.001 s; sum the "
                        "rows into steps of 0.001 s or more"));
  absl::StatusOr<Trace> ms = ReadTraceCsv(WriteTemp("t_seconds,value\n0,1\n0.001,2\n"));
  ASSERT_TRUE(ms.ok()) << ms.status();
  EXPECT_EQ(ms->step_s, 0.001);
}

// Opening a FIFO waits for a writer, and /dev/zero never ends: both are refused unread.
TEST(TraceCsvTest, FifoAndDevZeroAreRefusedUnread) {
  const ::limiar::testing::TestDir dir;
  const std::string fifo = dir.File("trace.fifo");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  absl::StatusOr<Trace> t = ReadTraceCsv(fifo);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), fifo +
                                      ": cannot read the trace: not a regular file (a FIFO); give "
                                      "the path of a trace file");
  EXPECT_THAT(ReadTraceCsv("/dev/zero").status().message(),
              HasSubstr("/dev/zero: cannot read the trace: not a regular file"));
}

TEST(TraceCsvTest, FileOverTheSizeLimitIsRefusedUnread) {
  const std::string path = WriteTemp("t_seconds,value\n");
  std::filesystem::resize_file(path, (128 << 20) + 1);  // sparse: costs no disk
  absl::StatusOr<Trace> t = ReadTraceCsv(path);
  std::filesystem::remove(path);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(),
            path +
                ": 134217729 bytes, over the limit of 134217728 bytes for a trace file; check the "
                "path");
}

TEST(TraceCsvTest, ParsesTextThatIsNotInAFile) {
  absl::StatusOr<Trace> t = ParseTraceCsv("t_seconds,value\n0,3\n60,4\n", "inline");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->step_s, 60);
  EXPECT_THAT(t->values, ElementsAre(3, 4));
  EXPECT_THAT(ParseTraceCsv("t_seconds,value\n0,x\n", "inline").status().message(),
              HasSubstr("inline:2: value \"x\" is not a number"));
}

TEST(TraceCsvTest, ReadsCommentsHeaderAndRows) {
  const std::string path = WriteTemp(
      "# source: a test\n# second comment\nt_seconds,value\n"
      "0,116\n1,281\n2,0\n3,12.5\n");
  absl::StatusOr<Trace> t = ReadTraceCsv(path);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->path, path);
  EXPECT_EQ(t->step_s, 1);
  EXPECT_THAT(t->values, ElementsAre(116, 281, 0, 12.5));
}

TEST(TraceCsvTest, ToleratesCrlfBlankLinesSpacesAndAByteOrderMark) {
  absl::StatusOr<Trace> t = ReadTraceCsv(WriteTemp(
      "\xEF\xBB\xBF# exported\r\n t_seconds , value\r\n0, 4\r\n\r\n1 ,+5\r\n2,6\r\n\r\n\r\n"));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_THAT(t->values, ElementsAre(4, 5, 6));
}

TEST(TraceCsvTest, NoNewlineAtTheEnd) {
  absl::StatusOr<Trace> t = ReadTraceCsv(WriteTemp("t_seconds,value\n0,1\n1,2"));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_THAT(t->values, ElementsAre(1, 2));
}

TEST(TraceCsvTest, InfersTheStepAndAcceptsAnyStart) {
  absl::StatusOr<Trace> t = ReadTraceCsv(WriteTemp("t_seconds,value\n100,1\n110,2\n120,3\n"));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->step_s, 10);
  EXPECT_THAT(t->values, ElementsAre(1, 2, 3));

  t = ReadTraceCsv(WriteTemp("t_seconds,value\n0,1\n0.1,2\n0.2,3\n0.3,4\n"));
  ASSERT_TRUE(t.ok()) << t.status();  // 0.1 steps despite rounding in 0.1 * 3
  EXPECT_DOUBLE_EQ(t->step_s, 0.1);
}

TEST(TraceCsvTest, OneRowIsOneSecond) {
  absl::StatusOr<Trace> t = ReadTraceCsv(WriteTemp("t_seconds,value\n0,9\n"));
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->step_s, 1);
  EXPECT_THAT(t->values, ElementsAre(9));
}

TEST(TraceCsvTest, ErrorsNameTheFileAndLine) {
  const std::string path = WriteTemp("# c\nt_seconds,value\n0,1\n1,abc\n");
  absl::StatusOr<Trace> t = ReadTraceCsv(path);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(),
            path +
                ":4: value \"abc\" is not a number; write the number of arrivals in the "
                "row's step, e.g. 120");
}

TEST(TraceCsvTest, RejectsBadRows) {
  EXPECT_THAT(ErrorOf("t_seconds,value\nzero,1\n"),
              HasSubstr(":2: t_seconds \"zero\" is not a number"));
  EXPECT_THAT(ErrorOf("t_seconds,value\n0,1\n1,-3\n"), HasSubstr(":3: negative value -3"));
  EXPECT_THAT(ErrorOf("t_seconds,value\n0,1\n1,nan\n"), HasSubstr(":3: value \"nan\""));
  EXPECT_THAT(ErrorOf("t_seconds,value\n0,1\n1,inf\n"), HasSubstr(":3: value \"inf\""));
  EXPECT_THAT(ErrorOf("t_seconds,value\n0,1\n1,2,3\n"), HasSubstr(":3: more than two columns"));
  EXPECT_THAT(ErrorOf("t_seconds,value\n0,1\n1 2\n"), HasSubstr(":3: expected `t,arrivals`"));
  EXPECT_THAT(ErrorOf("t_seconds,value\n0,1\n1,\n"), HasSubstr(":3: value \"\" is not"));
  EXPECT_THAT(ErrorOf("t_seconds,value\n0,1\n1,2x\n"), HasSubstr(":3: value \"2x\""));
}

TEST(TraceCsvTest, RejectsBadTime) {
  EXPECT_THAT(ErrorOf("t_seconds,value\n0,1\n1,1\n1,1\n"),
              HasSubstr(":4: t_seconds 1 does not increase (previous 1)"));
  EXPECT_THAT(ErrorOf("t_seconds,value\n5,1\n4,1\n"),
              HasSubstr(":3: t_seconds 4 does not increase (previous 5)"));
  const std::string gap = ErrorOf("t_seconds,value\n0,1\n1,1\n2,1\n4,1\n");
  EXPECT_THAT(gap,
              HasSubstr(":5: non-uniform time: t_seconds 4 after 2, but the rows step by 1 s"));
  EXPECT_THAT(gap, HasSubstr("0 for a step without arrivals"));
}

TEST(TraceCsvTest, RejectsAMissingOrWrongHeader) {
  EXPECT_THAT(ErrorOf("# c\n0,1\n1,2\n"),
              HasSubstr(":2: no header before the first row; add the line t_seconds,value"));
  EXPECT_THAT(ErrorOf("time,count\n0,1\n"),
              HasSubstr(":1: expected the header t_seconds,value, got \"time,count\""));
}

TEST(TraceCsvTest, RejectsEmptyFiles) {
  EXPECT_THAT(ErrorOf(""), HasSubstr(": the file holds no header and no rows"));
  EXPECT_THAT(ErrorOf("# only\n# comments\n\n"), HasSubstr("no header and no rows"));
  EXPECT_THAT(ErrorOf("# c\nt_seconds,value\n\n"), HasSubstr(":2: no rows after the header"));
}

TEST(TraceCsvTest, MissingFile) {
  const ::limiar::testing::TestDir dir;
  const std::string path = dir.File("no_such_trace.csv");
  absl::StatusOr<Trace> t = ReadTraceCsv(path);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(t.status().message(), HasSubstr(path + ": cannot read the trace: No such file"));

  const std::string folder = dir.File("trace_folder");
  std::filesystem::create_directories(folder);
  EXPECT_THAT(ReadTraceCsv(folder).status().message(),
              HasSubstr(folder + ": cannot read the trace: not a regular file (a folder)"));
}

TEST(TraceCsvTest, ReadsTheSharedTraces) {
  const std::string dir = testing::SharedTracesDir();
  if (dir.empty()) GTEST_SKIP() << "no ../shared/traces here (set LIMIAR_SHARED_DIR)";
  struct Expected {
    const char* file;
    size_t rows;
    double max;
  };
  for (const Expected& e : {
           Expected{"worldcup98_1998-06-25T22_48h_per_second.csv", 172800, 3242},
           Expected{"worldcup98_1998-06-26T12_6h_flash_per_second.csv", 21600, 3242},
           Expected{"azure_llm_inference_2023_code_per_second.csv", 0, 67},
           Expected{"azure_llm_inference_2023_conv_per_second.csv", 0, 0},
       }) {
    absl::StatusOr<Trace> t = ReadTraceCsv(dir + "/" + e.file);
    ASSERT_TRUE(t.ok()) << t.status();
    EXPECT_EQ(t->step_s, 1) << e.file;
    if (e.rows > 0) {
      EXPECT_EQ(t->values.size(), e.rows) << e.file;
    }
    if (e.max > 0) {
      EXPECT_EQ(*std::max_element(t->values.begin(), t->values.end()), e.max) << e.file;
    }
  }
  absl::StatusOr<Trace> wc = ReadTraceCsv(dir + "/worldcup98_1998-06-25T22_48h_per_second.csv");
  ASSERT_TRUE(wc.ok());
  const double mean =
      std::accumulate(wc->values.begin(), wc->values.end(), 0.0) / wc->values.size();
  EXPECT_NEAR(mean, 522, 1);
  EXPECT_EQ(*std::min_element(wc->values.begin(), wc->values.end()), 20);
}

}  // namespace
}  // namespace limiar::sim
