// Trace CSV reader. The 48 h per-second traces have 172,800 rows, read on every replay, so
// the file is mapped whole and parsed in place with std::from_chars: no stream per line.
#include <sys/mman.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "src/common/config/json_read.h"
#include "src/common/regular_file.h"
#include "src/sim/model/traffic.h"

namespace limiar::sim {
namespace {

using config::FormatNumber;

constexpr absl::string_view kHeader = "t_seconds,value";
constexpr absl::string_view kFormat =
    "a trace is `#` comment lines, the header t_seconds,value, then one row `t,arrivals` per "
    "step";

// The file's bytes, mapped (no copy, and its pages arrive in one call instead of one fault
// each, which dominates the read on a virtual machine); read when it cannot be mapped.
class FileBytes {
 public:
  static absl::StatusOr<std::unique_ptr<FileBytes>> Open(const std::string& path) {
    absl::StatusOr<RegularFile> file = RegularFile::Open(path, kMaxTraceBytes, "trace");
    if (!file.ok()) return file.status();
    auto bytes = std::unique_ptr<FileBytes>(new FileBytes());
    if (file->size() > 0) {
      void* map =
          ::mmap(nullptr, file->size(), PROT_READ, MAP_PRIVATE | MAP_POPULATE, file->fd(), 0);
      if (map != MAP_FAILED) {
        bytes->map_ = map;
        bytes->map_size_ = file->size();
        return bytes;
      }
    }
    absl::StatusOr<std::string> copy = file->ReadAll(path);
    if (!copy.ok()) return copy.status();
    bytes->copy_ = *std::move(copy);
    return bytes;
  }
  ~FileBytes() {
    if (map_ != nullptr) ::munmap(map_, map_size_);
  }
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;

  absl::string_view view() const {
    return map_ != nullptr ? absl::string_view(static_cast<const char*>(map_), map_size_)
                           : absl::string_view(copy_);
  }

 private:
  FileBytes() = default;

