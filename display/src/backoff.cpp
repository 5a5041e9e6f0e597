#include "hallcast/display/backoff.hpp"

#include <algorithm>

namespace hallcast::display {

int Backoff::next_ms() {
  long delay = initial_ms_;
  for (int i = 0; i < attempt_ && delay < max_ms_; ++i) delay *= 2;
  ++attempt_;
  return static_cast<int>(std::min<long>(delay, max_ms_));
}

}  // namespace hallcast::display
