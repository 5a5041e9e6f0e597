// ?measure=1 on the viewer page: capture-to-render latency of every frame the page presents,
// and playback stalls, exposed as globalThis.hallcastLatency for benchmarks and tests
// (bench/latency, docs/latency.md). Two readings per frame, from requestVideoFrameCallback:
//   stamp:  the capture time painted into the picture (hallcast-streamer --stamp-capture-time),
//           read back from a canvas copy of the frame;
//   header: the capture time the streamer put in the media header of the fragment holding
//           the frame (matched on its media time) — works on any stream, stamped or not.
// Render time = the frame's expected display time on the wall clock. Stalls: `waiting` events
// while playing, and gaps over STALL_GAP_MS between presented frames. Also: frames decoded and
// dropped (getVideoPlaybackQuality) and, every TRACE_MS, the player's live-edge state (trace).
// &readback=0 skips the picture read (header times only) and &readback=canvas forces the
// canvas read, to measure what the reading itself costs.
// Owned by the page's main thread.

import { KIND_INIT, parseMediaFrame } from './media-frame.js';
import { boxes, findBox, fragmentStartSeconds } from './mp4.js';
import { decodeStamp, planeSampler, rgbaSampler, stampGrid, summarize } from './viewer-stamp.js';

const STALL_GAP_MS = 200;
const MAX_SAMPLES = 200000;
const MAX_FRAGMENTS = 600;
const TRACE_MS = 250;
const MAX_TRACE = 4000;

function quality(video) {
  const q = video.getVideoPlaybackQuality ? video.getVideoPlaybackQuality() : null;
  return q ? { total: q.totalVideoFrames, dropped: q.droppedVideoFrames } : { total: 0, dropped: 0 };
}

