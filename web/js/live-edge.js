// How far behind the live edge a MediaSource player plays, and how it gets there: the
// cushion (buffered media ahead of the playhead) is held near a target by nudging
// playbackRate, never by seeking; a seek only for a big drift (LivePlayer does it).
//
// The cushion seen at one instant is a sawtooth: it grows by a fragment when one arrives and
// shrinks in between, and arrivals jitter with the network and the CPU. What protects against
// a stall is its low-water mark, the smallest cushion over the last lowWaterS, so that is what
// starts a nudge: above target + catchUpBandS play at catchUpRate, below target - slowDownBandS
// at slowDownRate. What ends one is the low-water mark of the last recentS only (still longer
// than a fragment): a nudge ended by the whole window's mark overshoots by what it gained while
// the window forgot (a dip's slow-down went on for a second and left the cushion 50 ms over the
// target, which then needed a catch-up). After a nudge the window starts again from recentS.
// Far over the target (above target + fastCatchUpBandS over recentS: after a stall, Chromium
// resumes with 0.3-0.5 s buffered) play at fastCatchUpRate, with the pitch kept (the player's
// part), until within catchUpBandS: at catchUpRate such a recovery took four seconds.
// Each playback stall widens the target by stallStepS (up to maxTargetS); stallFreeS without
// one narrows it by narrowStepS, down to the configured target.
// Pure logic, no DOM (unit-tested with node --test). Owned by the page's main thread.

export class LiveEdge {
  // params: the player's LIVE table, read at each call (the page may adjust it).
  constructor(params) {
    this.p = params;
    this.targetS = params.targetLatencyS;
    this.rate = 1;
    this.fast = false;       // catching up at fastCatchUpRate
    this.samples = [];       // [timeMs, cushionS] within the last lowWaterS
    this.lowWaterS = null;
    this.lastChangeAt = null;  // last widening or narrowing of the target (ms)
    this.stalls = 0;
  }

  // Forget the cushion history (after a seek or a rebuild); the target is kept.
  reset() {
    this.samples = [];
    this.lowWaterS = null;
    this.rate = 1;
    this.fast = false;
  }

  // A playback stall (the buffer ran dry): play further behind from now on.
  stall(nowMs) {
    this.stalls += 1;
    this.targetS = Math.min(this.p.maxTargetS, this.targetS + this.p.stallStepS);
    this.lastChangeAt = nowMs;
    this.samples = [];
  }

  // cushionS: newest buffered time minus the playhead. Returns the playbackRate to use.
  update(nowMs, cushionS) {
    const p = this.p;
    this.relax(nowMs);
    this.samples.push([nowMs, cushionS]);
    while (this.samples.length && this.samples[0][0] < nowMs - p.lowWaterS * 1000) this.samples.shift();
    let low = Infinity;
    let recent = Infinity;
    for (const [t, c] of this.samples) {
      low = Math.min(low, c);
      if (t >= nowMs - p.recentS * 1000) recent = Math.min(recent, c);
    }
    this.lowWaterS = low;
    const spanMs = nowMs - this.samples[0][0];
    const excess = low - this.targetS;
    const recentExcess = recent - this.targetS;
    if (this.fast) {
      if (recentExcess > p.catchUpBandS) return this.rate;
      this.fast = false;
      this.settle(nowMs, p.catchUpRate);
    } else if (spanMs >= p.recentS * 1000 && recentExcess > p.fastCatchUpBandS) {
      this.fast = true;
      this.rate = p.fastCatchUpRate;
      return this.rate;
    }
    if (this.rate > 1) {
      if (recentExcess <= p.catchUpBandS / 2) this.settle(nowMs, 1);
      return this.rate;
    }
    if (this.rate < 1) {
      if (recentExcess >= 0) this.settle(nowMs, 1);
      return this.rate;
    }
    // Judge the low-water mark only once it spans half its window (after a reset it would lag).
    if (spanMs < p.lowWaterS * 500) return this.rate;
    if (excess > p.catchUpBandS) this.rate = p.catchUpRate;
    else if (excess < -p.slowDownBandS) this.rate = p.slowDownRate;
    return this.rate;
  }

  // Ends a nudge: the window keeps only the last recentS, which no longer holds what started it.
  settle(nowMs, rate) {
    this.rate = rate;
    const from = nowMs - this.p.recentS * 1000;
    this.samples = this.samples.filter(([t]) => t >= from);
  }

  relax(nowMs) {
    if (this.lastChangeAt === null) this.lastChangeAt = nowMs;
    if (this.targetS <= this.p.targetLatencyS) {
      this.targetS = this.p.targetLatencyS;
      return;
    }
    if (nowMs - this.lastChangeAt < this.p.stallFreeS * 1000) return;
    this.targetS = Math.max(this.p.targetLatencyS, this.targetS - this.p.narrowStepS);
    this.lastChangeAt = nowMs;
  }
}

// Session 1's policy (`&edge=legacy`, kept for the latency bench's comparison): aim
// targetS + slackS behind the newest frame, catchUpRate while more than catchUpBandS further.
export function legacyRate(behindS, targetS, slackS, p) {
  return behindS > targetS + slackS + p.catchUpBandS ? p.catchUpRate : 1.0;
}
