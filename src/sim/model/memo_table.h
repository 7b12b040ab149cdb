// A remembered pure function: a direct-mapped table of fixed size whose slot, chosen by the
// key's hash, holds the last key that fell there and its value. A replay asks the same
// questions of its queueing model and its histograms again and again; a hit returns the
// very value the function gave, so the table changes no result, only time. Not
// thread-safe: keep one per thread (thread_local).
#ifndef LIMIAR_SIM_MODEL_MEMO_TABLE_H_
#define LIMIAR_SIM_MODEL_MEMO_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace limiar::sim {

template <typename Key, typename Value, int kSlotBits>
class MemoTable {
 public:
  // The value of `compute(key)`, computed only when the slot of `hash` holds another key.
  // Keys compare with ==: a key unequal to itself (a NaN in it) is computed every time.
  template <typename Compute>
  const Value& Get(const Key& key, uint64_t hash, Compute&& compute) {
    Slot& slot = slots_[hash & (kSlots - 1)];
    if (!slot.used || !(slot.key == key)) slot = Slot{true, key, compute(key)};
    return slot.value;
  }

 private:
  static constexpr size_t kSlots = size_t{1} << kSlotBits;
  struct Slot {
    bool used = false;
    Key key{};
    Value value{};
  };
  std::vector<Slot> slots_ = std::vector<Slot>(kSlots);
};

}  // namespace limiar::sim

#endif  // LIMIAR_SIM_MODEL_MEMO_TABLE_H_
