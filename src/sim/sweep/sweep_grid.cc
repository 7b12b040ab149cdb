#include "src/sim/sweep/sweep_grid.h"

#include <algorithm>
#include <map>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "src/common/config/did_you_mean.h"
#include "src/policy/blueprint/knob_names.h"

namespace limiar::sim {
namespace {

namespace bp = ::limiar::policy::blueprint;

// Decimal words are scaled to integers below this, so sums of steps cannot overflow.
constexpr int64_t kMaxMantissa = 1'000'000'000'000'000;  // 1e15
constexpr int kMaxFractionDigits = 9;

// Lower case without '_' and '-': how the loader's alias maps compare names too.
using config::NormalizeName;

// Normalized spelling -> blueprint key, for every knob a sweep may vary.
const std::map<std::string, std::string>& KnobSpellings() {
  static const auto* spellings = [] {
    auto* m = new std::map<std::string, std::string>;
    // Aliases first: an exact key below must win over an alias that normalizes alike.
    for (const auto& [alias, key] : bp::AutoscaleKeyAliases()) (*m)[NormalizeName(alias)] = key;
    for (const auto& [alias, key] : bp::ComputeKeyAliases()) (*m)[NormalizeName(alias)] = key;
    // Names users reach for in a sweep that the loader's maps do not hold.
    const std::pair<const char*, const char*> extra[] = {
        {"stabilization_down", bp::key::kEstabilizacaoDescida},
        {"stabilization_up", bp::key::kEstabilizacaoSubida},
        {"scale_down_stabilization", bp::key::kEstabilizacaoDescida},
        {"scale_up_stabilization", bp::key::kEstabilizacaoSubida},
        {"cooldown_down_s", bp::key::kEsperaDescida},
        {"cooldown_up_s", bp::key::kEsperaSubida},
        {"utilization", bp::key::kLimiar},
    };
    for (const auto& [alias, key] : extra) (*m)[NormalizeName(alias)] = key;
    for (const std::string& key : bp::AutoscaleKeys()) (*m)[NormalizeName(key)] = key;
    (*m)[NormalizeName(bp::key::kReplicasMin)] = bp::key::kReplicasMin;
    (*m)[NormalizeName(bp::key::kReplicasMax)] = bp::key::kReplicasMax;
    return m;
  }();
  return *spellings;
}

struct Decimal {
  int64_t mantissa = 0;  // value x 10^digits
  int digits = 0;        // fraction digits
};

std::optional<Decimal> ParseDecimal(absl::string_view s) {
  Decimal d;
  bool negative = false;
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
  bool any_digit = false, in_fraction = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.' && !in_fraction) {
      in_fraction = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    any_digit = true;
    if (in_fraction && ++d.digits > kMaxFractionDigits) return std::nullopt;
    d.mantissa = d.mantissa * 10 + (c - '0');
    if (d.mantissa >= kMaxMantissa) return std::nullopt;
  }
  if (!any_digit) return std::nullopt;
  if (negative) d.mantissa = -d.mantissa;
  return d;
}

int64_t Pow10(int n) {
  int64_t p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

// `d` scaled to `digits` fraction digits; nullopt when that leaves the range where sums of
// values and steps stay exact.
std::optional<int64_t> Scaled(const Decimal& d, int digits) {
  constexpr int64_t kLimit = 100'000'000'000'000'000;  // 1e17
  const int64_t factor = Pow10(digits - d.digits);
  if (d.mantissa > kLimit / factor || d.mantissa < -kLimit / factor) return std::nullopt;
  return d.mantissa * factor;
}

// `mantissa` / 10^digits as the shortest exact decimal word: 150 with 2 digits -> "1.5".
std::string FormatDecimal(int64_t mantissa, int digits) {
  const int64_t scale = Pow10(digits);
  const int64_t magnitude = mantissa < 0 ? -mantissa : mantissa;
  std::string out = absl::StrCat(mantissa < 0 ? "-" : "", magnitude / scale);
  std::string fraction = absl::StrCat(magnitude % scale + scale).substr(1);  // zero-padded
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  if (!fraction.empty()) absl::StrAppend(&out, ".", fraction);
  return out;
}

absl::Status GridError(absl::string_view flag, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("--grid \"", flag, "\": ", problem));
}

}  // namespace

std::string GridAxis::Column() const { return target.empty() ? key : target + "." + key; }

std::string GridAxis::ToString() const { return absl::StrCat(Column(), "=", spec); }

int64_t Grid::size() const {
  if (axes.empty()) return 0;
  int64_t n = 1;
  for (const GridAxis& a : axes) n *= static_cast<int64_t>(a.values.size());
  return n;
}