export function startMeasuring(video, player) {
  const m = {
    stamp: [],          // ms per stamped frame
    header: [],         // ms per frame matched to its fragment header
    frames: 0,
    firstPresented: null, // rVFC's presentedFrames at the first and last callback of the window
    lastPresented: null,
    unstamped: 0,
    otherFrame: 0,      // stamp not read: the video's current frame was no longer the presented one
    waiting: 0,         // `waiting` events after playback started
    stalls: 0,          // gaps over STALL_GAP_MS between presented frames
    stallsAt: [],       // [wall ms of the frame after the gap, gap ms] of each stall
    maxGapMs: 0,
    longTasks: [],      // [start wall ms, duration ms] of main-thread tasks over 50 ms
    arrival: [],        // ms from capture to the fragment's arrival on the page
    audioLag: [],       // ms the audio in a fragment starts before its video frame (or, in an
                        // audio-only fragment, before the newest video frame received)
    audioArrival: [],   // ms from capture to arrival of each audio-only fragment
    lastVideoS: null,   // start of the newest video fragment received (s)
    trace: [],          // every TRACE_MS: {t, behind, target, rate, total, dropped, late, gap}
    late: 0,            // since the last trace entry: the largest capture-to-arrival ms of a
    gap: 0,             // video fragment, and the longest ms between two fragments' arrivals
    lastArrival: 0,
    since: { t: performance.now(), ...quality(video) },
    summary() {
      const q = quality(video);
      const s = (performance.now() - m.since.t) / 1000;
      const decoded = q.total - m.since.total;
      const dropped = q.dropped - m.since.dropped;
      return { stamp: summarize(m.stamp), header: summarize(m.header), frames: m.frames,
        unstamped: m.unstamped, other_frame: m.otherFrame, waiting: m.waiting, stalls: m.stalls,
        stalls_at: m.stallsAt,
        max_gap_ms: m.maxGapMs, arrival: summarize(m.arrival),
        long_tasks: summarize(m.longTasks.map((x) => x[1])), audio_behind_video: summarize(m.audioLag),
        audio_arrival: summarize(m.audioArrival),
        seconds: s, callback_fps: m.frames / s, decoded_fps: decoded / s, dropped,
        presented_fps: m.frames ? (m.lastPresented - m.firstPresented + 1) / s : 0 };
    },
    reset() {
      m.stamp = []; m.header = []; m.frames = 0; m.unstamped = 0; m.otherFrame = 0;
      m.waiting = 0; m.stalls = 0; m.stallsAt = []; m.maxGapMs = 0; lastWall = 0;
      m.firstPresented = null; m.lastPresented = null;
      m.trace = []; m.longTasks = []; m.arrival = []; m.audioLag = []; m.audioArrival = [];
      m.late = 0; m.gap = 0;
      m.since = { t: performance.now(), ...quality(video) };
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

  setInterval(() => {
    const b = video.buffered;
    if (m.trace.length >= MAX_TRACE || b.length === 0) return;
    m.trace.push({ t: Math.round(performance.timeOrigin + performance.now()),
      behind: +(b.end(b.length - 1) - video.currentTime).toFixed(3),
      videoAhead: player.lastStartS === null ? null
        : +(player.lastStartS + player.fragmentS - b.end(b.length - 1)).toFixed(3),
      target: player.targetS, low: player.edge?.lowWaterS ?? null, rate: video.playbackRate,
      late: Math.round(m.late), gap: Math.round(m.gap), ...quality(video) });
    m.late = 0;
    m.gap = 0;
  }, TRACE_MS);

  // Main-thread tasks over 50 ms (fragments wait for the main thread to be appended).
  if (globalThis.PerformanceObserver?.supportedEntryTypes?.includes('longtask')) {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (m.longTasks.length >= MAX_TRACE) continue;
        m.longTasks.push([Math.round(performance.timeOrigin + e.startTime), Math.round(e.duration)]);
      }
    }).observe({ type: 'longtask' });
  }

  const readbackParam = new URLSearchParams(location.search).get('readback');
  const readback = readbackParam !== '0';
  if (readbackParam === 'canvas') videoFrameReads = false;
  const handle = player.handleFrame.bind(player);
  player.handleFrame = (data) => {
    noteArrival(m, player, data);
    handle(data);
  };

  let playing = false;
  video.addEventListener('playing', () => { playing = true; });
  video.addEventListener('waiting', () => {
    if (!playing) return;
    m.waiting += 1;
    const b = video.buffered;
    if (m.trace.length < MAX_TRACE) {
      m.trace.push({ t: Math.round(performance.timeOrigin + performance.now()), waiting: true,
        behind: b.length ? +(b.end(b.length - 1) - video.currentTime).toFixed(3) : null,
        low: player.edge?.lowWaterS ?? null, rate: video.playbackRate });
    }
  });

  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  let lastWall = 0;

  const onFrame = (now, meta) => {
    const wallMs = performance.timeOrigin + (meta.expectedDisplayTime || now);
    m.frames += 1;
    if (m.firstPresented === null) m.firstPresented = meta.presentedFrames;
    m.lastPresented = meta.presentedFrames;
    if (lastWall) {
      const gap = wallMs - lastWall;
      m.maxGapMs = Math.max(m.maxGapMs, gap);
      if (gap > STALL_GAP_MS) {
        m.stalls += 1;
        if (m.stallsAt.length < MAX_TRACE) m.stallsAt.push([Math.round(wallMs), Math.round(gap)]);
      }
    }
    lastWall = wallMs;
    // The stamp may come back later (an asynchronous copy of the frame's band).
    Promise.resolve(readback ? readStamp(m, video, meta, canvas, ctx, wallMs) : null).then((captured) => {
      if (captured === null) m.unstamped += 1;
      else if (m.stamp.length < MAX_SAMPLES) m.stamp.push(wallMs - captured / 1000);
    }, () => { m.unstamped += 1; });
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

// Transport delay of each fragment and how far its audio starts before its video.
function noteArrival(m, player, data) {
  const frame = parseMediaFrame(data);
  const info = player.init?.info;
  if (!frame || frame.kind === KIND_INIT || !info || m.arrival.length >= MAX_SAMPLES) return;
  const now = Date.now();
  if (m.lastArrival) m.gap = Math.max(m.gap, now - m.lastArrival);
  m.lastArrival = now;
  if (info.audio === undefined) info.audio = audioTrackOf(player.init.bytes, info);
  const audio = info.audio;
  const v = fragmentStartSeconds(frame.payload, info.video);
  const a = audio ? fragmentStartSeconds(frame.payload, audio) : null;
  // An audio-only fragment (sent as soon as the audio was encoded): how far its audio starts
  // before the newest video frame received, and its own capture-to-arrival time.
  if (v === null) {
    if (a !== null && m.lastVideoS !== null) m.audioLag.push((m.lastVideoS - a) * 1000);
    if (a !== null) m.audioArrival.push(now - frame.captureTimeUs / 1000);
    return;
  }
  m.lastVideoS = v;
  m.arrival.push(now - frame.captureTimeUs / 1000);
  m.late = Math.max(m.late, now - frame.captureTimeUs / 1000);
  if (a !== null) m.audioLag.push((v - a) * 1000);
}

// {trackId, timescale} of the init segment's audio track, or null.
function audioTrackOf(bytes, info) {
  const audio = info.tracks.find((tr) => tr.handler === 'soun');
  const moov = audio && findBox(bytes, ['moov']);
  if (!moov) return null;
  for (const trak of boxes(bytes, moov.body, moov.end)) {
    if (trak.type !== 'trak') continue;
    const tkhd = findBox(bytes, ['tkhd'], trak.body, trak.end);
    const mdhd = findBox(bytes, ['mdia', 'mdhd'], trak.body, trak.end);
    if (!tkhd || !mdhd) continue;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const at = (box, v0, v1) => view.getUint32(box.body + (bytes[box.body] === 1 ? v1 : v0));
    if (at(tkhd, 12, 20) === audio.trackId) return { trackId: audio.trackId, timescale: at(mdhd, 12, 20) };
  }
  return null;
}

// The capture time painted into the presented frame, or null if there is none. Where WebCodecs
// can wrap the video's current frame (VideoFrame), only the stamp's band of the luma plane is
// copied: no colour conversion and no canvas, a few tens of KiB per frame. Otherwise the band
// is drawn to a 2D canvas and read back, which converts the whole frame to RGB (measured: a
// third of a core at 720p30 on the bench machine, enough to delay the page's own work).
function readStamp(m, video, meta, canvas, ctx, wallMs) {
  const fromFrame = readStampFromVideoFrame(m, video, meta, wallMs);
  if (fromFrame !== undefined) return fromFrame;
  const width = meta.width || video.videoWidth;
  const height = meta.height || video.videoHeight;
  const g = stampGrid(width, height);
  if (!g) return null;
  if (canvas.width !== g.width || canvas.height !== g.height) {
    canvas.width = g.width;
    canvas.height = g.height;
  }
  const sx = video.videoWidth / width;
  const sy = video.videoHeight / height;
  ctx.drawImage(video, g.x0 * sx, g.y0 * sy, g.width * sx, g.height * sy, 0, 0, g.width, g.height);
  const image = ctx.getImageData(0, 0, g.width, g.height);
  return decodeStamp(rgbaSampler(image, g.x0, g.y0), width, height, wallMs * 1000);
}

const YUV = new Set(['I420', 'I420A', 'I422', 'I444', 'NV12']);
let videoFrameReads = typeof VideoFrame === 'function';
let copyBuf = new Uint8Array(0);
let copyBusy = false;

// undefined: cannot read this way (fall back to the canvas); else a promise of the stamp or null.
// A frame other than the one presented (the player moved on meanwhile) counts in m.otherFrame
// and reads as unstamped.
function readStampFromVideoFrame(m, video, meta, wallMs) {
  if (!videoFrameReads) return undefined;
  let frame;
  try {
    frame = new VideoFrame(video);
  } catch {
    videoFrameReads = false;
    return undefined;
  }
  if (!YUV.has(frame.format)) {
    frame.close();
    videoFrameReads = false;  // an opaque (GPU) or RGB frame: the canvas path reads it
    return undefined;
  }
  const r = frame.visibleRect;
  const g = stampGrid(r.width, r.height);
  if (Math.abs(frame.timestamp - meta.mediaTime * 1e6) > 1000) m.otherFrame += 1;
  if (!g || Math.abs(frame.timestamp - meta.mediaTime * 1e6) > 1000) {
    frame.close();
    return null;
  }
  const rect = { x: r.x + g.x0, y: r.y + g.y0, width: g.width, height: g.height };
  // One buffer, reused (a fresh one per frame made garbage the collector paused for); a frame
  // arriving while the previous copy is still pending is not read.
  const size = frame.allocationSize({ rect });
  if (copyBusy) {
    frame.close();
    return null;
  }
  if (copyBuf.length < size) copyBuf = new Uint8Array(size);
  copyBusy = true;
  return frame.copyTo(copyBuf, { rect }).then((layout) => decodeStamp(
    planeSampler(copyBuf.subarray(layout[0].offset), layout[0].stride, g.x0, g.y0),
    r.width, r.height, wallMs * 1000)).finally(() => {
    copyBusy = false;
    frame.close();
  });
}
