// The last `capacity` values of a series, oldest overwritten first: what a forecaster keeps
// of its history, so that its memory is bounded by its period, not by how long it has run.
#ifndef LIMIAR_POLICY_FORECAST_RING_H_
#define LIMIAR_POLICY_FORECAST_RING_H_

#include <cstddef>
#include <span>
#include <vector>

namespace limiar::policy::forecast {

class Ring {
 public:
  explicit Ring(size_t capacity) : values_(capacity == 0 ? 1 : capacity) {}
  size_t capacity() const { return values_.size(); }
  size_t size() const { return size_; }
  void Push(double v) {
    values_[next_] = v;
    next_ = (next_ + 1) % values_.size();
    if (size_ < values_.size()) ++size_;
  }
  void Assign(std::span<const double> values) {
    Clear();
    const size_t from = values.size() > capacity() ? values.size() - capacity() : 0;
    for (size_t i = from; i < values.size(); ++i) Push(values[i]);
  }
  void Clear() { next_ = size_ = 0; }
  // back(0) is the newest value, back(size() - 1) the oldest kept.
  double back(size_t age) const {
    return values_[(next_ + values_.size() - 1 - age) % values_.size()];
  }

 private:
  std::vector<double> values_;
  size_t next_ = 0;
  size_t size_ = 0;
};

}  // namespace limiar::policy::forecast

#endif  // LIMIAR_POLICY_FORECAST_RING_H_
