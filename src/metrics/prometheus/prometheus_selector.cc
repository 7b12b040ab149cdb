#include "src/metrics/prometheus/prometheus_selector.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "re2/re2.h"
#include "src/metrics/prometheus/name_chars.h"

namespace limiar::metrics {
namespace {

constexpr absl::string_view kNameLabel = "__name__";

using prometheus_names::IsDigit;
using prometheus_names::IsLabelNameChar;
using prometheus_names::IsLabelNameStart;
using prometheus_names::IsMetricNameChar;
using prometheus_names::IsMetricNameStart;

absl::string_view OpText(LabelMatcher::Op op) {
  switch (op) {
    case LabelMatcher::Op::kEqual:
      return "=";
    case LabelMatcher::Op::kNotEqual:
      return "!=";
    case LabelMatcher::Op::kRegexMatch:
      return "=~";
    case LabelMatcher::Op::kRegexNoMatch:
      break;
  }
  return "!~";
}

// A double-quoted string that Parse reads back to `s`.
std::string QuoteValue(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
          absl::StrAppend(&out, "\\x", absl::BytesToHexString(absl::string_view(&c, 1)));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// One byte for an error message: printable ASCII as is, anything else C-escaped.
std::string PrintableByte(char c) {
  if (c >= 0x20 && c < 0x7F) return std::string(1, c);
  return absl::CHexEscape(absl::string_view(&c, 1));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Recursive descent over one selector; every error carries the 1-based column.
class SelectorParser {
 public:
  explicit SelectorParser(absl::string_view text) : text_(text) {}

  absl::Status Parse(std::string* metric_name, std::vector<LabelMatcher>* matchers) {
    SkipSpace();
    if (AtEnd()) return Error("empty selector");
    bool name_before_braces = false;
    if (IsMetricNameStart(Peek())) {
      const size_t start = pos_;
      while (!AtEnd() && IsMetricNameChar(Peek())) ++pos_;
      absl::StatusOr<LabelMatcher> m = LabelMatcher::Create(kNameLabel, LabelMatcher::Op::kEqual,
                                                            text_.substr(start, pos_ - start));
      if (!m.ok()) return m.status();
      matchers->push_back(*std::move(m));
      name_before_braces = true;
      SkipSpace();
    }
    if (!name_before_braces && Peek() != '{') {
      return Error(absl::StrCat("expected a metric name or '{', found ", Found()));
    }
    if (!AtEnd() && Peek() == '{') {
      ++pos_;
      if (absl::Status s = ParseMatchers(name_before_braces, matchers); !s.ok()) return s;
      SkipSpace();
    }
    if (!AtEnd()) {
      return Error(absl::StrCat("unexpected ", Found(),
                                " after the selector: only `name{label op \"value\", ...}` is "
                                "supported (no ranges, offsets or functions)"));
    }
    const bool selective = std::any_of(matchers->begin(), matchers->end(),
                                       [](const LabelMatcher& m) { return !m.Matches(""); });
    if (!selective) {
      return Error(
          "the selector would match every series: it needs a metric name or a matcher that "
          "does not match the empty string");
    }
    for (const LabelMatcher& m : *matchers) {
      if (m.name() == kNameLabel && m.op() == LabelMatcher::Op::kEqual) {
        *metric_name = m.value();
        break;
      }
    }
    return absl::OkStatus();
  }

 private:
  absl::Status ParseMatchers(bool name_before_braces, std::vector<LabelMatcher>* matchers) {
    while (true) {
      SkipSpace();
      if (AtEnd()) return Error("unterminated matcher list: missing '}'");
      if (Peek() == '}') {
        ++pos_;
        return absl::OkStatus();
      }
      if (!IsLabelNameStart(Peek())) {
        return Error(absl::StrCat("expected a label name or '}', found ", Found()));
      }
      const size_t name_start = pos_;
      while (!AtEnd() && IsLabelNameChar(Peek())) ++pos_;
      const absl::string_view name = text_.substr(name_start, pos_ - name_start);
      if (name == kNameLabel && name_before_braces) {
        pos_ = name_start;
        return Error("the metric name is given twice: before '{' and as __name__");
      }
      SkipSpace();
      LabelMatcher::Op op;
      if (Consume("=~")) {
        op = LabelMatcher::Op::kRegexMatch;
      } else if (Consume("!~")) {
        op = LabelMatcher::Op::kRegexNoMatch;
      } else if (Consume("!=")) {
        op = LabelMatcher::Op::kNotEqual;
      } else if (Consume("=")) {
        op = LabelMatcher::Op::kEqual;
      } else {
        return Error(absl::StrCat("expected '=', '!=', '=~' or '!~' after label name \"", name,
                                  "\", found ", Found()));
      }
      SkipSpace();
      const size_t value_start = pos_;
      std::string value;
      if (absl::Status s = ParseString(name, op, &value); !s.ok()) return s;
      absl::StatusOr<LabelMatcher> m = LabelMatcher::Create(name, op, value);
      if (!m.ok()) {
        pos_ = value_start;
        return Error(m.status().message());
      }
      matchers->push_back(*std::move(m));
      SkipSpace();
      if (AtEnd() || (Peek() != ',' && Peek() != '}')) {
        return Error(absl::StrCat("expected ',' or '}' after the matcher on \"", name, "\", found ",
                                  Found()));
      }
      if (Peek() == ',') ++pos_;  // PromQL allows a trailing comma
    }
  }

  // A PromQL string: "..." or '...' with Go escapes, or `...` raw.
  absl::Status ParseString(absl::string_view label, LabelMatcher::Op op, std::string* out) {
    if (AtEnd() || (Peek() != '"' && Peek() != '\'' && Peek() != '`')) {
      return Error(
          absl::StrCat("expected a quoted value after ", label, OpText(op), ", found ", Found()));
    }
    const size_t open = pos_;
    const char quote = Peek();
    ++pos_;
    while (true) {
      if (AtEnd() || (quote != '`' && Peek() == '\n')) {
        pos_ = open;
        return Error(absl::StrCat("unterminated string: missing closing ", std::string(1, quote)));
      }
      const char c = Peek();
      ++pos_;
      if (c == quote) return absl::OkStatus();
      if (c != '\\' || quote == '`') {
        out->push_back(c);
        continue;
      }
      if (absl::Status s = ParseEscape(quote, out); !s.ok()) return s;
    }
  }

  // After a backslash: the escapes of Go's string literals.
  absl::Status ParseEscape(char quote, std::string* out) {
    const size_t escape_start = pos_ - 1;
    if (AtEnd()) return Error("unterminated escape sequence");
    const char c = Peek();
    ++pos_;
    switch (c) {
      case 'a':
        out->push_back('\a');
        return absl::OkStatus();
      case 'b':
        out->push_back('\b');
        return absl::OkStatus();
      case 'f':
        out->push_back('\f');
        return absl::OkStatus();
      case 'n':
        out->push_back('\n');
        return absl::OkStatus();
      case 'r':
        out->push_back('\r');
        return absl::OkStatus();
      case 't':
        out->push_back('\t');
        return absl::OkStatus();
      case 'v':
        out->push_back('\v');
        return absl::OkStatus();
      case '\\':
        out->push_back('\\');
        return absl::OkStatus();
      case '"':
      case '\'':
        if (c != quote) break;
        out->push_back(c);
        return absl::OkStatus();
      case 'x':
      case 'u':
      case 'U': {
        const int digits = c == 'x' ? 2 : c == 'u' ? 4 : 8;
        uint32_t v = 0;
        for (int i = 0; i < digits; ++i) {
          const int h = AtEnd() ? -1 : HexValue(Peek());
          if (h < 0) {
            pos_ = escape_start;
            return Error(absl::StrCat("\\", std::string(1, c), " needs ", digits, " hex digits"));
          }
          v = v * 16 + static_cast<uint32_t>(h);
          ++pos_;
        }
        if (c == 'x') {
          out->push_back(static_cast<char>(v));  // a byte, as in Go
        } else if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
          pos_ = escape_start;
          return Error("escape sequence is not a valid Unicode code point");
        } else {
          AppendUtf8(v, out);
        }
        return absl::OkStatus();
      }
      default:
        if (c >= '0' && c <= '7') {
          uint32_t v = static_cast<uint32_t>(c - '0');
          for (int i = 0; i < 2; ++i) {
            if (AtEnd() || Peek() < '0' || Peek() > '7') {
              pos_ = escape_start;
              return Error("octal escape sequence needs 3 digits");
            }
            v = v * 8 + static_cast<uint32_t>(Peek() - '0');
            ++pos_;
          }
          if (v > 255) {
            pos_ = escape_start;
            return Error("octal escape sequence is greater than \\377");
          }
          out->push_back(static_cast<char>(v));
          return absl::OkStatus();
        }
        break;
    }
    pos_ = escape_start;
    return Error(absl::StrCat("unknown escape sequence '\\", PrintableByte(c), "'"));
  }

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }
  bool Consume(absl::string_view token) {
    if (text_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }
  void SkipSpace() {
    while (!AtEnd() && std::isspace(static_cast<unsigned char>(Peek()))) ++pos_;
  }
  std::string Found() const {
    if (AtEnd()) return "end of selector";
    const char c = text_[pos_];
    return c == '\'' ? "\"'\"" : absl::StrCat("'", PrintableByte(c), "'");
  }
  absl::Status Error(absl::string_view message) const {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid selector `", text_, "` at column ", pos_ + 1, ": ", message));
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

absl::string_view LabelValue(absl::string_view name, absl::string_view sample_name,
                             const SeriesLabels& labels) {
  if (name == kNameLabel) return sample_name;
  auto it = std::lower_bound(
      labels.begin(), labels.end(), name,
      [](const SeriesLabel& l, absl::string_view n) { return absl::string_view(l.name) < n; });
  if (it == labels.end() || it->name != name) return "";
  return it->value;
}

}  // namespace

LabelMatcher::LabelMatcher(std::string name, Op op, std::string value,
                           std::shared_ptr<const re2::RE2> regex)
    : name_(std::move(name)), op_(op), value_(std::move(value)), regex_(std::move(regex)) {}

absl::StatusOr<LabelMatcher> LabelMatcher::Create(absl::string_view name, Op op,
                                                  absl::string_view value) {
  if (!IsValidLabelName(name)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid label name \"", absl::CHexEscape(name), "\""));
  }
  std::shared_ptr<const re2::RE2> regex;
  if (op == Op::kRegexMatch || op == Op::kRegexNoMatch) {
    re2::RE2::Options options;
    options.set_log_errors(false);  // the error goes into the Status instead
    regex = std::make_shared<const re2::RE2>(re2::StringPiece(value.data(), value.size()), options);
    if (!regex->ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "invalid regular expression \"", absl::CHexEscape(value), "\": ", regex->error()));
    }
  }
  return LabelMatcher(std::string(name), op, std::string(value), std::move(regex));
}

