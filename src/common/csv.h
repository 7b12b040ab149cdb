// CSV as RFC 4180 has it, for every CSV Limiar writes (timeline.csv, sweep CSVs) and reads
// back: a field holding a comma, a double quote or a line break is written in double quotes,
// with its quotes doubled; anything else as it is.
#ifndef LIMIAR_COMMON_CSV_H_
#define LIMIAR_COMMON_CSV_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace limiar {

// `text` as one field: `a,b` -> `"a,b"`, `say "hi"` -> `"say ""hi"""`, `web` -> `web`.
std::string CsvField(absl::string_view text);

// `fields` as one record, each through CsvField, joined by commas (no line end).
std::string CsvRecord(const std::vector<std::string>& fields);

// Reads the record that starts at `pos` of `text` into `fields`: split at the commas outside
// quotes, quoted fields unquoted (they may hold commas, doubled quotes and line breaks). The
// record ends at a line feed outside quotes (a carriage return before it is dropped) or at
// the end of the text. Returns where the next record starts; nullopt when a quote is left
// open, or a closing quote is followed by anything but a comma or the record's end.
std::optional<size_t> ReadCsvRecord(absl::string_view text, size_t pos,
                                    std::vector<std::string>& fields);

}  // namespace limiar

#endif  // LIMIAR_COMMON_CSV_H_
