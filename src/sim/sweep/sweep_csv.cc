#include "src/sim/sweep/sweep_csv.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "src/common/csv.h"
#include "src/common/excerpt.h"
#include "src/common/regular_file.h"

namespace limiar::sim {
namespace {

constexpr char kMagic[] = "# limiar sweep results";
constexpr const char* kFigureColumns[] = {
    "target",      "meets_slo",         "slo_violation_s", "p50_ms", "p95_ms",       "p99_ms",
    "dropped",     "drop_rate",         "replica_hours",   "cost",   "max_replicas", "scale_ups",
    "scale_downs", "time_to_capacity_s"};
// Fixed decimals per figure: enough to rank settings, few enough to be stable bytes.
constexpr int kSecondsDigits = 3;
constexpr int kMsDigits = 3;
constexpr int kCountDigits = 3;
constexpr int kRateDigits = 8;
constexpr int kHoursDigits = 6;
constexpr int kCostDigits = 6;

std::string Fixed(double v, int digits) { return absl::StrFormat("%.*f", digits, v); }

// `v` as the CSV will hold it, so that a run's figures and a merge's parsed ones are equal.
double Quantize(double v, int digits) { return std::strtod(Fixed(v, digits).c_str(), nullptr); }

std::vector<std::string> HeaderFields(const SweepHeader& h) {
  std::vector<std::string> fields = {"point"};
  for (const std::string& c : h.Columns()) fields.push_back(c);
  for (const char* c : kFigureColumns) fields.push_back(c);
  return fields;
}

absl::Status LineError(const std::string& source, size_t line, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(source, ":", line, ": ", what));
}

bool ParseDouble(const std::string& s, double* v) { return !s.empty() && absl::SimpleAtod(s, v); }

// One row's cells, checked against the header: their count, their numbers, the point's
// shard.
absl::StatusOr<SweepRow> ParseRow(const std::vector<std::string>& cells, const SweepHeader& h,
                                  const std::string& source, size_t line) {
  const size_t axes = h.grid.size();
  const size_t want = 1 + axes + std::size(kFigureColumns);
  if (cells.size() != want) {
    return LineError(source, line,
                     absl::StrCat("expected ", want, " cells, found ", cells.size(),
                                  "; the file was cut short or edited: rerun its shard"));
  }
  SweepRow r;
  auto bad = [&](size_t col, absl::string_view name) {
    return LineError(source, line,
                     absl::StrCat(name, " \"", Excerpt(cells[col], 40),
                                  "\" is not a number; the file was edited or cut short: "
                                  "rerun its shard"));
  };
  if (!absl::SimpleAtoi(cells[0], &r.point)) return bad(0, "point");
  r.settings.assign(cells.begin() + 1, cells.begin() + 1 + axes);
  size_t c = 1 + axes;
  r.target = cells[c++];
  if (cells[c] != "true" && cells[c] != "false") {
    return LineError(source, line,
                     absl::StrCat("meets_slo \"", Excerpt(cells[c], 40),
                                  "\" is neither true nor false; rerun its shard"));
  }
  r.meets_slo = cells[c++] == "true";
  for (double* v : {&r.slo_violation_s, &r.p50_ms, &r.p95_ms, &r.p99_ms, &r.dropped, &r.drop_rate,
                    &r.replica_hours, &r.cost}) {
    if (!ParseDouble(cells[c], v)) return bad(c, kFigureColumns[c - axes - 1]);
    ++c;
  }
  for (int32_t* v : {&r.max_replicas, &r.scale_ups, &r.scale_downs}) {
    if (!absl::SimpleAtoi(cells[c], v)) return bad(c, kFigureColumns[c - axes - 1]);
    ++c;
  }
  if (!cells[c].empty()) {
    double t;
    if (!ParseDouble(cells[c], &t)) return bad(c, "time_to_capacity_s");
    r.time_to_capacity_s = t;
  }
  if (r.point < 0 || r.point >= h.points || !h.shard.Contains(r.point)) {
    return LineError(
        source, line,
        absl::StrCat("point ", r.point, " does not belong to shard ", h.shard.ToString(), " of a ",
                     h.points, "-point grid; the file was edited: rerun its shard"));
  }
  return r;
}

// The `# key: value` lines above the header row, into `header`.
class CommentHeader {
 public:
  explicit CommentHeader(SweepHeader& header) : h_(header) {}

