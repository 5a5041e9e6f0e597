// ?measure=1 on the viewer page: capture-to-render latency of every frame the page presents,
// and playback stalls, exposed as globalThis.hallcastLatency for benchmarks and tests
// (bench/latency, docs/latency.md). Two readings per frame, from requestVideoFrameCallback:
//   stamp:  the capture time painted into the picture (hallcast-streamer --stamp-capture-time),
//           read back from a canvas copy of the frame;
//   header: the capture time the streamer put in the media header of the fragment holding
//           the frame (matched on its media time) — works on any stream, stamped or not.
// Render time = the frame's expected display time on the wall clock. Stalls: `waiting` events
// while playing, and gaps over STALL_GAP_MS between presented frames.
// Owned by the page's main thread.

import { decodeStamp, rgbaSampler, stampGrid, summarize } from './viewer-stamp.js';

const STALL_GAP_MS = 200;
const MAX_SAMPLES = 200000;
const MAX_FRAGMENTS = 600;

export function startMeasuring(video, player) {
  const m = {
    stamp: [],          // ms per stamped frame
    header: [],         // ms per frame matched to its fragment header
    frames: 0,
    unstamped: 0,
    waiting: 0,         // `waiting` events after playback started
    stalls: 0,          // gaps over STALL_GAP_MS between presented frames
    maxGapMs: 0,
    summary() {
      return { stamp: summarize(m.stamp), header: summarize(m.header), frames: m.frames,
        unstamped: m.unstamped, waiting: m.waiting, stalls: m.stalls, max_gap_ms: m.maxGapMs };
    },
    reset() {
      m.stamp = []; m.header = []; m.frames = 0; m.unstamped = 0;
      m.waiting = 0; m.stalls = 0; m.maxGapMs = 0; lastWall = 0;
    },
  };
  globalThis.hallcastLatency = m;

  // Fragment media start (s) -> capture time (ms), from the player's caption clock feed.
  const fragments = new Map();
  const clock = player.clock;
  if (clock) {
    const observe = clock.observeFragment.bind(clock);
    clock.observeFragment = (mediaS, captureMs) => {
      fragments.set(Math.round(mediaS * 1000), captureMs);
      if (fragments.size > MAX_FRAGMENTS) fragments.delete(fragments.keys().next().value);
      observe(mediaS, captureMs);
    };
  }

  let playing = false;
  video.addEventListener('playing', () => { playing = true; });
  video.addEventListener('waiting', () => { if (playing) m.waiting += 1; });

  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  let lastWall = 0;

  const onFrame = (now, meta) => {
    const wallMs = performance.timeOrigin + (meta.expectedDisplayTime || now);
    m.frames += 1;
    if (lastWall) {
      const gap = wallMs - lastWall;
      m.maxGapMs = Math.max(m.maxGapMs, gap);
      if (gap > STALL_GAP_MS) m.stalls += 1;
    }
    lastWall = wallMs;
    const captured = readStamp(video, meta, canvas, ctx, wallMs);
    if (captured === null) m.unstamped += 1;
    else if (m.stamp.length < MAX_SAMPLES) m.stamp.push(wallMs - captured / 1000);
    const headerMs = fragments.get(Math.round(meta.mediaTime * 1000));
    if (headerMs !== undefined && m.header.length < MAX_SAMPLES) m.header.push(wallMs - headerMs);
    video.requestVideoFrameCallback(onFrame);
  };
  if ('requestVideoFrameCallback' in HTMLVideoElement.prototype) {
    video.requestVideoFrameCallback(onFrame);
  } else {
    console.warn('hallcast: requestVideoFrameCallback is not supported: no latency measurement');
  }
  return m;
}

// Copies only the stamp's band of the frame and decodes it; null if there is none.
function readStamp(video, meta, canvas, ctx, wallMs) {
  const width = meta.width || video.videoWidth;
  const height = meta.height || video.videoHeight;
  const g = stampGrid(width, height);
  if (!g) return null;
  const left = g.x0;
  const top = g.y0;
  if (canvas.width !== g.width || canvas.height !== g.height) {
    canvas.width = g.width;
    canvas.height = g.height;
  }
  const sx = video.videoWidth / width;
  const sy = video.videoHeight / height;
  ctx.drawImage(video, left * sx, top * sy, g.width * sx, g.height * sy, 0, 0, g.width, g.height);
  const image = ctx.getImageData(0, 0, g.width, g.height);
  return decodeStamp(rgbaSampler(image, left, top), width, height, wallMs * 1000);
}