std::vector<size_t> Grid::ValueIndices(int64_t point) const {
  std::vector<size_t> idx(axes.size());
  for (size_t a = axes.size(); a-- > 0;) {
    const int64_t n = static_cast<int64_t>(axes[a].values.size());
    idx[a] = static_cast<size_t>(point % n);
    point /= n;
  }
  return idx;
}

std::string Grid::DescribePoint(int64_t point) const {
  const std::vector<size_t> idx = ValueIndices(point);
  std::vector<std::string> parts;
  for (size_t a = 0; a < axes.size(); ++a) {
    parts.push_back(absl::StrCat(axes[a].Column(), "=", axes[a].values[idx[a]].text));
  }
  return absl::StrJoin(parts, ", ");
}

std::string CanonicalKnobKey(absl::string_view key) {
  const auto& spellings = KnobSpellings();
  auto it = spellings.find(NormalizeName(key));
  return it != spellings.end() ? it->second : std::string(key);
}

absl::StatusOr<std::vector<std::string>> ExpandDecimalRange(absl::string_view start,
                                                            absl::string_view stop,
                                                            absl::string_view step) {
  std::optional<Decimal> a = ParseDecimal(start), b = ParseDecimal(stop), s = ParseDecimal(step);
  for (const auto& [word, d] : {std::pair{start, a}, std::pair{stop, b}, std::pair{step, s}}) {
    if (!d) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", word,
                       "\" is not a decimal number; START:STOP:STEP takes plain decimals such "
                       "as 40:80:10 or 0.05:0.3:0.05 (at most 9 decimal places)"));
    }
  }
  const int digits = std::max({a->digits, b->digits, s->digits});
  const std::optional<int64_t> lo_or = Scaled(*a, digits), hi_or = Scaled(*b, digits),
                               by_or = Scaled(*s, digits);
  if (!lo_or || !hi_or || !by_or) {
    return absl::InvalidArgumentError(
        absl::StrCat(start, ":", stop, ":", step,
                     " mixes too large numbers with too many decimal places; shorten them"));
  }
  const int64_t lo = *lo_or, hi = *hi_or, by = *by_or;
  if (by <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("the step ", step, " must be above 0, e.g. ", start, ":", stop, ":1"));
  }
  if (hi < lo) {
    return absl::InvalidArgumentError(absl::StrCat("STOP ", stop, " is below START ", start,
                                                   "; write the range upwards: ", stop, ":", start,
                                                   ":", step));
  }
  const int64_t count = (hi - lo) / by + 1;
  if (count > kMaxSweepPoints) {
    return absl::InvalidArgumentError(absl::StrCat("the range holds ", count,
                                                   " values, more than a sweep's ", kMaxSweepPoints,
                                                   " points; use a larger step"));
  }
  std::vector<std::string> out;
  out.reserve(count);
  for (int64_t i = 0; i < count; ++i) out.push_back(FormatDecimal(lo + i * by, digits));
  return out;
}