bool LabelMatcher::Matches(absl::string_view label_value) const {
  switch (op_) {
    case Op::kEqual:
      return label_value == value_;
    case Op::kNotEqual:
      return label_value != value_;
    case Op::kRegexMatch:
    case Op::kRegexNoMatch:
      break;
  }
  const bool full =
      re2::RE2::FullMatch(re2::StringPiece(label_value.data(), label_value.size()), *regex_);
  return op_ == Op::kRegexMatch ? full : !full;
}

std::string LabelMatcher::ToString() const {
  return absl::StrCat(name_, OpText(op_), QuoteValue(value_));
}

absl::StatusOr<SeriesSelector> SeriesSelector::Parse(absl::string_view text) {
  SeriesSelector selector;
  SelectorParser parser(text);
  if (absl::Status s = parser.Parse(&selector.metric_name_, &selector.matchers_); !s.ok()) {
    return s;
  }
  return selector;
}

bool SeriesSelector::Matches(absl::string_view sample_name, const SeriesLabels& labels) const {
  // The common case first: most samples fail on the name, without a label lookup.
  if (!metric_name_.empty() && sample_name != metric_name_) return false;
  for (const LabelMatcher& m : matchers_) {
    if (!m.Matches(LabelValue(m.name(), sample_name, labels))) return false;
  }
  return true;
}

