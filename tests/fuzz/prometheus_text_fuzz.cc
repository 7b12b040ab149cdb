// A scraped /metrics body is a peer's bytes: the parsers must turn any of them into a result
// or line errors. The lenient parse runs twice: keeping everything, and as the scraper runs
// it, keeping a few families and at most a few samples.
#include <cstddef>
#include <cstdint>

#include "src/metrics/prometheus/prometheus_text.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using limiar::metrics::ParsedExposition;
using limiar::metrics::ParsePrometheusTextLenient;

const limiar::metrics::SampleFilter& ScraperFilter() {
  static const limiar::metrics::SampleFilter* filter = [] {
    auto* f = new limiar::metrics::SampleFilter();
    f->keep_name = [](absl::string_view name) {
      return name == "http_requests_total" || name == "process_cpu_seconds_total" ||
             name == "rpc_seconds_bucket" || name == "node_cpu_seconds_total";
    };
    f->keep_series = [](absl::string_view, const limiar::metrics::SeriesLabels& labels) {
      return labels.size() < 4;
    };
    f->max_samples = 8;
    return f;
  }();
  return *filter;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text = limiar::fuzz::AsText(data, size);
  (void)limiar::metrics::ParsePrometheusText(text);
  const ParsedExposition all = ParsePrometheusTextLenient(text, /*max_errors=*/10);
  limiar::fuzz::Require(all.errors.size() <= 10, "lenient parse kept more errors than asked");
  const ParsedExposition kept = ParsePrometheusTextLenient(text, 10, ScraperFilter());
  limiar::fuzz::Require(kept.samples.size() <= 8, "filtered parse kept more samples than asked");
  limiar::fuzz::Require(kept.samples.size() <= all.samples.size(),
                        "a filter kept a sample the unfiltered parse did not");
  return 0;
}
