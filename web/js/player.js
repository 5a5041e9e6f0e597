// Live fMP4 player on MediaSource (or ManagedMediaSource, which iPhone Safari offers instead).
//
// Feed it the relay's binary frames (media-frame.js): an init segment (re)builds the MediaSource
// with the codecs read from its moov; fragments are appended in order from a keyframe on. A tick
// keeps playback near the live edge (a little faster when behind, a jump when far behind, over
// gaps and stalls) and trims old buffer. A decode error rebuilds from the last init segment and
// waits for the next keyframe, so the player recovers without a page reload.
// Owned by the page's main thread.

import { KIND_INIT, parseMediaFrame } from './media-frame.js';
import { LiveEdge, legacyRate } from './live-edge.js';
import { fragmentStartSeconds, fragmentTrackIds, keepTracks, parseInit } from './mp4.js';

export const LIVE = {
  // The live edge (live-edge.js): hold the low-water mark of the cushion (buffered media ahead
  // of the playhead, its smallest value over the last lowWaterS) at targetLatencyS by nudging
  // playbackRate. Chromium resumes from an audio underflow only once 0.2-0.4 s are buffered
  // (docs/latency.md), so a stall costs far more latency than a cushion that avoids it.
  targetLatencyS: 0.1,
  lowWaterS: 1.0,
  catchUpBandS: 0.04,      // low-water above target + this: catchUpRate (back at half of it: 1.0)
  catchUpRate: 1.1,
  slowDownBandS: 0.02,     // low-water below target - this: slowDownRate (back at target: 1.0)
  slowDownRate: 0.95,
  recentS: 0.3,            // a nudge ends on the low-water mark of this last part of the window
  // Far over the target (after a stall Chromium resumes with 0.3-0.5 s buffered): catch up at
  // fastCatchUpRate with the pitch kept (the cushion is then large enough for time stretch)
  // until within catchUpBandS. At catchUpRate it took 4 s, 7 % of a minute's frames.
  fastCatchUpBandS: 0.15,
  fastCatchUpRate: 1.4,
  // Chromium keeps the pitch at a rate other than 1 with WSOLA, which needs ~50 ms of decoded
  // audio ahead and underflows (a stall) when the cushion is thin; plain resampling needs ~10 ms
  // and shifts the pitch by the rate (±5 %, for the seconds a nudge lasts). The fast catch-up
  // always keeps the pitch.
  preservesPitch: false,
  // Each playback stall (the buffer ran dry: a slow or busy device, network jitter) widens
  // the target by stallStepS, up to maxTargetS; stallFreeS without a stall narrows it by
  // narrowStepS, down to targetLatencyS.
  stallStepS: 0.04,
  maxTargetS: 0.6,
  stallFreeS: 20,
  narrowStepS: 0.01,
  // Further behind than this (plus a fragment): jump to the edge rather than catch up. A late
  // joiner starts at the edge anyway; this is for big drift (a suspended tab, a long stall).
  jumpBehindS: 1.5,
  // currentTime frozen this long with data ahead: seek to the edge. Chromium resumes from an
  // audio underflow only once 0.2 s are buffered, and doubles that after each one (up to 3 s)
  // until a seek resets it: the second stall would last 0.4 s, the third 0.8 s.
  stallS: 0.5,
  // In the first joinWindowS after playback starts, more than joinSlackS (plus a fragment)
  // over the target: jump to the edge, up to joinMaxJumps times. The join's backlog may still
  // be arriving when playback starts, and the decoder's first seconds can leave the playhead
  // behind again after a jump; catching up at catchUpRate took seconds (0.86 s behind at the
  // start of a measured minute, 10 s to catch up). A stall in this window is start-up, not the
  // device or the network: it does not widen the target (a widened target narrows only
  // narrowStepS per stallFreeS).
  joinWindowS: 3,
  joinSlackS: 0.1,
  joinMaxJumps: 3,
  backBufferS: 12,         // keep this much played media; trim the rest
  // Fragments waiting for the SourceBuffer; beyond: drop to a keyframe. One fragment per video
  // frame and one per audio frame: ~80 a second with AAC, ~130 with Opus (10 ms frames), so
  // about 7 s or 4.5 s, more than a joiner's GOP cache (2 s keyframe interval).
  maxQueue: 600,
  audioWaitS: 0.5,         // a declared audio track with no samples this long: play video only
  maxGop: 1500,            // fragments kept since the last keyframe (to replay after a rebuild)
  tickMs: 50,              // live-edge checks: ~20 cushion samples per low-water window
};