  // One comment line, without its '#'. Lines that are no `key: value` are remarks.
  absl::Status Read(absl::string_view line) {
    absl::ConsumePrefix(&line, " ");
    const size_t colon = line.find(": ");
    if (colon == absl::string_view::npos) return absl::OkStatus();
    const absl::string_view key = line.substr(0, colon);
    const std::string value(line.substr(colon + 2));
    if (key == "scenario") h_.scenario = value;
    if (key == "source") h_.source = value;
    if (key == "fingerprint") fingerprint_ = value;
    if (key == "slo") h_.slo = value;
    if (key == "policy") policy_ = value;
    if (key == "grid") h_.grid.push_back(value);
    if (key == "range") h_.range = value;
    if (key == "points") {
      if (!absl::SimpleAtoi(value, &h_.points) || h_.points < 1) {
        return absl::InvalidArgumentError(
            absl::StrCat("points \"", Excerpt(value, 40), "\" is not a count; rerun its shard"));
      }
      have_points_ = true;
    }
    if (key == "shard") {
      absl::StatusOr<Shard> s = ParseShard(value);
      if (!s.ok()) return s.status();
      h_.shard = *s;
      have_shard_ = true;
    }
    return absl::OkStatus();
  }

  // At the header row: everything a merge needs was there.
  absl::Status Complete() {
    if (!fingerprint_ || !policy_ || h_.grid.empty() || !have_points_ || !have_shard_) {
      return absl::InvalidArgumentError(
          "the comment header lacks fingerprint, policy, grid, points or shard; give a file "
          "written by limiar sweep, unedited");
    }
    h_.fingerprint = *fingerprint_;
    h_.policy = *policy_;
    return absl::OkStatus();
  }

 private:
  SweepHeader& h_;
  std::optional<std::string> fingerprint_, policy_;
  bool have_points_ = false, have_shard_ = false;
};

void SortByPoint(std::vector<SweepRow>& rows) {
  std::stable_sort(rows.begin(), rows.end(),
                   [](const SweepRow& a, const SweepRow& b) { return a.point < b.point; });
}

}  // namespace

std::vector<std::string> SweepHeader::Columns() const {
  std::vector<std::string> cols;
  for (const std::string& g : grid) cols.push_back(g.substr(0, g.find('=')));
  return cols;
}

std::string DescribeSlo(const SloSpec& slo) {
  std::string s = absl::StrCat("p", slo.latency_percentile, " <= ", slo.latency_ms,
                               " ms, drop rate <= ", slo.max_drop_rate);
  if (slo.max_violation_s)
    absl::StrAppend(&s, ", at most ", *slo.max_violation_s, " s in violation");
  return s;
}

std::optional<SloSpec> ParseSloDescription(const std::string& text) {
  SloSpec slo;
  int used = 0;
  if (std::sscanf(text.c_str(), "p%lf <= %lf ms, drop rate <= %lf%n", &slo.latency_percentile,
                  &slo.latency_ms, &slo.max_drop_rate, &used) != 3) {
    return std::nullopt;
  }
  double max_violation = 0;
  if (std::sscanf(text.c_str() + used, ", at most %lf s in violation", &max_violation) == 1) {
    slo.max_violation_s = max_violation;
  }
  return slo;
}

