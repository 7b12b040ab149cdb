#include "src/metrics/prometheus/prometheus_text.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/status/status.h"
#include "absl/strings/charconv.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "src/metrics/prometheus/name_chars.h"

namespace limiar::metrics {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }
using prometheus_names::IsDigit;
using prometheus_names::IsLabelNameChar;
using prometheus_names::IsLabelNameStart;
using prometheus_names::IsMetricNameChar;
using prometheus_names::IsMetricNameStart;

// A string for error messages, quoted and with control bytes escaped so that the message
// stays on one line whatever the exporter sent, and cut so that it stays short.
std::string Quote(absl::string_view s) {
  constexpr size_t kMaxQuoted = 100;
  return absl::StrCat("\"", absl::CHexEscape(s.substr(0, kMaxQuoted)), "\"",
                      s.size() > kMaxQuoted ? "..." : "");
}

// One byte for an error message: printable ASCII as is, anything else C-escaped.
std::string PrintableByte(char c) {
  if (c >= 0x20 && c < 0x7F) return std::string(1, c);
  return absl::CHexEscape(absl::string_view(&c, 1));
}

// A position in one line (without its line feed).
class Cursor {
 public:
  explicit Cursor(absl::string_view line) : line_(line) {}

  bool AtEnd() const { return pos_ >= line_.size(); }
  char Peek() const { return line_[pos_]; }
  void Advance(size_t n = 1) { pos_ += n; }
  void SkipBlanks() { ReadWhile(IsBlank); }
  template <typename Pred>
  absl::string_view ReadWhile(Pred pred) {
    // A local index: stores to a member in the loop cannot be kept in a register, since
    // the bytes read through `char` may alias it.
    const size_t start = pos_;
    size_t i = start;
    while (i < line_.size() && pred(line_[i])) ++i;
    pos_ = i;
    return line_.substr(start, i - start);
  }
  absl::string_view ReadUntilBlank() {
    return ReadWhile([](char c) { return !IsBlank(c); });
  }
  absl::string_view Rest() const { return line_.substr(std::min(pos_, line_.size())); }
  // What the cursor is at, for "found ..." in error messages.
  std::string Found() const {
    if (AtEnd()) return "end of line";
    const char c = line_[pos_];
    return c == '\'' ? "\"'\"" : absl::StrCat("'", PrintableByte(c), "'");
  }

 private:
  absl::string_view line_;
  size_t pos_ = 0;
};

bool IsValidUtf8(absl::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len;
    uint32_t min;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2, min = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, min = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, min = 0x10000, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (int k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and values past U+10FFFF are invalid, as in Go.
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

enum class FloatResult { kOk, kSyntax, kOutOfRange };

// Go's strconv.ParseFloat as Prometheus calls it: decimal floats with optional sign and
// exponent, "Inf"/"Infinity" with optional sign and "NaN", case-insensitive; no hex floats
// and no underscores (Prometheus rejects 'p', 'P' and '_'). Like Go, an underflow is 0 and
// an overflow is an error. The grammar is checked by hand because std::from_chars takes
// neither a leading '+' nor exactly Go's set of special words.
FloatResult ParseGoFloat(absl::string_view s, double* out) {
  if (s.empty()) return FloatResult::kSyntax;
  bool negative = false;
  bool has_sign = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    has_sign = true;
    s.remove_prefix(1);
  }
  if (absl::EqualsIgnoreCase(s, "inf") || absl::EqualsIgnoreCase(s, "infinity")) {
    *out = negative ? -std::numeric_limits<double>::infinity()
                    : std::numeric_limits<double>::infinity();
    return FloatResult::kOk;
  }
  if (!has_sign && absl::EqualsIgnoreCase(s, "nan")) {
    *out = std::numeric_limits<double>::quiet_NaN();
    return FloatResult::kOk;
  }
  size_t i = 0;
  int digits = 0;
  while (i < s.size() && IsDigit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return FloatResult::kSyntax;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    int exponent_digits = 0;
    while (i < s.size() && IsDigit(s[i])) ++i, ++exponent_digits;
    if (exponent_digits == 0) return FloatResult::kSyntax;
  }
  if (i != s.size()) return FloatResult::kSyntax;

  double value = 0;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, value, std::chars_format::general);
  if (ec == std::errc::result_out_of_range) {
    // std::from_chars leaves `value` alone on a range error; absl's says which side.
    double probe = 0;
    absl::from_chars(s.data(), end, probe);
    if (probe != 0) return FloatResult::kOutOfRange;
    value = 0;
  } else if (ec != std::errc() || ptr != end) {
    return FloatResult::kSyntax;
  }
  *out = negative ? -value : value;
  return FloatResult::kOk;
}

