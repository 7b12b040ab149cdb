#include "src/common/config/diagnostics.h"

#include <algorithm>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/types/optional.h"
#include "src/common/excerpt.h"

namespace limiar::config {
namespace {

// Where ToStatus records the total, listed or not.
constexpr absl::string_view kProblemCountUrl = "type.limiar/problem-count";

std::string Line(absl::string_view path, absl::string_view what, absl::string_view todo) {
  std::string line =
      absl::StrCat(path.empty() ? "(root)" : Excerpt(path, Diagnostics::kMaxPathBytes), ": ",
                   Excerpt(what, Diagnostics::kMaxPartBytes));
  if (!todo.empty()) absl::StrAppend(&line, "; ", Excerpt(todo, Diagnostics::kMaxPartBytes));
  return line;
}

}  // namespace

std::string Diagnostics::Prefix() const {
  return source_.empty() ? std::string() : absl::StrCat(source_, ": ");
}

void Diagnostics::Error(absl::string_view path, absl::string_view what, absl::string_view todo) {
  if (lists_more_errors()) errors_.push_back(absl::StrCat(Prefix(), Line(path, what, todo)));
  ++error_count_;
}

void Diagnostics::RawError(absl::string_view line) {
  if (lists_more_errors()) {
    // As long as the longest line Error can write.
    errors_.push_back(Excerpt(line, source_.size() + kMaxPathBytes + 2 * kMaxPartBytes + 8));
  }
  ++error_count_;
}

void Diagnostics::Warning(absl::string_view path, absl::string_view what, absl::string_view todo) {
  if (warnings_.size() < kMaxListed) warnings_.push_back(Line(path, what, todo));
  ++warning_count_;
}

void Diagnostics::AddErrorsOf(const Diagnostics& other) {
  const size_t room = kMaxListed - errors_.size();
  errors_.insert(errors_.end(), other.errors_.begin(),
                 other.errors_.begin() + std::min(room, other.errors_.size()));
  error_count_ += other.error_count_;
}

std::vector<std::string> Diagnostics::warnings() const {
  std::vector<std::string> out = warnings_;
  if (warning_count_ > warnings_.size()) {
    out.push_back(
        absl::StrCat("and ", warning_count_ - warnings_.size(), " more warnings, not listed"));
  }
  return out;
}

absl::Status Diagnostics::ToStatus() const {
  if (error_count_ == 0) return absl::OkStatus();
  std::string text = absl::StrJoin(errors_, "\n");
  if (error_count_ > errors_.size()) {
    absl::StrAppend(&text, "\n", Prefix(), "and ", error_count_ - errors_.size(),
                    " more problems, not listed; fix the ones above first");
  }
  absl::Status status = absl::InvalidArgumentError(text);
  status.SetPayload(kProblemCountUrl, absl::Cord(absl::StrCat(error_count_)));
  return status;
}

int64_t ProblemCount(const absl::Status& status) {
  if (status.ok()) return 0;
  int64_t count = 0;
  if (absl::optional<absl::Cord> recorded = status.GetPayload(kProblemCountUrl);
      recorded && absl::SimpleAtoi(std::string(*recorded), &count)) {
    return count;
  }
  return static_cast<int64_t>(std::count(status.message().begin(), status.message().end(), '\n')) +
         1;
}

}  // namespace limiar::config