absl::StatusOr<GridAxis> ParseGridAxis(absl::string_view flag) {
  const size_t eq = flag.find('=');
  const absl::string_view lhs =
      absl::StripAsciiWhitespace(flag.substr(0, std::min(eq, flag.size())));
  const absl::string_view rhs =
      eq == absl::string_view::npos ? "" : absl::StripAsciiWhitespace(flag.substr(eq + 1));
  if (eq == absl::string_view::npos || lhs.empty() || rhs.empty()) {
    return GridError(flag,
                     "expected KEY=V1,V2,... or KEY=START:STOP:STEP, e.g. limiar=40,50,60 or "
                     "limiar=40:80:10 (KEY may be TARGET.KEY)");
  }
  GridAxis axis;
  for (absl::string_view part : absl::StrSplit(lhs, '.')) {
    if (absl::StripAsciiWhitespace(part).empty()) {
      return GridError(flag, "expected TARGET.KEY with both parts, e.g. web.limiar");
    }
  }
  const TargetKey tk = SplitTargetKey(lhs);
  axis.target = std::string(absl::StripAsciiWhitespace(tk.target));
  const std::string raw_key(absl::StripAsciiWhitespace(tk.key));
  // In `previsao.margem_pct` only the object knob's name has aliases.
  const size_t member = raw_key.find('.');
  axis.key = member == std::string::npos
                 ? CanonicalKnobKey(raw_key)
                 : CanonicalKnobKey(raw_key.substr(0, member)) + raw_key.substr(member);
  if (axis.key == bp::key::kAlvo) {
    return GridError(flag,
                     "alvo_recurso_id names the compute an autoscale resource scales; it is not "
                     "a knob to sweep (sweep limiar, tolerancia, espera_descida_s, ...)");
  }
  axis.spec = std::string(rhs);
  std::vector<std::string> words;
  // A range is START:STOP:STEP; a colon next to commas is a list value that holds one.
  const bool range =
      rhs.find(':') != absl::string_view::npos && rhs.find(',') == absl::string_view::npos;
  if (range) {
    const std::vector<absl::string_view> parts = absl::StrSplit(rhs, ':');
    if (parts.size() != 3) {
      return GridError(flag, "a range is START:STOP:STEP with three numbers, e.g. 40:80:10");
    }
    absl::StatusOr<std::vector<std::string>> expanded = ExpandDecimalRange(
        absl::StripAsciiWhitespace(parts[0]), absl::StripAsciiWhitespace(parts[1]),
        absl::StripAsciiWhitespace(parts[2]));
    if (!expanded.ok()) return GridError(flag, expanded.status().message());
    words = *std::move(expanded);
  } else {
    for (absl::string_view w : absl::StrSplit(rhs, ',')) {
      w = absl::StripAsciiWhitespace(w);
      if (w.empty()) {
        return GridError(flag, "an empty value (two commas in a row, or one at the end)");
      }
      words.emplace_back(w);
    }
  }
  axis.values.reserve(words.size());
  for (std::string& w : words) {
    GridValue v{std::move(w), {}};
    v.value = ParseKnobValue(v.text);
    // A range cannot repeat a value; a list is short enough to compare pairwise.
    if (!range) {
      for (const GridValue& seen : axis.values) {
        if (seen.value == v.value) {
          return GridError(flag, absl::StrCat("the value ", v.text,
                                              " is listed twice; each value runs once, list it "
                                              "once"));
        }
      }
    }
    axis.values.push_back(std::move(v));
  }
  return axis;
}

absl::StatusOr<Grid> ParseGrid(const std::vector<std::string>& flags) {
  if (flags.empty()) {
    return absl::InvalidArgumentError(
        "no --grid: give at least one knob to vary, e.g. --grid limiar=40:80:10 "
        "--grid espera_descida_s=0,60,300");
  }
  Grid grid;
  for (const std::string& flag : flags) {
    absl::StatusOr<GridAxis> axis = ParseGridAxis(flag);
    if (!axis.ok()) return axis.status();
    for (const GridAxis& seen : grid.axes) {
      if (seen.Column() == axis->Column()) {
        return GridError(
            flag, absl::StrCat(axis->Column(), " is already varied by --grid \"", seen.ToString(),
                               "\"; merge the values into one "
                               "--grid"));
      }
    }
    grid.axes.push_back(*std::move(axis));
  }
  // Checked axis by axis so that the product cannot overflow.
  int64_t points = 1;
  for (const GridAxis& a : grid.axes) {
    points *= static_cast<int64_t>(a.values.size());
    if (points > kMaxSweepPoints) {
      return absl::InvalidArgumentError(
          absl::StrCat("the grid has over ", kMaxSweepPoints,
                       " points; use coarser steps or fewer values, or run several sweeps"));
    }
  }
  return grid;
}

std::string Shard::ToString() const { return all() ? "all" : absl::StrCat(index, "/", count); }

absl::StatusOr<Shard> ParseShard(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (text.empty() || text == "all") return Shard{};
  const std::vector<absl::string_view> parts = absl::StrSplit(text, '/');
  int64_t i = 0, n = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], &i) || !absl::SimpleAtoi(parts[1], &n) ||
      n < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--shard \"", text,
        "\": expected INDEX/COUNT with 0 <= INDEX < COUNT, e.g. 0/4 for the first of 4 shards"));
  }
  if (i < 0 || i >= n) {
    return absl::InvalidArgumentError(absl::StrCat("--shard ", text, ": index ", i,
                                                   " is out of range; the shards of ", n,
                                                   " are numbered 0 to ", n - 1));
  }
  return Shard{i, n};
}

std::vector<int64_t> ShardPoints(const Grid& grid, const Shard& shard) {
  std::vector<int64_t> points;
  for (int64_t p = shard.index; p < grid.size(); p += shard.count) points.push_back(p);
  return points;
}

PolicyVariant PointVariant(const PolicyVariant& base, const Grid& grid, int64_t point) {
  PolicyVariant v = base;
  v.name = absl::StrCat("point ", point);
  const std::vector<size_t> idx = grid.ValueIndices(point);
  for (size_t a = 0; a < grid.axes.size(); ++a) {
    v.overrides.push_back(
        {grid.axes[a].target, grid.axes[a].key, grid.axes[a].values[idx[a]].value});
  }
  return v;
}

}  // namespace limiar::sim
