// Latency histogram: fixed 20 µs buckets up to 20 s (values above land in the last bucket;
// the exact maximum is kept). Owned by one thread; reset between measurement windows.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace hallcast::bench {

class Histogram {
 public:
  static constexpr uint64_t kBucketUs = 20;
  static constexpr uint64_t kMaxUs = 20'000'000;

  Histogram() : buckets_(kMaxUs / kBucketUs + 1, 0) {}

  void add(int64_t value_us) {
    uint64_t v = value_us < 0 ? 0 : static_cast<uint64_t>(value_us);
    buckets_[std::min<uint64_t>(v / kBucketUs, buckets_.size() - 1)]++;
    max_us_ = std::max(max_us_, v);
    ++count_;
  }
  void reset() {
    std::fill(buckets_.begin(), buckets_.end(), 0);
    count_ = 0;
    max_us_ = 0;
  }
  uint64_t count() const { return count_; }
  uint64_t max_us() const { return max_us_; }
  // Upper edge of the bucket holding the q-quantile (0 < q <= 1), in µs; 0 when empty.
  uint64_t quantile_us(double q) const {
    if (count_ == 0) return 0;
    uint64_t rank = static_cast<uint64_t>(q * static_cast<double>(count_));
    if (rank >= count_) rank = count_ - 1;
    uint64_t seen = 0;
    for (size_t i = 0; i < buckets_.size(); ++i) {
      seen += buckets_[i];
      if (seen > rank) return std::min<uint64_t>((i + 1) * kBucketUs, max_us_);
    }
    return max_us_;
  }

 private:
  std::vector<uint64_t> buckets_;
  uint64_t count_ = 0;
  uint64_t max_us_ = 0;
};

}  // namespace hallcast::bench