// Go's strconv.ParseInt(s, 10, 64): optional sign, decimal digits, int64 range.
FloatResult ParseInt64(absl::string_view s, int64_t* out) {
  const absl::string_view digits = s.empty() || (s[0] != '+' && s[0] != '-') ? s : s.substr(1);
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), IsDigit)) {
    return FloatResult::kSyntax;
  }
  if (s[0] == '+') s.remove_prefix(1);  // std::from_chars takes a '-' but no '+'
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, *out);
  if (ec == std::errc::result_out_of_range) return FloatResult::kOutOfRange;
  if (ec != std::errc() || ptr != end) return FloatResult::kSyntax;
  return FloatResult::kOk;
}

// HELP text knows \\ and \n; other backslashes stay as written (textparse's behaviour).
std::string UnescapeHelp(absl::string_view s) {
  if (s.find('\\') == absl::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '\\' || s[i + 1] == 'n')) {
      out.push_back(s[i + 1] == 'n' ? '\n' : '\\');
      ++i;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

absl::Status Error(absl::string_view message) { return absl::InvalidArgumentError(message); }

// Which part of its family a sample line is.
enum class Role { kPlain, kBucket, kSum, kCount };

class Parser {
 public:
  Parser(bool strict, size_t max_errors, const SampleFilter& filter)
      : strict_(strict), max_errors_(max_errors), filter_(filter) {}

  // Strict mode: the first line error, with its line number. Lenient mode: always OK.
  absl::Status Run(absl::string_view text) {
    int line_number = 0;
    size_t start = 0;
    while (start < text.size() && !result_.sample_limit_hit) {
      size_t end = text.find('\n', start);
      if (end == absl::string_view::npos) end = text.size();
      absl::string_view line = text.substr(start, end - start);
      start = end + 1;
      ++line_number;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      absl::Status status = ParseLine(line, line_number);
      if (status.ok()) continue;
      LineError error{line_number, std::string(status.message())};
      if (strict_) return absl::InvalidArgumentError(error.ToString());
      ++result_.error_count;
      if (result_.errors.size() < max_errors_) result_.errors.push_back(std::move(error));
    }
    return absl::OkStatus();
  }

  ParsedExposition TakeResult() { return std::move(result_); }

 private:
  struct FamilyState {
    size_t index;  // into result_.families
    int help_line = 0;
    int type_line = 0;
    int first_sample_line = 0;
  };

  // Hashes and compares samples by (name, labels, timestamp) through their index, so that
  // the set of series seen so far costs no copies.
  struct SeriesKey {
    const ExpositionSample* sample;
    template <typename H>
    friend H AbslHashValue(H h, const SeriesKey& k) {
      const ExpositionSample& s = *k.sample;
      h = H::combine(std::move(h), absl::string_view(s.name), s.labels.size());
      for (const SeriesLabel& l : s.labels) {
        h = H::combine(std::move(h), absl::string_view(l.name), absl::string_view(l.value));
      }
      return H::combine(std::move(h), s.timestamp_ms.has_value(), s.timestamp_ms.value_or(0));
    }
  };
  struct SeriesHash {
    const std::vector<ExpositionSample>* samples;
    size_t operator()(uint32_t i) const {
      return absl::Hash<SeriesKey>()(SeriesKey{&(*samples)[i]});
    }
  };
  struct SeriesEq {
    const std::vector<ExpositionSample>* samples;
    bool operator()(uint32_t a, uint32_t b) const {
      const ExpositionSample& x = (*samples)[a];
      const ExpositionSample& y = (*samples)[b];
      return x.name == y.name && x.labels == y.labels && x.timestamp_ms == y.timestamp_ms;
    }
  };

  absl::Status ParseLine(absl::string_view line, int line_number) {
    Cursor c(line);
    c.SkipBlanks();
    if (c.AtEnd()) return absl::OkStatus();
    if (c.Peek() == '#') {
      c.Advance();
      return ParseComment(c, line_number);
    }
    return ParseSample(c, line_number);
  }

  // `# HELP name text`, `# TYPE name type`, or any other comment (ignored). As in expfmt, a
  // HELP or TYPE line that stops after the keyword or the name says nothing and is no error.
  absl::Status ParseComment(Cursor& c, int line_number) {
    c.SkipBlanks();
    const absl::string_view keyword = c.ReadUntilBlank();
    const bool is_help = keyword == "HELP";
    if (!is_help && keyword != "TYPE") return absl::OkStatus();
    c.SkipBlanks();
    if (c.AtEnd()) return absl::OkStatus();
    if (!IsMetricNameStart(c.Peek())) {
      return Error(absl::StrCat("expected a metric name after ", keyword, ", found ", c.Found()));
    }
    const absl::string_view name = c.ReadWhile(IsMetricNameChar);
    if (!c.AtEnd() && !IsBlank(c.Peek())) {
      return Error(absl::StrCat("unexpected ", c.Found(), " in metric name ", Quote(name),
                                " of the ", keyword, " line"));
    }
    c.SkipBlanks();
    if (c.AtEnd() || !KeepsFamily(name)) return absl::OkStatus();

    const FamilyState* existing = FindFamilyState(name);
    if (is_help) {
      if (existing != nullptr && existing->help_line != 0) {
        return Error(absl::StrCat("second HELP line for ", Quote(name), " (first on line ",
                                  existing->help_line, ")"));
      }
      FamilyState& state = FindOrAddFamily(name);
      state.help_line = line_number;
      result_.families[state.index].help = UnescapeHelp(c.Rest());
      return absl::OkStatus();
    }

    if (existing != nullptr && existing->type_line != 0) {
      return Error(absl::StrCat("second TYPE line for ", Quote(name), " (first on line ",
                                existing->type_line, ")"));
    }
    if (existing != nullptr && existing->first_sample_line != 0) {
      return Error(absl::StrCat("TYPE line for ", Quote(name),
                                " comes after its samples (from line ", existing->first_sample_line,
                                ")"));
    }
    const absl::string_view word = c.ReadUntilBlank();
    c.SkipBlanks();
    if (!c.AtEnd()) {
      return Error(
          absl::StrCat("unexpected ", Quote(c.Rest()), " after the type of ", Quote(name)));
    }
    FamilyType type = FamilyType::kUntyped;  // also for words 0.0.4 does not know
    for (FamilyType t :
         {FamilyType::kCounter, FamilyType::kGauge, FamilyType::kHistogram, FamilyType::kSummary}) {
      if (absl::EqualsIgnoreCase(word, FamilyTypeName(t))) type = t;
    }
    FamilyState& state = FindOrAddFamily(name);
    state.type_line = line_number;
    result_.families[state.index].type = type;
    return absl::OkStatus();
  }

  absl::Status ParseSample(Cursor& c, int line_number) {
    if (!IsMetricNameStart(c.Peek())) {
      if (c.Peek() == '{') return Error("missing metric name before '{'");
      return Error(absl::StrCat("expected a metric name, found ", c.Found()));
    }
    const absl::string_view name = c.ReadWhile(IsMetricNameChar);
    if (filter_.keep_name && !filter_.keep_name(name)) {
      ++result_.skipped_samples;  // the rest of the line is not even read
      return absl::OkStatus();
    }
    ExpositionSample sample;
    sample.line = line_number;
    if (!c.AtEnd() && !IsBlank(c.Peek()) && c.Peek() != '{') {
      return Error(absl::StrCat("unexpected ", c.Found(), " after metric name ", Quote(name)));
    }
    c.SkipBlanks();
    if (!c.AtEnd() && c.Peek() == '{') {
      c.Advance();
      if (absl::Status s = ParseLabels(c, name, &sample.labels); !s.ok()) return s;
      c.SkipBlanks();
    }
    if (c.AtEnd()) return Error(absl::StrCat("missing value for ", Quote(name)));

    const absl::string_view value = c.ReadUntilBlank();
    switch (ParseGoFloat(value, &sample.value)) {
      case FloatResult::kOk:
        break;
      case FloatResult::kSyntax:
        return Error(absl::StrCat("invalid value ", Quote(value), " for ", Quote(name),
                                  ": expected a float, NaN, +Inf or -Inf"));
      case FloatResult::kOutOfRange:
        return Error(absl::StrCat("value ", Quote(value), " of ", Quote(name),
                                  " is out of range for a 64-bit float"));
    }
    c.SkipBlanks();
    if (!c.AtEnd()) {
      const absl::string_view ts = c.ReadUntilBlank();
      int64_t ms = 0;
      switch (ParseInt64(ts, &ms)) {
        case FloatResult::kOk:
          break;
        case FloatResult::kSyntax:
          return Error(absl::StrCat("invalid timestamp ", Quote(ts), " for ", Quote(name),
                                    ": expected integer milliseconds"));
        case FloatResult::kOutOfRange:
          return Error(absl::StrCat("timestamp ", Quote(ts), " of ", Quote(name),
                                    " is out of range for int64 milliseconds"));
      }
      sample.timestamp_ms = ms;
      c.SkipBlanks();
      if (!c.AtEnd()) {
        return Error(
            absl::StrCat("unexpected ", Quote(c.Rest()), " after the timestamp of ", Quote(name)));
      }
    }
    return Commit(name, std::move(sample), line_number);
  }

  // Reads `name="value", ...}` after the opening brace into sorted `labels`.
  absl::Status ParseLabels(Cursor& c, absl::string_view metric, SeriesLabels* labels) {
    while (true) {
      c.SkipBlanks();
      if (c.AtEnd()) {
        return Error(absl::StrCat("unterminated label set of ", Quote(metric), ": missing '}'"));
      }
      if (c.Peek() == '}') {
        c.Advance();
        break;
      }
      if (!IsLabelNameStart(c.Peek())) {
        return Error(absl::StrCat("expected a label name or '}' in the labels of ", Quote(metric),
                                  ", found ", c.Found()));
      }
      const absl::string_view label = c.ReadWhile(IsLabelNameChar);
      c.SkipBlanks();
      if (c.AtEnd() || c.Peek() != '=') {
        return Error(
            absl::StrCat("expected '=' after label name ", Quote(label), ", found ", c.Found()));
      }
      c.Advance();
      c.SkipBlanks();
      if (c.AtEnd() || c.Peek() != '"') {
        return Error(absl::StrCat("expected '\"' to open the value of label ", Quote(label),
                                  ", found ", c.Found()));
      }
      c.Advance();
      std::string value;
      if (absl::Status s = ReadLabelValue(c, label, &value); !s.ok()) return s;
      if (label == "__name__") {
        return Error("label name \"__name__\" is reserved: the metric name goes before '{'");
      }
      labels->push_back(SeriesLabel{std::string(label), std::move(value)});
      c.SkipBlanks();
      if (c.AtEnd()) {
        return Error(absl::StrCat("unterminated label set of ", Quote(metric), ": missing '}'"));
      }
      if (c.Peek() != ',' && c.Peek() != '}') {
        return Error(absl::StrCat("expected ',' or '}' after the value of label ", Quote(label),
                                  ", found ", c.Found()));
      }
      if (c.Peek() == ',') c.Advance();  // a trailing comma before '}' is allowed
    }
    std::sort(labels->begin(), labels->end(),
              [](const SeriesLabel& a, const SeriesLabel& b) { return a.name < b.name; });
    for (size_t i = 1; i < labels->size(); ++i) {
      if ((*labels)[i].name == (*labels)[i - 1].name) {
        return Error(
            absl::StrCat("duplicate label name ", Quote((*labels)[i].name), " in ", Quote(metric)));
      }
    }
    return absl::OkStatus();
  }

  // Reads up to and past the closing quote, unescaping \\, \" and \n.
  absl::Status ReadLabelValue(Cursor& c, absl::string_view label, std::string* out) {
    const absl::string_view rest = c.Rest();
    // Most values have no escapes: copy them in one go.
    const size_t stop = rest.find_first_of("\"\\");
    if (stop != absl::string_view::npos && rest[stop] == '"') {
      out->assign(rest.data(), stop);
      c.Advance(stop + 1);
    } else {
      while (true) {
        if (c.AtEnd()) {
          return Error(
              absl::StrCat("unterminated value of label ", Quote(label), ": missing closing '\"'"));
        }
        const char ch = c.Peek();
        c.Advance();
        if (ch == '"') break;
        if (ch != '\\') {
          out->push_back(ch);
          continue;
        }
        if (c.AtEnd()) continue;  // reported as unterminated above
        const char escaped = c.Peek();
        c.Advance();
        if (escaped == '\\' || escaped == '"') {
          out->push_back(escaped);
        } else if (escaped == 'n') {
          out->push_back('\n');
        } else {
          return Error(absl::StrCat("invalid escape sequence '\\", PrintableByte(escaped),
                                    "' in the value of label ", Quote(label),
                                    " (only \\\\, \\\" and \\n are allowed)"));
        }
      }
    }
    if (!IsValidUtf8(*out)) {
      return Error(absl::StrCat("the value of label ", Quote(label), " is not valid UTF-8"));
    }
    return absl::OkStatus();
  }

  // Associates a sample with its family as expfmt does: its own name first, then, for
  // `_sum`/`_count` (summaries) and `_bucket`/`_sum`/`_count` (histograms), the declared
  // family of the stem. Checks what a histogram or summary line must carry, and that the
  // series is new; then keeps the sample.
  absl::Status Commit(absl::string_view name, ExpositionSample sample, int line_number) {
    FamilyState* state = FindFamilyState(name);
    Role role = Role::kPlain;
    if (state == nullptr) {
      struct Suffix {
        absl::string_view text;
        Role role;
        bool summary;  // also a summary series (all three are histogram series)
      };
      for (const Suffix& s :
           {Suffix{"_bucket", Role::kBucket, false}, Suffix{"_sum", Role::kSum, true},
            Suffix{"_count", Role::kCount, true}}) {
        if (!absl::EndsWith(name, s.text) || name.size() == s.text.size()) continue;
        FamilyState* stem = FindFamilyState(name.substr(0, name.size() - s.text.size()));
        if (stem == nullptr) break;
        const FamilyType type = result_.families[stem->index].type;
        if (type == FamilyType::kHistogram || (s.summary && type == FamilyType::kSummary)) {
          state = stem;
          role = s.role;
        }
        break;
      }
    }
    const FamilyType type =
        state == nullptr ? FamilyType::kUntyped : result_.families[state->index].type;
    if (absl::Status s = CheckRole(name, type, role, sample); !s.ok()) return s;
    if (filter_.keep_series && !filter_.keep_series(name, sample.labels)) {
      ++result_.skipped_samples;
      return absl::OkStatus();
    }
    if (result_.samples.size() >= filter_.max_samples) {
      result_.sample_limit_hit = true;  // Run() stops here
      return absl::OkStatus();
    }

    // Duplicates are detected only after all checks so that a rejected line leaves no trace.
    // Adding a family may move the others in the map: `state` is not used past this point.
    FamilyState& family = state == nullptr ? FindOrAddFamily(name) : *state;
    sample.family = result_.families[family.index].name;
    sample.type = type;
    sample.name = std::string(name);
    result_.samples.push_back(std::move(sample));
    const auto index = static_cast<uint32_t>(result_.samples.size() - 1);
    auto [it, inserted] = series_.insert(index);
    if (!inserted) {
      const ExpositionSample& first = result_.samples[*it];
      std::string message = absl::StrCat(
          "duplicate series ", Quote(name), first.labels.empty() ? "" : " with the same labels",
          first.timestamp_ms ? " and timestamp" : "", " (first on line ", first.line, ")");
      result_.samples.pop_back();
      return Error(message);
    }
    if (family.first_sample_line == 0) family.first_sample_line = line_number;
    return absl::OkStatus();
  }

  static absl::Status CheckRole(absl::string_view name, FamilyType type, Role role,
                                const ExpositionSample& sample) {
    const char* bound_label = nullptr;
    if (type == FamilyType::kHistogram) {
      if (role == Role::kPlain) {
        return Error(absl::StrCat("sample ", Quote(name), " of histogram ", Quote(name),
                                  " must be named ", name, "_bucket, ", name, "_sum or ", name,
                                  "_count"));
      }
      if (role == Role::kBucket) bound_label = "le";
    } else if (type == FamilyType::kSummary && role == Role::kPlain) {
      bound_label = "quantile";
    }
    if (bound_label == nullptr) return absl::OkStatus();
    const std::string* bound = sample.FindLabel(bound_label);
    if (bound == nullptr) {
      return Error(absl::StrCat(type == FamilyType::kHistogram ? "histogram bucket " : "summary ",
                                Quote(name), " has no \"", bound_label, "\" label"));
    }
    double unused;
    if (ParseGoFloat(*bound, &unused) != FloatResult::kOk) {
      return Error(absl::StrCat("invalid \"", bound_label, "\" value ", Quote(*bound), " in ",
                                Quote(name), ": expected a float or +Inf"));
    }
    return absl::OkStatus();
  }

  // Whether the filter keeps a sample of family `name` under any name it may have.
  bool KeepsFamily(absl::string_view name) const {
    if (!filter_.keep_name) return true;
    if (filter_.keep_name(name)) return true;
    for (absl::string_view suffix : {"_bucket", "_sum", "_count"}) {
      if (filter_.keep_name(absl::StrCat(name, suffix))) return true;
    }
    return false;
  }

  FamilyState* FindFamilyState(absl::string_view name) {
    auto it = family_by_name_.find(name);
    return it == family_by_name_.end() ? nullptr : &it->second;
  }

  FamilyState& FindOrAddFamily(absl::string_view name) {
    auto [it, inserted] = family_by_name_.try_emplace(name, FamilyState{result_.families.size()});
    if (inserted) {
      MetricFamily family;
      family.name = std::string(name);
      result_.families.push_back(std::move(family));
    }
    return it->second;
  }

  const bool strict_;
  const size_t max_errors_;
  const SampleFilter& filter_;
  ParsedExposition result_;
  absl::flat_hash_map<std::string, FamilyState> family_by_name_;
  absl::flat_hash_set<uint32_t, SeriesHash, SeriesEq> series_{0, SeriesHash{&result_.samples},
                                                              SeriesEq{&result_.samples}};
};

}  // namespace