bool SeriesSelector::Matches(const ExpositionSample& sample) const {
  return Matches(sample.name, sample.labels);
}

std::vector<const ExpositionSample*> SeriesSelector::Select(
    const ParsedExposition& exposition) const {
  std::vector<const ExpositionSample*> out;
  for (const ExpositionSample& s : exposition.samples) {
    if (Matches(s)) out.push_back(&s);
  }
  return out;
}

std::string SeriesSelector::ToString() const {
  std::string out;
  // A single plain metric name goes before the braces, as people write it.
  const bool hoist_name =
      std::count_if(matchers_.begin(), matchers_.end(),
                    [](const LabelMatcher& m) { return m.name() == kNameLabel; }) == 1;
  bool name_printed = false;
  std::vector<std::string> rest;
  for (const LabelMatcher& m : matchers_) {
    if (hoist_name && m.name() == kNameLabel && m.op() == LabelMatcher::Op::kEqual &&
        IsValidMetricName(m.value())) {
      out = m.value();
      name_printed = true;
      continue;
    }
    rest.push_back(m.ToString());
  }
  if (!rest.empty() || !name_printed) {
    absl::StrAppend(&out, "{");
    for (size_t i = 0; i < rest.size(); ++i) absl::StrAppend(&out, i ? "," : "", rest[i]);
    absl::StrAppend(&out, "}");
  }
  return out;
}

}  // namespace limiar::metrics
