#include "hallcast/relay/fanout_timer.hpp"

#include <algorithm>

namespace hallcast::relay {

FanoutTimer::Record* FanoutTimer::find(uint64_t seq) {
  // Newest first: a fragment is nearly always settled before the next one arrives.
  for (auto it = open_.rbegin(); it != open_.rend(); ++it)
    if (it->seq == seq) return &*it;
  return nullptr;
}

void FanoutTimer::begin(uint64_t seq, int64_t arrived_ns) {
  if (open_.size() >= kMaxOpen) {
    close(open_.front());
    open_.pop_front();
  }
  Record r;
  r.seq = seq;
  r.arrived_ns = arrived_ns;
  open_.push_back(std::move(r));
}

void FanoutTimer::target(uint64_t seq) {
  if (Record* r = find(seq); r && !r->known) ++r->targets;
}

void FanoutTimer::targets_known(uint64_t seq) {
  Record* r = find(seq);
  if (!r || r->known) return;
  r->known = true;
  size_t k = (r->targets + 1) / 2;  // the median target's rank
  if (k > 0 && r->early.size() >= k) {
    // Handoffs timed on several threads are reported after the fact, not in time order.
    auto kth = r->early.begin() + static_cast<std::ptrdiff_t>(k - 1);
    std::nth_element(r->early.begin(), kth, r->early.end());
    r->median_ns = *kth;
  }
  r->early.clear();
  r->early.shrink_to_fit();
  settle(*r);
}

void FanoutTimer::handed(uint64_t seq, int64_t at_ns) {
  Record* r = find(seq);
  if (!r) return;
  ++r->handed;
  r->last_ns = std::max(r->last_ns, at_ns);
  if (!r->known) {
    r->early.push_back(at_ns);
    return;
  }
  if (r->median_ns < 0 && r->handed == (r->targets + 1) / 2) r->median_ns = at_ns;
  settle(*r);
}

void FanoutTimer::dropped(uint64_t seq) {
  Record* r = find(seq);
  if (!r) return;
  ++r->dropped;
  if (r->known) settle(*r);
}

void FanoutTimer::settle(Record& r) {
  if (!r.known || r.handed + r.dropped < r.targets) return;
  close(r);
  for (auto it = open_.begin(); it != open_.end(); ++it)
    if (&*it == &r) {
      open_.erase(it);
      return;
    }
}

// A fragment no target got (or that had none) is not observed.
void FanoutTimer::close(const Record& r) {
  if (r.handed == 0) return;
  last_.observe(static_cast<double>(r.last_ns - r.arrived_ns) / 1e9);
  int64_t median = r.median_ns >= 0 ? r.median_ns : r.last_ns;
  median_.observe(static_cast<double>(median - r.arrived_ns) / 1e9);
}

}  // namespace hallcast::relay
