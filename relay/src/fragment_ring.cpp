#include "hallcast/relay/fragment_ring.hpp"

namespace hallcast::relay {

void FragmentRing::set_init(BufferRef init, int64_t now_ms) {
  (void)now_ms;
  init_ = std::move(init);
  ++generation_;
  ring_.clear();
  last_key_seq_.reset();
}

bool FragmentRing::push(BufferRef fragment, bool keyframe, int64_t now_ms) {
  if (!init_) return false;
  if (!keyframe && !last_key_seq_) return false;  // undecodable until the first keyframe
  uint64_t seq = next_seq_++;
  ring_.push_back(Entry{seq, std::move(fragment), keyframe, now_ms});
  if (keyframe) last_key_seq_ = seq;
  prune(now_ms);
  return true;
}

void FragmentRing::clear() {
  init_.reset();
  ring_.clear();
  last_key_seq_.reset();
}

void FragmentRing::prune(int64_t now_ms) {
  // Keep the whole current GOP; before it, only what is inside the backlog window.
  while (!ring_.empty() && ring_.front().seq < *last_key_seq_ &&
         (now_ms - ring_.front().arrival_ms > limits_.backlog_ms ||
          ring_.size() > limits_.max_fragments))
    ring_.pop_front();
  // A GOP longer than the hard bound: restart from nothing until the next keyframe.
  if (ring_.size() > limits_.max_fragments) {
    ring_.clear();
    last_key_seq_.reset();
  }
}

size_t FragmentRing::gop_fragments() const {
  if (!last_key_seq_) return 0;
  return static_cast<size_t>(next_seq_ - *last_key_seq_);
}

const FragmentRing::Entry* FragmentRing::find(uint64_t seq) const {
  if (ring_.empty() || seq < ring_.front().seq || seq > ring_.back().seq) return nullptr;
  return &ring_[static_cast<size_t>(seq - ring_.front().seq)];
}

bool FragmentRing::caught_up(const ViewerCursor& c) const {
  if (!init_) return true;
  if (c.init_generation != generation_) return false;
  return c.next_seq >= next_seq_;
}

bool FragmentRing::only_newest_pending(const ViewerCursor& c) const {
  return init_ && !ring_.empty() && c.init_generation == generation_ && c.behind_since_ms < 0 &&
         c.next_seq + 1 == next_seq_;
}

void FragmentRing::skip_to_keyframe(ViewerCursor& c, int64_t now_ms) const {
  if (!last_key_seq_ || *last_key_seq_ <= c.next_seq) return;
  c.skipped_fragments += *last_key_seq_ - c.next_seq;
  c.next_seq = *last_key_seq_;
  ++c.skips;
  if (c.behind_since_ms < 0) c.behind_since_ms = now_ms;
}

bool FragmentRing::lagging_out(ViewerCursor& c, int64_t now_ms) const {
  if (caught_up(c) || c.init_generation != generation_) return false;
  const Entry* e = find(c.next_seq);
  int64_t age = e ? now_ms - e->arrival_ms : limits_.backlog_ms + 1;  // dropped = too old
  if (age > limits_.backlog_ms && c.behind_since_ms < 0) c.behind_since_ms = now_ms;
  return c.behind_since_ms >= 0 && now_ms - c.behind_since_ms > limits_.lag_disconnect_ms;
}

Next FragmentRing::next(ViewerCursor& c, int64_t now_ms) const {
  if (!init_) return {};
  if (c.init_generation != generation_) {
    // Join (or publisher restart): init, then the GOP cache from its keyframe.
    c.init_generation = generation_;
    c.next_seq = last_key_seq_ ? *last_key_seq_ : next_seq_;
    c.behind_since_ms = -1;
    return {NextKind::Send, init_};
  }
  if (c.next_seq >= next_seq_) {
    c.behind_since_ms = -1;  // caught up
    return {};
  }
  const Entry* e = find(c.next_seq);
  if (!e || now_ms - e->arrival_ms > limits_.backlog_ms) {
    skip_to_keyframe(c, now_ms);
    e = find(c.next_seq);
    if (!e) {  // nothing decodable to jump to yet: wait for the next keyframe
      c.next_seq = next_seq_;
      if (c.behind_since_ms < 0) c.behind_since_ms = now_ms;
      return {};
    }
  }
  if (c.behind_since_ms >= 0 && now_ms - c.behind_since_ms > limits_.lag_disconnect_ms)
    return {NextKind::Disconnect, nullptr};
  ++c.next_seq;
  return {NextKind::Send, e->buffer};
}

}  // namespace hallcast::relay
