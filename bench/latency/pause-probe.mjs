// A machine-pause probe for the browser leg: a worker thread that does nothing but sleep
// PERIOD_MS at a time (a futex wait, no event loop, its own heap: neither this process's garbage
// collector nor its timers delay it) and records every wake-up that came REPORT_MS or more late.
// Such a delay on an idle thread means nothing on the machine ran for that long: the hypervisor
// or the kernel held both cores. Set against the page's stalls, it tells which stalls were the
// machine's (docs/latency.md, session 10).
import { Worker } from 'node:worker_threads';

export const PERIOD_MS = 2;
export const REPORT_MS = 20;
const MAX_PAUSES = 10000;

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const flag = new Int32Array(workerData.shared);
const pauses = [];
let prev = performance.now();
while (Atomics.load(flag, 0) === 0) {
  Atomics.wait(flag, 0, 0, ${PERIOD_MS});
  const now = performance.now();
  const late = now - prev - ${PERIOD_MS};
  if (late >= ${REPORT_MS} && pauses.length < ${MAX_PAUSES})
    pauses.push([Math.round(performance.timeOrigin + prev + ${PERIOD_MS}), Math.round(late)]);
  prev = now;
}
parentPort.postMessage(pauses);
`;

// Starts the probe; stop() resolves to [[wall ms the wake-up was due, ms late], ...].
export function startPauseProbe() {
  const shared = new SharedArrayBuffer(4);
  const flag = new Int32Array(shared);
  // execArgv: [] keeps the worker's code CommonJS whatever the parent was started with.
  const worker = new Worker(WORKER, { eval: true, execArgv: [], workerData: { shared } });
  const result = new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    async stop() {
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
      const pauses = await result;
      await worker.terminate();
      return pauses;
    },
  };
}

// The largest pause that overlaps each stall's gap between frames (0: none did), and the
// pauses' own count and size.
export function pausesAgainstStalls(pauses, stallsAt) {
  const over = (ms) => pauses.filter(([, late]) => late >= ms).length;
  const stalls = stallsAt.map(([at, gap]) => {
    const start = at - gap;
    let largest = 0;
    for (const [due, late] of pauses)
      if (due <= at && due + late >= start) largest = Math.max(largest, late);
    return { at, gap_ms: gap, pause_ms: largest };
  });
  return {
    pauses_over_20ms: over(20), pauses_over_50ms: over(50), pauses_over_100ms: over(100),
    max_pause_ms: pauses.reduce((m, [, late]) => Math.max(m, late), 0),
    stalls,
  };
}