SweepTable MakeSweepTable(const Scenario& scenario, const PreparedTraffic& traffic,
                          const SweepPlan& plan, const std::vector<PointResult>& results,
                          bool test) {
  SweepTable t;
  SweepHeader& h = t.header;
  h.scenario = scenario.name;
  h.source = scenario.source;
  h.fingerprint = ScenarioFingerprint(scenario, traffic);
  h.slo = DescribeSlo(scenario.slo);
  h.policy = plan.policy_spec;
  for (const GridAxis& a : plan.grid.axes) h.grid.push_back(a.ToString());
  h.points = plan.grid.size();
  h.shard = plan.shard;
  if (test && plan.test) {
    h.range = absl::StrCat("test ", DescribeTimeRange(*plan.test));
  } else if (plan.train) {
    h.range = absl::StrCat("train ", DescribeTimeRange(*plan.train));
  }
  for (const PointResult& p : results) {
    const std::vector<size_t> idx = plan.grid.ValueIndices(p.point);
    std::vector<std::string> settings;
    for (size_t a = 0; a < idx.size(); ++a)
      settings.push_back(plan.grid.axes[a].values[idx[a]].text);
    for (const ResourceSummary& s : test ? p.test : p.targets) {
      SweepRow r;
      r.point = p.point;
      r.settings = settings;
      r.target = s.target;
      r.meets_slo = s.meets_slo;
      r.slo_violation_s = Quantize(s.slo_violation_s, kSecondsDigits);
      r.p50_ms = Quantize(s.p50_ms, kMsDigits);
      r.p95_ms = Quantize(s.p95_ms, kMsDigits);
      r.p99_ms = Quantize(s.p99_ms, kMsDigits);
      r.dropped = Quantize(s.dropped, kCountDigits);
      r.drop_rate = Quantize(s.drop_rate, kRateDigits);
      r.replica_hours = Quantize(s.replica_hours, kHoursDigits);
      r.cost = Quantize(s.cost, kCostDigits);
      r.max_replicas = s.max_replicas;
      r.scale_ups = s.scale_ups;
      r.scale_downs = s.scale_downs;
      if (s.time_to_capacity_s) {
        r.time_to_capacity_s = Quantize(*s.time_to_capacity_s, kSecondsDigits);
      }
      t.rows.push_back(std::move(r));
    }
  }
  return t;
}

std::string FormatSweepCsv(const SweepTable& table) {
  const SweepHeader& h = table.header;
  std::string out = absl::StrCat(kMagic, "\n");
  absl::StrAppend(&out, "# scenario: ", h.scenario, "\n");
  absl::StrAppend(&out, "# source: ", h.source, "\n");
  absl::StrAppend(&out, "# fingerprint: ", h.fingerprint, "\n");
  absl::StrAppend(&out, "# slo: ", h.slo, "\n");
  absl::StrAppend(&out, "# policy: ", h.policy, "\n");
  for (const std::string& g : h.grid) absl::StrAppend(&out, "# grid: ", g, "\n");
  absl::StrAppend(&out, "# points: ", h.points, "\n");
  absl::StrAppend(&out, "# shard: ", h.shard.ToString(), "\n");
  if (!h.range.empty()) absl::StrAppend(&out, "# range: ", h.range, "\n");
  absl::StrAppend(&out,
                  "# rows: one per point and simulated target; a point meets the SLO when "
                  "all its targets do\n");
  absl::StrAppend(&out, CsvRecord(HeaderFields(h)), "\n");
  for (const SweepRow& r : table.rows) {
    std::vector<std::string> cells = {absl::StrCat(r.point)};
    for (const std::string& s : r.settings) cells.push_back(s);
    cells.push_back(r.target);
    cells.push_back(r.meets_slo ? "true" : "false");
    cells.push_back(Fixed(r.slo_violation_s, kSecondsDigits));
    cells.push_back(Fixed(r.p50_ms, kMsDigits));
    cells.push_back(Fixed(r.p95_ms, kMsDigits));
    cells.push_back(Fixed(r.p99_ms, kMsDigits));
    cells.push_back(Fixed(r.dropped, kCountDigits));
    cells.push_back(Fixed(r.drop_rate, kRateDigits));
    cells.push_back(Fixed(r.replica_hours, kHoursDigits));
    cells.push_back(Fixed(r.cost, kCostDigits));
    cells.push_back(absl::StrCat(r.max_replicas));
    cells.push_back(absl::StrCat(r.scale_ups));
    cells.push_back(absl::StrCat(r.scale_downs));
    cells.push_back(r.time_to_capacity_s ? Fixed(*r.time_to_capacity_s, kSecondsDigits) : "");
    absl::StrAppend(&out, CsvRecord(cells), "\n");
  }
  return out;
}