  void* map_ = nullptr;
  size_t map_size_ = 0;
  std::string copy_;  // when the file cannot be mapped (an empty file)
};

absl::string_view Trim(absl::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// A finite number filling the whole field. Traces hold whole numbers, which std::from_chars
// reads several times faster as integers than as doubles.
bool ParseNumber(absl::string_view field, double& out) {
  const char* begin = field.data();
  const char* end = begin + field.size();
  if (begin != end && *begin == '+') ++begin;
  int64_t whole;
  if (const auto [stop, ec] = std::from_chars(begin, end, whole);
      ec == std::errc() && stop == end) {
    out = static_cast<double>(whole);
    return true;
  }
  const auto [stop, ec] = std::from_chars(begin, end, out);
  return ec == std::errc() && stop == end && std::isfinite(out);
}

// Reads the trace from `data`, one line at a time; errors name `path:line`.
class Parser {
 public:
  Parser(const std::string& path, absl::string_view data) : path_(path), data_(data) {}

  absl::StatusOr<Trace> Run() {
    // Spreadsheets save CSV with a UTF-8 byte order mark in front of the first line.
    if (data_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    Trace trace;
    trace.path = path_;
    // Rows take 6 bytes or more ("0,116\n"); a close guess saves most regrowth copies.
    trace.values.reserve(data_.size() / 8);
    bool seen_header = false;
    absl::string_view line;
    while (NextLine(line)) {
      const absl::string_view text = Trim(line);
      if (text.empty() || text.front() == '#') continue;
      if (!seen_header) {
        if (absl::Status s = CheckHeader(text); !s.ok()) return s;
        seen_header = true;
        continue;
      }
      if (absl::Status s = AddRow(text, trace); !s.ok()) return s;
    }
    if (!seen_header) {
      return absl::InvalidArgumentError(
          absl::StrCat(path_, ": the file holds no header and no rows; ", kFormat));
    }
    if (trace.values.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          path_, ":", header_line_, ": no rows after the header; add rows `t,arrivals`"));
    }
    // One row carries no spacing; it is read as one step of the traces' usual 1 s.
    trace.step_s = trace.values.size() > 1 ? step_ : 1;
    return trace;
  }

 private:
  bool NextLine(absl::string_view& line) {
    if (pos_ >= data_.size()) return false;
    // A plain scan: rows are ~10 bytes, shorter than a memchr call pays off for.
    size_t stop = pos_;
    while (stop < data_.size() && data_[stop] != '\n') ++stop;
    line = data_.substr(pos_, stop - pos_);
    pos_ = stop + 1;
    ++line_no_;
    return true;
  }

  absl::Status Error(absl::string_view what, absl::string_view todo) const {
    return absl::InvalidArgumentError(absl::StrCat(path_, ":", line_no_, ": ", what, "; ", todo));
  }

  absl::Status CheckHeader(absl::string_view text) {
    header_line_ = line_no_;
    std::string compact;
    for (char ch : text) {
      if (ch != ' ' && ch != '\t') compact.push_back(ch);
    }
    if (compact == kHeader) return absl::OkStatus();
    double unused;
    const size_t comma = text.find(',');
    if (comma != absl::string_view::npos && ParseNumber(Trim(text.substr(0, comma)), unused)) {
      return Error("no header before the first row",
                   absl::StrCat("add the line ", kHeader, " above it"));
    }
    return Error(absl::StrCat("expected the header ", kHeader, ", got \"", text, "\""),
                 absl::StrCat("make the first line that is not a `#` comment ", kHeader));
  }

  absl::Status AddRow(absl::string_view text, Trace& trace) {
    size_t comma = 0;
    while (comma < text.size() && text[comma] != ',') ++comma;
    if (comma == text.size()) {
      return Error(absl::StrCat("expected `t,arrivals`, got \"", text, "\""),
                   "write two numbers separated by a comma");
    }
    const absl::string_view t_field = Trim(text.substr(0, comma));
    const absl::string_view v_field = Trim(text.substr(comma + 1));
    double t, v;
    if (!ParseNumber(t_field, t)) {
      return Error(absl::StrCat("t_seconds \"", t_field, "\" is not a number"),
                   "write the row's time in seconds, e.g. 42");
    }
    if (!ParseNumber(v_field, v)) {
      if (v_field.find(',') != absl::string_view::npos) {
        return Error(absl::StrCat("more than two columns in \"", text, "\""),
                     "keep only t_seconds,value");
      }
      return Error(absl::StrCat("value \"", v_field, "\" is not a number"),
                   "write the number of arrivals in the row's step, e.g. 120");
    }
    if (v < 0) {
      return Error(absl::StrCat("negative value ", FormatNumber(v)),
                   "arrivals are counts, 0 or more");
    }
    const size_t i = trace.values.size();
    if (i > 0) {
      if (t <= last_t_) {
        return Error(absl::StrCat("t_seconds ", FormatNumber(t), " does not increase (previous ",
                                  FormatNumber(last_t_), ")"),
                     "sort the rows by time and remove repeated times");
      }
      if (i == 1) {
        step_ = t - first_t_;
        if (step_ < kMinTraceStepS) {
          return Error(
              absl::StrCat("rows ", FormatNumber(step_), " s apart, below the minimum step of ",
                           FormatNumber(kMinTraceStepS), " s"),
              absl::StrCat("sum the rows into steps of ", FormatNumber(kMinTraceStepS),
                           " s or more"));
        }
      } else if (std::abs(t - (first_t_ + static_cast<double>(i) * step_)) > 1e-6 * step_) {
        return Error(absl::StrCat("non-uniform time: t_seconds ", FormatNumber(t), " after ",
                                  FormatNumber(last_t_), ", but the rows step by ",
                                  FormatNumber(step_), " s"),
                     "give one row per step, with 0 for a step without arrivals");
      }
    } else {
      first_t_ = t;
    }
    last_t_ = t;
    trace.values.push_back(v);
    return absl::OkStatus();
  }

  const std::string& path_;
  absl::string_view data_;
  size_t pos_ = 0;
  int64_t line_no_ = 0;
  int64_t header_line_ = 0;
  double first_t_ = 0, last_t_ = 0, step_ = 1;
};

}  // namespace

absl::StatusOr<Trace> ReadTraceCsv(const std::string& path) {
  absl::StatusOr<std::unique_ptr<FileBytes>> bytes = FileBytes::Open(path);
  if (!bytes.ok()) return bytes.status();
  return ParseTraceCsv((*bytes)->view(), path);
}

absl::StatusOr<Trace> ParseTraceCsv(absl::string_view text, const std::string& path) {
  return Parser(path, text).Run();
}

}  // namespace limiar::sim
