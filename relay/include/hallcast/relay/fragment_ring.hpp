// The media of one hall: the current init segment and a ring of recent fragments (each a shared
// buffer, never copied per viewer), plus a per-viewer cursor. Pure logic, no sockets: tested on
// its own. Owned by the relay's service thread.
//
// Invariants:
//  - the ring always holds every fragment since the last keyframe (the GOP cache), so a joining
//    viewer gets init + that GOP and can decode from its first fragment;
//  - older fragments are kept only while they are younger than the backlog window;
//  - a viewer whose next fragment is older than the backlog window (or already dropped from the
//    ring) skips to the newest keyframe; a viewer behind for longer than the lag limit is cut.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

#include "hallcast/relay/shared_buffer.hpp"

namespace hallcast::relay {

struct RingLimits {
  int64_t backlog_ms = 3000;          // a viewer further behind skips to the next keyframe
  int64_t lag_disconnect_ms = 15000;  // behind (without catching up) this long: disconnected
  size_t max_fragments = 4096;        // hard bound on the ring, whatever the timing
};

// Where one viewer is in its hall's stream.
struct ViewerCursor {
  uint64_t init_generation = 0;  // the init segment it was sent (0 = none yet)
  uint64_t next_seq = 0;         // next fragment to send
  int64_t behind_since_ms = -1;  // first skip/lag without catching up since; -1 = keeping up
  uint64_t skips = 0;
  uint64_t skipped_fragments = 0;
};

enum class NextKind { Nothing, Send, Disconnect };

struct Next {
  NextKind kind = NextKind::Nothing;
  BufferRef buffer;  // for Send
};

class FragmentRing {
 public:
  explicit FragmentRing(RingLimits limits) : limits_(limits) {}

  // A new init segment (publisher (re)connected or changed format): the ring restarts, every
  // viewer gets the new init before further fragments.
  void set_init(BufferRef init, int64_t now_ms);
  // Appends a fragment; a fragment before the first keyframe after an init is dropped (nobody
  // could decode it) and false is returned.
  bool push(BufferRef fragment, bool keyframe, int64_t now_ms);
  // The publisher left: keep nothing (viewers stay, they wait for the next init).
  void clear();

  bool live() const { return init_ != nullptr; }
  uint64_t init_generation() const { return generation_; }
  size_t size() const { return ring_.size(); }
  uint64_t newest_seq() const { return next_seq_ == 0 ? 0 : next_seq_ - 1; }
  size_t gop_fragments() const;  // fragments since the newest keyframe (what a joiner gets)

  // What to send to this viewer now (and advances its cursor), or Disconnect when it has been
  // behind past the lag limit.
  Next next(ViewerCursor& c, int64_t now_ms) const;
  // True when the viewer has nothing pending.
  bool caught_up(const ViewerCursor& c) const;
  // True when the viewer is keeping up and lacks only the newest fragment (the live edge).
  bool only_newest_pending(const ViewerCursor& c) const;
  // Checks only the lag limit (for viewers whose socket is not writeable).
  bool lagging_out(ViewerCursor& c, int64_t now_ms) const;

 private:
  struct Entry {
    uint64_t seq;
    BufferRef buffer;
    bool keyframe;
    int64_t arrival_ms;
  };
  const Entry* find(uint64_t seq) const;
  void prune(int64_t now_ms);
  void skip_to_keyframe(ViewerCursor& c, int64_t now_ms) const;

  RingLimits limits_;
  BufferRef init_;
  uint64_t generation_ = 0;
  std::deque<Entry> ring_;
  uint64_t next_seq_ = 1;                 // sequence the next pushed fragment gets
  std::optional<uint64_t> last_key_seq_;  // newest keyframe in the ring
};

}  // namespace hallcast::relay
