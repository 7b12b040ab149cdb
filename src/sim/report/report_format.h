// Number and time formatting for report.html. Every figure goes through these so the page
// is byte-identical for the same run (fixed precision, no locale) and reads the same way in
// the table, the chart axes and the tooltips.
#ifndef LIMIAR_SIM_REPORT_REPORT_FORMAT_H_
#define LIMIAR_SIM_REPORT_REPORT_FORMAT_H_

#include <string>

#include "src/common/format_count.h"  // FormatCount, for the same reports

namespace limiar::sim {

// `v` with at most `max_decimals` decimals and no trailing zeros: 2.50 -> "2.5", 3.0 -> "3".
// Non-finite values read "n/a".
std::string FormatTrimmed(double v, int max_decimals);

// Short axis labels: 850 -> "850", 1500 -> "1.5k", 2000000 -> "2M", 0.25 -> "0.25".
std::string FormatCompact(double v);

// Milliseconds with precision that suits the size: "4.25", "52.3", "212".
std::string FormatMs(double ms);

// A fraction as a percentage with up to three decimals: 0.001 -> "0.1%"; a non-zero value
// too small to show reads "<0.001%" rather than a misleading "0%".
std::string FormatPercent(double fraction);

// Time since the run's start as h:mm:ss, e.g. "0:05:30", "47:59:59".
std::string FormatClock(double t_s);

// A time-axis label: whole seconds ("90 s") for short runs, h:mm ("12:30") otherwise.
std::string FormatAxisTime(double t_s, bool in_seconds);

// A length of time for people: "45 s", "3 min 20 s", "2 h 05 min".
std::string FormatDuration(double s);

}  // namespace limiar::sim

#endif  // LIMIAR_SIM_REPORT_REPORT_FORMAT_H_
