// Statistics over latency samples: p50/p95/max, stalls from gaps between rendered frames.
import { readFileSync } from 'node:fs';

export const STALL_GAP_MS = 200;  // as display/include/hallcast/display/latency_meter.hpp

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

export function summarize(latencies, renderTimesMs = []) {
  const s = [...latencies].sort((a, b) => a - b);
  let stalls = 0;
  let maxGap = 0;
  for (let i = 1; i < renderTimesMs.length; i += 1) {
    const gap = renderTimesMs[i] - renderTimesMs[i - 1];
    maxGap = Math.max(maxGap, gap);
    if (gap > STALL_GAP_MS) stalls += 1;
  }
  return { frames: s.length, p50_ms: percentile(s, 0.5), p95_ms: percentile(s, 0.95),
    max_ms: s.length ? s[s.length - 1] : null, stalls, max_gap_ms: maxGap };
}

// A --measure-latency / hallcast-latency-probe JSON-lines file: frames rendered at or after
// fromUs (wall clock, µs), optionally of one input only.
export function summarizeFile(path, { fromUs = 0, input = null } = {}) {
  const lat = [];
  const render = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.startsWith('{"capture_us"')) continue;
    const r = JSON.parse(line);
    if (r.render_us < fromUs || (input && r.input !== input)) continue;
    lat.push(r.latency_ms);
    render.push(r.render_us / 1000);
  }
  return summarize(lat, render);
}

export function fmt(v, digits = 0) {
  return v === null || v === undefined ? '–' : Number(v).toFixed(digits);
}