// `&edge=legacy` on the page: session 1's live-edge rule (viewer.js sets its numbers in LIVE).
const LEGACY_EDGE = new URLSearchParams(globalThis.location?.search ?? '').get('edge') === 'legacy';
const LEGACY_STALL_S = 2.0;

export function mediaSourceClass() {
  return globalThis.ManagedMediaSource || globalThis.MediaSource || null;
}

export class LivePlayer {
  // onStatus({state: 'idle'|'buffering'|'playing'|'unsupported'|'codec', codec}), clock: an
  // optional CaptionClock told each fragment's video time and capture time.
  constructor(video, { onStatus = () => {}, clock = null } = {}) {
    this.video = video;
    this.onStatus = onStatus;
    this.clock = clock;
    this.MS = mediaSourceClass();
    this.ms = null;
    this.sb = null;
    this.objectUrl = '';
    this.init = null;        // {bytes, info} of the current init segment
    this.queue = [];
    this.gop = [];
    this.waitKeyframe = true;
    this.started = false;
    this.fragmentS = 0;      // estimated fragment duration
    this.lastStartS = null;
    this.lastTime = 0;
    this.frozenSince = 0;
    this.startedAt = 0;
    this.joinJumps = 0;
    this.status = 'idle';
    this.generation = 0;     // MediaSources built so far (diagnostics, tests)
    this.timer = setInterval(() => this.tick(), LIVE.tickMs);
    this.edge = new LiveEdge(LIVE);
    video.addEventListener('error', () => this.rebuild());
    video.addEventListener('waiting', () => this.onStall());
    // Playing again (after a stall, a seek or the start): the cushion seen while it waited
    // says nothing about now, and would hold a slow-down on top of the stall's own delay.
    video.addEventListener('playing', () => this.edge.reset());
    if (!this.MS) this.setStatus('unsupported');
  }

  // True in the first joinWindowS after playback started.
  get joining() {
    return this.started && performance.now() - this.startedAt < LIVE.joinWindowS * 1000;
  }

  // The live-edge target now (widened by stalls), seconds.
  get targetS() {
    return this.edge.targetS;
  }

  setStatus(state, extra = {}) {
    if (state === this.status && !extra.codec) return;
    this.status = state;
    this.onStatus({ state, ...extra });
  }

  // The video time now, or null if nothing is playing (for the caption clock).
  currentSeconds() {
    const v = this.video;
    if (!this.started || !this.sb || v.readyState < 1) return null;
    return v.currentTime;
  }

  // One binary frame from the relay.
  handleFrame(data) {
    if (!this.MS) return;
    const frame = parseMediaFrame(data);
    if (!frame) return;
    if (frame.kind === KIND_INIT) {
      this.handleInit(frame.payload);
      return;
    }
    if (!this.init) return;
    if (this.waitKeyframe && !frame.keyframe) return;
    this.waitKeyframe = false;
    // The streamer sends each audio frame as soon as it is encoded, in a fragment of its own
    // (audioOnly): it adds to the buffer but says nothing about the video's pace or times.
    const audioOnly = frame.audioOnly === true;
    if (audioOnly && !this.init.audioTrack) return;  // playing video only (checkAudio)
    const startS = audioOnly ? null : fragmentStartSeconds(frame.payload, this.init.info.video);
    const mediaS = startS ?? frame.mediaTimeUs / 1e6;
    if (!audioOnly) {
      if (this.lastStartS !== null && mediaS > this.lastStartS) {
        const d = mediaS - this.lastStartS;
        this.fragmentS = this.fragmentS ? this.fragmentS * 0.8 + d * 0.2 : d;
      }
      this.lastStartS = mediaS;
    }
    const item = { bytes: frame.payload, mediaS, captureMs: frame.captureTimeUs / 1000, audioOnly };
    if (frame.keyframe) this.gop = [item];
    else if (this.gop.length < LIVE.maxGop) this.gop.push(item);
    if (this.checkAudio(frame.payload, mediaS)) return;
    if (this.queue.length >= LIVE.maxQueue) {
      this.queue = this.queue.filter((q) => q.init);
      this.waitKeyframe = !frame.keyframe;
      if (this.waitKeyframe) return;
    }
    this.queue.push(item);
    this.pump();
  }

