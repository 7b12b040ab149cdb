#include "src/actuator/command_template.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace limiar::actuator {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsNameChar(char c) { return (c >= 'a' && c <= 'z') || c == '_'; }

}  // namespace

absl::StatusOr<std::vector<std::string>> SplitCommandLine(absl::string_view text) {
  std::vector<std::string> args;
  std::string current;
  bool in_arg = false;  // distinguishes '' (an empty argument) from no argument
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (IsBlank(c)) {
      if (in_arg) args.push_back(std::move(current));
      current.clear();
      in_arg = false;
      ++i;
    } else if (c == '\'') {
      const size_t close = text.find('\'', i + 1);
      if (close == absl::string_view::npos) {
        return absl::InvalidArgumentError(absl::StrCat("unterminated ' quote at offset ", i));
      }
      current.append(text.data() + i + 1, close - i - 1);
      in_arg = true;
      i = close + 1;
    } else if (c == '"') {
      size_t j = i + 1;
      for (;; ++j) {
        if (j >= text.size()) {
          return absl::InvalidArgumentError(absl::StrCat("unterminated \" quote at offset ", i));
        }
        if (text[j] == '"') break;
        if (text[j] == '\\' && j + 1 < text.size() && (text[j + 1] == '"' || text[j + 1] == '\\')) {
          ++j;
        }
        current.push_back(text[j]);
      }
      in_arg = true;
      i = j + 1;
    } else if (c == '\\') {
      if (i + 1 >= text.size()) {
        return absl::InvalidArgumentError(absl::StrCat("trailing backslash at offset ", i));
      }
      current.push_back(text[i + 1]);
      in_arg = true;
      i += 2;
    } else {
      current.push_back(c);
      in_arg = true;
      ++i;
    }
  }
  if (in_arg) args.push_back(std::move(current));
  return args;
}

absl::StatusOr<CommandTemplate> CommandTemplate::Parse(absl::string_view text,
                                                       const std::vector<std::string>& allowed) {
  absl::StatusOr<std::vector<std::string>> split = SplitCommandLine(text);
  if (!split.ok()) return split.status();
  if (split->empty()) return absl::InvalidArgumentError("empty command");
  CommandTemplate t;
  t.raw_args_ = *std::move(split);
  for (size_t a = 0; a < t.raw_args_.size(); ++a) {
    const std::string& arg = t.raw_args_[a];
    std::vector<Piece> pieces;
    std::string literal;
    size_t i = 0;
    while (i < arg.size()) {
      size_t end = i + 1;  // past the name, if arg[i] opens a placeholder
      if (arg[i] == '{') {
        while (end < arg.size() && IsNameChar(arg[end])) ++end;
      }
      if (end == i + 1 || end >= arg.size() || arg[end] != '}') {
        literal.push_back(arg[i++]);
        continue;
      }
      std::string name = arg.substr(i + 1, end - i - 1);
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        return absl::InvalidArgumentError(
            absl::StrCat("unknown placeholder {", name, "} in argument ", a, " (\"", arg,
                         "\"); known: {", absl::StrJoin(allowed, "}, {"), "}"));
      }
      if (a == 0) {
        return absl::InvalidArgumentError(absl::StrCat("placeholder {", name,
                                                       "} in the program name \"", arg,
                                                       "\": values may only fill arguments"));
      }
      if (!literal.empty()) pieces.push_back({false, std::move(literal)});
      literal.clear();
      pieces.push_back({true, std::move(name)});
      i = end + 1;
    }
    if (!literal.empty() || pieces.empty()) pieces.push_back({false, std::move(literal)});
    t.args_.push_back(std::move(pieces));
  }
  return t;
}

std::vector<std::string> CommandTemplate::Expand(
    const std::map<std::string, std::string>& values) const {
  std::vector<std::string> argv;
  argv.reserve(args_.size());
  for (const std::vector<Piece>& pieces : args_) {
    std::string arg;
    for (const Piece& piece : pieces) {
      if (!piece.placeholder) {
        arg += piece.text;
      } else if (auto it = values.find(piece.text); it != values.end()) {
        arg += it->second;
      }
    }
    argv.push_back(std::move(arg));
  }
  return argv;
}

}  // namespace limiar::actuator
