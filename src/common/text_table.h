// A plain-text table whose column widths come from its content, so that a long label shifts
// its column in every row alike instead of pushing its own row out of line.
#ifndef LIMIAR_COMMON_TEXT_TABLE_H_
#define LIMIAR_COMMON_TEXT_TABLE_H_

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace limiar {

// One line per row: `indent`, then the cells two spaces apart, each padded to its column's
// widest cell; column c aligns right where `align[c]` is 'r' (numbers), left otherwise
// (labels, and any column past `align`). No trailing blanks; every line ends with '\n'.
// Widths are in bytes: labels are ASCII here.
inline std::string AlignedTable(const std::vector<std::vector<std::string>>& rows,
                                absl::string_view align, absl::string_view indent = "") {
  std::vector<size_t> width;
  for (const auto& row : rows) {
    width.resize(std::max(width.size(), row.size()));
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line(indent);
    for (size_t c = 0; c < row.size(); ++c) {
      const std::string pad(width[c] - row[c].size(), ' ');
      const bool right = c < align.size() && align[c] == 'r';
      absl::StrAppend(&line, c == 0 ? "" : "  ", right ? pad + row[c] : row[c] + pad);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    absl::StrAppend(&out, line, "\n");
  }
  return out;
}

// The same with the first `left` columns aligned left and the rest right.
inline std::string AlignedTable(const std::vector<std::vector<std::string>>& rows, size_t left,
                                absl::string_view indent = "") {
  size_t columns = 0;
  for (const auto& row : rows) columns = std::max(columns, row.size());
  std::string align(columns, 'r');
  std::fill_n(align.begin(), std::min(left, columns), 'l');
  return AlignedTable(rows, align, indent);
}

}  // namespace limiar

#endif  // LIMIAR_COMMON_TEXT_TABLE_H_
