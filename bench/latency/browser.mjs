// The browser leg of the latency bench: the viewer page with ?measure=1 in Debian's headless
// Chromium (playwright-core from tests/web/node_modules), on the relay path. Besides the
// latencies it reports the frames Chromium decoded, presented and dropped per second, and the
// CPU used in the measured window by each of this bench's processes (Chromium by process type,
// relay, streamer) and by the whole machine, from /proc, and the machine's pauses against the
// page's stalls (pause-probe.mjs).
// HALLCAST_BENCH_CHROMIUM_ARGS adds Chromium switches (space-separated; `-SWITCH` removes one of
// the defaults); HALLCAST_BENCH_URL_EXTRA is appended to the page URL (e.g. `&readback=0`).
import { createRequire } from 'node:module';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pausesAgainstStalls, startPauseProbe } from './pause-probe.mjs';

const require = createRequire(new URL('../../tests/web/package.json', import.meta.url));

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--autoplay-policy=no-user-gesture-required'];

function chromiumArgs() {
  const extra = (process.env.HALLCAST_BENCH_CHROMIUM_ARGS || '').split(/\s+/).filter(Boolean);
  const drop = new Set(extra.filter((a) => a.startsWith('-') && !a.startsWith('--')).map((a) => a.slice(1)));
  return [...CHROMIUM_ARGS.filter((a) => !drop.has(a)), ...extra.filter((a) => a.startsWith('--'))];
}

// CPU ticks (user + system) of every descendant of this process, keyed by pid, with a label:
// Chromium's --type (browser for the main process), else the program's name.
function processTicks() {
  const procs = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Chromium rewrites its children's command lines into one space-separated string.
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const type = cmd.match(/--type=([a-z-]+)/);
      const prog = cmd.split(' ')[0].split('/').pop();
      const label = type ? `chromium ${type[1]}` : prog === 'chromium' ? 'chromium browser' : prog;
      procs.set(Number(name), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), label });
    } catch { /* exited meanwhile */ }
  }
  const mine = new Map();
  const isMine = (pid, depth = 0) => {
    if (pid === process.pid) return true;
    const p = procs.get(pid);
    return Boolean(p) && depth < 16 && isMine(p.ppid, depth + 1);
  };
  for (const [pid, p] of procs) if (pid !== process.pid && isMine(pid)) mine.set(pid, p);
  return mine;
}

function machineTicks() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + f[4];
  return { busy: f.reduce((a, b) => a + b, 0) - idle, all: f.reduce((a, b) => a + b, 0) };
}

// Percent of one core per label over the window between two samples (100 ticks/s assumed).
function cpuUse(before, after, seconds) {
  const use = {};
  for (const [pid, p] of after.procs) {
    const t0 = before.procs.get(pid)?.ticks ?? 0;
    use[p.label] = (use[p.label] ?? 0) + (p.ticks - t0) / seconds;
  }
  const m = { busy: after.machine.busy - before.machine.busy, all: after.machine.all - before.machine.all };
  use.machine_busy_of_all = m.all ? (100 * m.busy) / m.all : null;
  return Object.fromEntries(Object.entries(use).map(([k, v]) => [k, Math.round(v * 10) / 10]));
}

// Chromium's own media log (DevTools Media domain): decoder, renderer, buffering events.
async function mediaLog(page) {
  const log = { properties: {}, events: [], messages: [] };
  const cdp = await page.context().newCDPSession(page);
  cdp.on('Media.playerPropertiesChanged', (e) => {
    for (const p of e.properties) log.properties[p.name] = p.value;
  });
  cdp.on('Media.playerEventsAdded', (e) => { if (log.events.length < 2000) log.events.push(...e.events); });
  cdp.on('Media.playerMessagesLogged', (e) => {
    if (log.messages.length < 2000) log.messages.push(...e.messages);
  });
  await cdp.send('Media.enable');
  return log;
}

export async function runBrowser({ url, seconds, warmupMs, out, name = 'browser' }) {
  const { chromium } = require('playwright-core');
  const args = chromiumArgs();
  const browser = await chromium.launch({
    executablePath: process.env.HALLCAST_CHROMIUM || '/usr/bin/chromium', args });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const media = await mediaLog(page);
    await page.goto(url + (process.env.HALLCAST_BENCH_URL_EXTRA || ''));
    await page.waitForFunction(() => globalThis.hallcastLatency?.header.length > 0, null, { timeout: 30000 });
    await page.waitForTimeout(warmupMs);
    await page.evaluate(() => globalThis.hallcastLatency.reset());
    const before = { procs: processTicks(), machine: machineTicks(), t: Date.now() };
    const probe = startPauseProbe();
    await page.waitForTimeout(seconds * 1000);
    const pauses = await probe.stop();
    const after = { procs: processTicks(), machine: machineTicks() };
    const cpu = cpuUse(before, after, (Date.now() - before.t) / 1000);
    const r = await page.evaluate(() => ({ summary: globalThis.hallcastLatency.summary(),
      stamp: globalThis.hallcastLatency.stamp, trace: globalThis.hallcastLatency.trace,
      longTasks: globalThis.hallcastLatency.longTasks }));
    const s = r.summary;
    const machine = pausesAgainstStalls(pauses, s.stalls_at ?? []);
    writeFileSync(join(out, `${name}.json`), JSON.stringify({ ...r, cpu, pauses, args, media }));
    const lat = s.stamp.frames ? s.stamp : s.header;  // &readback=0: header times only
    const round = (v) => Math.round(v * 10) / 10;
    return { receiver: 'viewer page in headless Chromium (MediaSource, relay)', frames: lat.frames,
      p50_ms: lat.p50_ms, p95_ms: lat.p95_ms, max_ms: lat.max_ms, stalls: s.stalls,
      waiting: s.waiting, max_gap_ms: s.max_gap_ms, header: s.header, unstamped: s.unstamped,
      other_frame: s.other_frame,
      arrival: s.arrival, long_tasks: s.long_tasks, audio_behind_video: s.audio_behind_video,
      audio_arrival: s.audio_arrival,
      presented_fps: round(s.presented_fps), callback_fps: round(s.callback_fps),
      decoded_fps: round(s.decoded_fps), dropped: s.dropped,
      cpu_percent: cpu, machine_pauses: machine };
  } finally {
    await browser.close();
  }
}
