// A Prometheus-style histogram of durations in seconds: cumulative counts per upper bound, the
// bounds fixed at compile time (served by /metrics, docs/operations.md).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace hallcast::relay {

template <const auto& Bounds>
class Histogram {
 public:
  static constexpr const auto& kBounds = Bounds;

  void observe(double seconds) {
    for (size_t i = 0; i < kBounds.size(); ++i)
      if (seconds <= kBounds[i]) ++buckets_[i];
    ++count_;
    sum_ += seconds;
  }
  uint64_t bucket(size_t i) const { return buckets_.at(i); }  // observations <= kBounds[i]
  uint64_t count() const { return count_; }
  double sum() const { return sum_; }

 private:
  std::array<uint64_t, Bounds.size()> buckets_{};
  uint64_t count_ = 0;
  double sum_ = 0.0;
};

}  // namespace hallcast::relay
