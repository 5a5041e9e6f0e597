// Aligns captions and titles with the picture.
//
// Each media fragment carries its capture wall-clock time; the player tells this clock which
// position on the video timeline that fragment starts at. A caption stamped with wall-clock
// time t (ms, by the relay when it arrived) belongs to the picture captured at t, which is shown
// when video.currentTime reaches   t - (captureMs - mediaSec * 1000)   (in seconds).
// Items are held until then: never shown before the speaker is seen saying them. When there is
// no mapping (no video, offline, just reset) or the wait would be absurd (clocks apart), items
// are released at once so text is never lost.
// Pure logic: no DOM; the owner calls release() from a timer with the video's currentTime.

export const DEFAULT_MAX_HOLD_MS = 12000;  // longer waits mean the clocks disagree: show now

export class CaptionClock {
  constructor({ maxHoldMs = DEFAULT_MAX_HOLD_MS, now = () => Date.now() } = {}) {
    this.maxHoldMs = maxHoldMs;
    this.now = now;        // wall clock (ms); injectable for tests
    this.offsetMs = null;  // captureMs - mediaSec*1000 of the latest fragment
    this.pending = [];     // [{at: mediaSec, item}] in arrival order
  }

  // A fragment starting at mediaSec (video timeline, seconds) captured at captureMs.
  observeFragment(mediaSec, captureMs) {
    if (!Number.isFinite(mediaSec) || !Number.isFinite(captureMs) || captureMs <= 0) return;
    this.offsetMs = captureMs - mediaSec * 1000;
  }

  // Forget the mapping (new init segment, publisher change, stream offline).
  reset() {
    this.offsetMs = null;
  }

  // The video time (seconds) at which something stamped with wall-clock tMs is on screen;
  // null if unknown.
  mediaTimeFor(tMs) {
    if (this.offsetMs === null || !Number.isFinite(tMs)) return null;
    return (tMs - this.offsetMs) / 1000;
  }

  // Queues an item stamped tMs. Returns true if it may be shown at once (then it is not queued).
  // currentSec: the video's currentTime now, or null if no video is playing.
  schedule(item, tMs, currentSec) {
    const at = this.mediaTimeFor(tMs);
    if (at === null || currentSec === null || !Number.isFinite(currentSec)) {
      if (this.pending.length === 0) return true;
      this.pending.push({ at: -Infinity, item, since: this.now() });  // keep order
      return false;
    }
    if (at <= currentSec && this.pending.length === 0) return true;
    if ((at - currentSec) * 1000 > this.maxHoldMs) {
      this.pending.push({ at: -Infinity, item, since: this.now() });
      return false;
    }
    this.pending.push({ at, item, since: this.now() });
    return false;
  }

  // Items due at currentSec (null = no video: everything is due), in order. An item is due when
  // it and every item queued before it are due, so lines never overtake each other. Nothing is
  // held longer than maxHoldMs of wall-clock time (a frozen video must not swallow captions).
  release(currentSec) {
    const due = [];
    const now = this.now();
    while (this.pending.length > 0) {
      const head = this.pending[0];
      const noVideo = currentSec === null || !Number.isFinite(currentSec);
      const tooFar = !noVideo && (head.at - currentSec) * 1000 > this.maxHoldMs;
      const tooLong = now - head.since > this.maxHoldMs;
      if (!noVideo && !tooFar && !tooLong && head.at > currentSec) break;
      due.push(head.item);
      this.pending.shift();
    }
    return due;
  }

  // Everything held, at once (used when the video goes away).
  flush() {
    const due = this.pending.map((p) => p.item);
    this.pending = [];
    return due;
  }
}