absl::StatusOr<SweepTable> ParseSweepCsv(absl::string_view text, const std::string& source) {
  SweepTable t;
  const size_t first_end = std::min(text.find('\n'), text.size());
  if (absl::StripSuffix(text.substr(0, first_end), "\r") != kMagic) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": not a limiar sweep CSV (its first line is not \"", kMagic,
                     "\"); give the files that limiar sweep wrote"));
  }
  CommentHeader comments(t.header);
  bool have_header_row = false;
  std::vector<std::string> cells;
  size_t line_no = 2;  // of the line at `pos`
  for (size_t pos = first_end + 1; pos < text.size();) {
    const size_t record_line = line_no;
    if (text[pos] == '#') {  // the comment header, or a remark among the rows
      const size_t end = std::min(text.find('\n', pos), text.size());
      const absl::string_view line = absl::StripSuffix(text.substr(pos + 1, end - pos - 1), "\r");
      pos = end + 1;
      ++line_no;
      if (have_header_row) continue;
      if (absl::Status s = comments.Read(line); !s.ok()) {
        return LineError(source, record_line, s.message());
      }
      continue;
    }
    // A record: one line, or more when a quoted field holds line breaks.
    const std::optional<size_t> next = ReadCsvRecord(text, pos, cells);
    if (!next) {
      return LineError(source, record_line,
                       "a quoted field is left open or followed by more than a comma; the file "
                       "was edited or cut short: rerun its shard");
    }
    line_no += std::count(text.begin() + pos, text.begin() + *next, '\n');
    pos = *next;
    if (!have_header_row) {
      if (absl::Status s = comments.Complete(); !s.ok()) {
        return LineError(source, record_line, s.message());
      }
      if (cells != HeaderFields(t.header)) {
        return LineError(source, record_line,
                         absl::StrCat("the header row does not match the grid of the comments "
                                      "(expected \"",
                                      Excerpt(CsvRecord(HeaderFields(t.header))),
                                      "\"); the file was edited: rerun its shard"));
      }
      have_header_row = true;
      continue;
    }
    absl::StatusOr<SweepRow> row = ParseRow(cells, t.header, source, record_line);
    if (!row.ok()) return row.status();
    t.rows.push_back(*std::move(row));
  }
  if (!have_header_row) {
    return absl::InvalidArgumentError(
        absl::StrCat(source, ": no header row; the file was cut short: rerun its shard"));
  }
  SortByPoint(t.rows);
  return t;
}

absl::StatusOr<SweepTable> ReadSweepCsvFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadRegularFile(path, kMaxSweepCsvBytes, "sweep CSV");
  if (!text.ok()) return text.status();
  return ParseSweepCsv(*text, path);
}

absl::Status WriteSweepCsvFile(const std::string& path, const SweepTable& table) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << FormatSweepCsv(table);
    out.close();
    if (!out) {
      std::remove(tmp.c_str());
      return absl::PermissionDeniedError(absl::StrCat(
          path, ": cannot write the sweep CSV; check that its folder exists and is writable"));
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    return absl::PermissionDeniedError(
        absl::StrCat(path, ": cannot move the finished CSV into place: ", ec.message()));
  }
  return absl::OkStatus();
}

}  // namespace limiar::sim
