// The characters of Prometheus metric and label names ([a-zA-Z_:][a-zA-Z0-9_:]* and
// [a-zA-Z_][a-zA-Z0-9_]*), shared by the text-format parser and the series selectors.
#ifndef LIMIAR_METRICS_PROMETHEUS_NAME_CHARS_H_
#define LIMIAR_METRICS_PROMETHEUS_NAME_CHARS_H_

namespace limiar::metrics::prometheus_names {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsLabelNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
inline bool IsLabelNameChar(char c) { return IsLabelNameStart(c) || IsDigit(c); }
inline bool IsMetricNameStart(char c) { return IsLabelNameStart(c) || c == ':'; }
inline bool IsMetricNameChar(char c) { return IsLabelNameChar(c) || c == ':'; }

}  // namespace limiar::metrics::prometheus_names

#endif  // LIMIAR_METRICS_PROMETHEUS_NAME_CHARS_H_