absl::string_view FamilyTypeName(FamilyType type) {
  switch (type) {
    case FamilyType::kCounter:
      return "counter";
    case FamilyType::kGauge:
      return "gauge";
    case FamilyType::kHistogram:
      return "histogram";
    case FamilyType::kSummary:
      return "summary";
    case FamilyType::kUntyped:
      break;
  }
  return "untyped";
}

bool IsValidMetricName(absl::string_view name) {
  return !name.empty() && IsMetricNameStart(name[0]) &&
         std::all_of(name.begin(), name.end(), IsMetricNameChar);
}

bool IsValidLabelName(absl::string_view name) {
  return !name.empty() && IsLabelNameStart(name[0]) &&
         std::all_of(name.begin(), name.end(), IsLabelNameChar);
}

const std::string* ExpositionSample::FindLabel(absl::string_view label_name) const {
  auto it = std::lower_bound(
      labels.begin(), labels.end(), label_name,
      [](const SeriesLabel& l, absl::string_view n) { return absl::string_view(l.name) < n; });
  if (it == labels.end() || it->name != label_name) return nullptr;
  return &it->value;
}

std::string LineError::ToString() const { return absl::StrCat("line ", line, ": ", message); }

const MetricFamily* ParsedExposition::FindFamily(absl::string_view name) const {
  for (const MetricFamily& f : families) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

absl::StatusOr<ParsedExposition> ParsePrometheusText(absl::string_view text) {
  static const SampleFilter kEverything;
  Parser parser(/*strict=*/true, /*max_errors=*/0, kEverything);
  if (absl::Status s = parser.Run(text); !s.ok()) return s;
  return parser.TakeResult();
}

ParsedExposition ParsePrometheusTextLenient(absl::string_view text, size_t max_errors,
                                            const SampleFilter& filter) {
  Parser parser(/*strict=*/false, max_errors, filter);
  parser.Run(text).IgnoreError();
  return parser.TakeResult();
}

}  // namespace limiar::metrics