  // MediaSource only plays where every declared track has data: a stream whose init segment
  // declares audio but whose fragments carry none would never start. After audioWaitS of video
  // without audio, rebuild with the audio track removed and replay the current GOP.
  // Returns true if it rebuilt (the fragment is then already queued).
  checkAudio(payload, mediaS) {
    const audio = this.init.audioTrack;
    if (!audio || this.init.audioSeen) return false;
    if (fragmentTrackIds(payload).includes(audio)) {
      this.init.audioSeen = true;
      return false;
    }
    if (this.init.firstS === undefined) this.init.firstS = mediaS;
    if (mediaS - this.init.firstS < LIVE.audioWaitS) return false;
    const bytes = keepTracks(this.init.bytes, [this.init.info.video.trackId]);
    const info = parseInit(bytes);
    if (!info || !this.MS.isTypeSupported(info.mime)) return false;
    console.warn(`hallcast: no audio in the stream after ${LIVE.audioWaitS} s: playing video only`);
    const gop = this.gop;
    this.init = { bytes, info, audioTrack: 0 };
    this.rebuild();
    this.queue.push(...gop);
    this.waitKeyframe = false;
    return true;
  }

  handleInit(bytes) {
    const info = parseInit(bytes);
    if (!info) return;
    if (!this.MS.isTypeSupported(info.mime)) {
      this.init = null;
      this.setStatus('codec', { codec: info.codecs.join(', ') });
      return;
    }
    const audio = info.video ? info.tracks.find((tr) => tr.handler === 'soun') : null;
    this.init = { bytes: bytes.slice(), info, audioTrack: audio ? audio.trackId : 0 };
    this.gop = [];
    this.rebuild();
  }

  // A fresh MediaSource for the current init segment; playback resumes at the next keyframe.
  rebuild() {
    this.teardown();
    if (!this.init) return;
    const ms = new this.MS();
    this.ms = ms;
    this.generation += 1;
    this.queue = [{ bytes: this.init.bytes, init: true }];
    this.waitKeyframe = true;
    this.started = false;
    this.fragmentS = 0;
    this.lastStartS = null;
    this.edge.reset();
    if (this.clock) this.clock.reset();
    if (globalThis.ManagedMediaSource && ms instanceof globalThis.ManagedMediaSource) {
      this.video.disableRemotePlayback = true;
    }
    ms.addEventListener('sourceopen', () => this.onSourceOpen(ms), { once: true });
    this.objectUrl = URL.createObjectURL(ms);
    this.video.src = this.objectUrl;
    this.setStatus('buffering');
  }

  onSourceOpen(ms) {
    if (ms !== this.ms) return;
    URL.revokeObjectURL(this.objectUrl);
    try {
      this.sb = ms.addSourceBuffer(this.init.info.mime);
    } catch (err) {
      this.setStatus('codec', { codec: this.init.info.codecs.join(', ') });
      return;
    }
    this.sb.mode = 'segments';
    this.sb.addEventListener('updateend', () => this.onUpdateEnd());
    this.pump();
  }

  teardown() {
    this.sb = null;
    if (this.ms) {
      const old = this.ms;
      this.ms = null;
      try { if (old.readyState === 'open') old.endOfStream(); } catch { /* already closed */ }
    }
    this.queue = [];
  }

  pump() {
    const sb = this.sb;
    if (!sb || sb.updating || this.queue.length === 0) return;
    const item = this.queue[0];
    try {
      sb.appendBuffer(item.bytes);
    } catch (err) {
      if (err.name === 'QuotaExceededError') {
        this.trim(true);
        return;
      }
      this.rebuild();
      return;
    }
    this.queue.shift();
    if (!item.init && !item.audioOnly && this.clock) {
      this.clock.observeFragment(item.mediaS, item.captureMs);
    }
  }

