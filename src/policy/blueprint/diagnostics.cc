#include "src/policy/blueprint/diagnostics.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace limiar::policy::blueprint {
namespace {

std::string Line(absl::string_view path, absl::string_view what, absl::string_view todo) {
  std::string line = absl::StrCat(path.empty() ? "(root)" : path, ": ", what);
  if (!todo.empty()) absl::StrAppend(&line, "; ", todo);
  return line;
}

}  // namespace

void Diagnostics::Error(absl::string_view path, absl::string_view what, absl::string_view todo) {
  errors_.push_back(absl::StrCat(source_, ": ", Line(path, what, todo)));
}

void Diagnostics::RawError(std::string line) { errors_.push_back(std::move(line)); }

void Diagnostics::Warning(absl::string_view path, absl::string_view what, absl::string_view todo) {
  warnings_.push_back(Line(path, what, todo));
}

absl::Status Diagnostics::ToStatus() const {
  if (errors_.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrJoin(errors_, "\n"));
}

}  // namespace limiar::policy::blueprint