  onUpdateEnd() {
    if (!this.sb) return;
    // Start once what came with the join (the relay's GOP cache, up to a GOP) is appended:
    // started at the first fragment, a late joiner began up to a GOP behind the edge and spent
    // seconds catching up at catchUpRate.
    if (!this.started && this.queue.length === 0) this.startPlayback();
    this.pump();
  }

  startPlayback() {
    const b = this.sb.buffered;
    if (b.length === 0) return;
    const end = b.end(b.length - 1);
    this.video.currentTime = Math.max(b.start(b.length - 1), end - this.targetS);
    this.started = true;
    this.startedAt = performance.now();
    this.joinJumps = 0;
    this.lastTime = this.video.currentTime;
    this.frozenSince = performance.now();
    const p = this.video.play();
    if (p && p.catch) {
      p.catch(() => {
        // Autoplay with sound refused: play muted; the page offers an unmute button.
        this.video.muted = true;
        this.video.play().catch(() => {});
      });
    }
  }

  tick() {
    const sb = this.sb;
    const v = this.video;
    if (!sb || !this.started) return;
    const b = sb.buffered;
    if (b.length === 0) return;
    const end = b.end(b.length - 1);
    const slack = this.fragmentS;
    const behind = end - v.currentTime;
    const now = performance.now();
    if (v.currentTime !== this.lastTime || v.paused) {
      this.lastTime = v.currentTime;
      this.frozenSince = now;
    }
    const stallS = LEGACY_EDGE ? LEGACY_STALL_S : LIVE.stallS;
    const frozen = now - this.frozenSince > stallS * 1000 && behind > 0.3;
    const joinJump = !LEGACY_EDGE && this.joining && !v.seeking &&
      this.joinJumps < LIVE.joinMaxJumps && behind > this.edge.targetS + LIVE.joinSlackS + slack;
    if (joinJump) this.joinJumps += 1;
    if (behind > LIVE.jumpBehindS + slack || frozen || joinJump || !this.inBuffered(v.currentTime)) {
      const target = Math.max(b.start(b.length - 1), end - this.edge.targetS);
      if (Math.abs(target - v.currentTime) > 0.1) {
        v.currentTime = target;
        this.edge.reset();
      }
      this.frozenSince = now;
    }
    let rate = v.playbackRate;
    if (LEGACY_EDGE) rate = legacyRate(behind, this.edge.targetS, slack, LIVE);
    else if (!v.paused && !v.seeking) rate = this.edge.update(now, behind);
    const pitch = this.edge.fast || LIVE.preservesPitch;
    if (v.preservesPitch !== pitch && !LEGACY_EDGE) v.preservesPitch = pitch;
    if (v.playbackRate !== rate) v.playbackRate = rate;
    if (v.paused && !v.ended && v.readyState >= 3 && !this.userPaused) v.play().catch(() => {});
    this.setStatus(v.readyState >= 3 && !v.paused ? 'playing' : 'buffering');
    this.trim(false);
  }

  onStall() {
    if (!this.started || this.video.seeking || this.joining) return;
    this.edge.stall(performance.now());
  }

  inBuffered(t) {
    const b = this.sb.buffered;
    for (let i = 0; i < b.length; i += 1) if (t >= b.start(i) - 0.05 && t <= b.end(i)) return true;
    return false;
  }

  trim(urgent) {
    const sb = this.sb;
    if (!sb || sb.updating) return;
    const b = sb.buffered;
    if (b.length === 0) return;
    const keep = urgent ? 2 : LIVE.backBufferS;
    const cut = this.video.currentTime - keep;
    if (cut - b.start(0) > (urgent ? 0 : 3)) {
      try { sb.remove(b.start(0), cut); } catch { /* retried next tick */ }
    }
  }

  // Latency of what is on screen behind the newest capture (ms), or null if unknown.
  latencyMs() {
    const s = this.currentSeconds();
    if (s === null || !this.clock || this.clock.offsetMs === null) return null;
    return Date.now() - (this.clock.offsetMs + s * 1000);
  }

  destroy() {
    clearInterval(this.timer);
    this.teardown();
  }
}
