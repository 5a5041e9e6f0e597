// Glass-to-glass latency bench (docs/latency.md). Starts a relay and a streamer with
// --stamp-capture-time on a test source, then measures capture-to-render, one receiver at a
// time for --seconds each:
//   display-srt   hallcast-display under Xvfb on the SRT path (--measure-latency)
//   peer-default  plain gst-launch receiver: srtsrc ! tsdemux ! h264parse ! avdec_h264 ! sink
//   peer-latency0 the same with tsdemux latency=0 (the issue's second reference point)
//   browser       the viewer page (?measure=1) in headless Chromium on the relay path
//   browser-legacy the same with session 1's live-edge policy (&edge=legacy)
// and prints a Markdown report (also written with the raw samples to --out-dir).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Child, childEnv, eventConfig, freeTcpPort, freeUdpPort } from './procs.mjs';
import { fmt, summarize, summarizeFile } from './stats.mjs';
import { runBrowser } from './browser.mjs';

const ALL = 'display-srt,peer-default,peer-latency0,browser,browser-legacy';
// The hall display's SRT chain up to the decoder (display/src/receivers.cpp).
const DISPLAY_CHAIN = 'tsdemux latency=0 ! video/x-h264 ! capssetter caps=video/x-h264,alignment=au ! h264parse ! avdec_h264 thread-type=slice';
const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const { values: opt } = parseArgs({ options: {
  'bin-dir': { type: 'string', default: join(REPO, 'build', 'bin') },
  'out-dir': { type: 'string', default: join(REPO, 'build', 'bench-results') },
  seconds: { type: 'string', default: '60' },
  warmup: { type: 'string', default: '3' },
  width: { type: 'string', default: '1280' },
  height: { type: 'string', default: '720' },
  fps: { type: 'string', default: '30' },
  'srt-latency': { type: 'string', default: '20' },
  'relay-audio': { type: 'string', default: 'aac' },  // outputs.relay_audio_codec: aac | opus
  only: { type: 'string', default: ALL },
  'peer-pipeline': { type: 'string', default: '' },
  smoke: { type: 'boolean', default: false },
} });
if (opt.smoke) Object.assign(opt, { seconds: '4', warmup: '1', width: '320', height: '180',
  fps: '30', only: opt.only === ALL ? 'display-srt,peer-latency0,browser' : opt.only });
const seconds = Number(opt.seconds);
const warmupMs = Number(opt.warmup) * 1000;
const [width, height, fps] = [Number(opt.width), Number(opt.height), Number(opt.fps)];
const phases = opt.only.split(',');
const bin = (name) => join(opt['bin-dir'], name);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const load = () => loadavg()[0].toFixed(2);

async function main() {
  const started = new Date();
  const out = join(opt['out-dir'], `latency-${started.toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(out, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'hallcast-latency-'));
  const relayPort = await freeTcpPort();
  const srtPort = await freeUdpPort();
  const cfgArgs = { relayPort, srtPort, stateDir: join(tmp, 'state'), webRoot: join(REPO, 'web'),
    width, height, fps, srtLatencyMs: Number(opt['srt-latency']),
    relayAudioCodec: opt['relay-audio'] };
  const config = join(out, 'event.toml');
  writeFileSync(config, eventConfig({ ...cfgArgs, displayInput: 'srt' }));
  const srtUrl = `srt://127.0.0.1:${srtPort}`;
  const results = [];
  const relay = new Child('relay', [bin('hallcast-relay'), '--config', config]);
  const streamer = new Child('streamer', [bin('hallcast-streamer'), '--config', config,
    '--stamp-capture-time']);
  try {
    await relay.waitFor(/listening on/, 15000, 'listening');
    await streamer.waitFor(/program playing/, 20000, 'program playing');
    await sleep(1000);
    for (const phase of phases) {
      const loadBefore = load();
      let r;
      if (phase === 'display-srt') r = await runDisplay(config, out);
      else if (phase === 'peer-default') r = await runPeer(out, phase, `srtsrc uri=${srtUrl}?mode=caller ! tsdemux ! h264parse ! avdec_h264 ! fakesink name=sink sync=true`);
      else if (phase === 'peer-latency0') r = await runPeer(out, phase, `srtsrc uri=${srtUrl}?mode=caller latency=${opt['srt-latency']} ! tsdemux latency=0 ! h264parse ! avdec_h264 ! fakesink name=sink sync=true`);
      else if (phase === 'peer-display') r = await runPeer(out, phase, `srtsrc uri=${srtUrl}?mode=caller latency=${opt['srt-latency']} ! ${DISPLAY_CHAIN} ! fakesink name=sink sync=false`);
      else if (phase === 'peer-custom') r = await runPeer(out, phase, opt['peer-pipeline'].replaceAll('@SRT@', `${srtUrl}?mode=caller`).replaceAll('@LAT@', opt['srt-latency']));
      else if (phase === 'browser') r = await runBrowser({ url: `http://127.0.0.1:${relayPort}/?hall=hoi-truong&measure=1`, seconds, warmupMs, out, name: phase });
      else if (phase === 'browser-legacy') r = await runBrowser({ url: `http://127.0.0.1:${relayPort}/?hall=hoi-truong&measure=1&edge=legacy`, seconds, warmupMs, out, name: phase });
      else throw new Error(`unknown phase ${phase}`);
      results.push({ phase, ...r, load_before: loadBefore, load_after: load() });
      console.error(`${phase}: ${JSON.stringify(results.at(-1))}`);
    }
  } finally {
    await streamer.stop();
    await relay.stop();
    // Their last lines (a start-up that went wrong shows there), next to the samples.
    for (const c of [streamer, relay]) writeFileSync(join(out, `${c.name}.log`), c.log.join('\n') + '\n');
    rmSync(tmp, { recursive: true, force: true });
  }
  const report = markdown(results, started);
  writeFileSync(join(out, 'summary.json'), JSON.stringify({ started, opt, results }, null, 2));
  writeFileSync(join(out, 'summary.md'), report);
  console.log(report);
  console.log(`\nresults in ${out}`);
}

async function runDisplay(config, out) {
  const file = join(out, 'display-srt.jsonl');
  const xvfb = new Child('Xvfb', ['Xvfb', '-displayfd', '1', '-screen', '0', `${width}x${height}x24`, '-nolisten', 'tcp']);
  try {
    const [, n] = await xvfb.waitFor(/^(\d+)$/, 10000, 'display number');
    const display = new Child('display', [bin('hallcast-display'), '--config', config,
      '--measure-latency', file], childEnv({ DISPLAY: `:${n}` }));
    try {
      await display.waitFor(/showing video srt/, 20000, 'video over SRT');
      const fromUs = Date.now() * 1000 + warmupMs * 1000;
      await sleep(warmupMs + seconds * 1000);
      await display.stop();
      return { receiver: 'hallcast-display (SRT, Xvfb)', ...summarizeFile(file, { fromUs, input: 'srt' }) };
    } finally {
      await display.stop();
    }
  } finally {
    await xvfb.stop();
  }
}

async function runPeer(out, phase, pipeline) {
  const file = join(out, `${phase}.jsonl`);
  const probe = new Child(phase, [bin('hallcast-latency-probe'), '--pipeline', pipeline,
    '--seconds', String(seconds + opt.warmup * 1 + 2), '--out', file]);
  const fromUs = Date.now() * 1000 + (warmupMs + 2000) * 1000;
  const { code } = await probe.exited;
  if (code !== 0) throw new Error(`${phase} failed (${code})\n${probe.tail()}`);
  return { receiver: `gst-launch: ${pipeline.replace(/srt:\/\/[^ ]+/, 'srt://…')}`, ...summarizeFile(file, { fromUs }) };
}

function markdown(results, started) {
  const srtBase = results.find((r) => r.phase === 'display-srt');
  const webBase = results.find((r) => r.phase === 'browser');
  const lines = [
    `Run ${started.toISOString()} on ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}; `
      + `${width}x${height}@${fps}, x264 zerolatency, SRT latency ${opt['srt-latency']} ms, `
      + `relay audio ${opt['relay-audio']}, loopback; `
      + `${seconds} s per receiver after ${opt.warmup} s warm-up.`,
    '',
    '| receiver | path | frames | p50 ms | p95 ms | max ms | stalls (gap > 200 ms) | waiting events | p95 ÷ ours (display-srt / browser) | load avg before → after |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of results) {
    const web = r.phase.startsWith('browser');
    const base = web ? webBase : srtBase;
    const ratio = base && base.p95_ms && r.p95_ms ? (r.p95_ms / base.p95_ms).toFixed(2) : '–';
    lines.push(`| ${r.phase} | ${web ? 'relay' : 'SRT'} | ${r.frames} | ${fmt(r.p50_ms)} | ${fmt(r.p95_ms)} | ${fmt(r.max_ms)} | ${r.stalls} | ${r.waiting ?? '–'} | ${ratio} | ${r.load_before} → ${r.load_after} |`);
  }
  lines.push('', ...results.map((r) => `- ${r.phase}: ${r.receiver}`));
  for (const r of results.filter((x) => x.machine_pauses)) {
    const m = r.machine_pauses;
    const stalls = m.stalls.map((s) => `${s.gap_ms} ms gap with ${s.pause_ms ? `a ${s.pause_ms} ms pause` : 'no pause'}`);
    lines.push('', `${r.phase}: the machine paused (an idle thread woke ≥ 20 / 50 / 100 ms late) `
      + `${m.pauses_over_20ms} / ${m.pauses_over_50ms} / ${m.pauses_over_100ms} times, at most ${m.max_pause_ms} ms; `
      + `stalls: ${stalls.length ? stalls.join(', ') : 'none'}.`);
  }
  return `${lines.join('\n')}\n`;
}

main().catch((err) => { console.error(err.stack || String(err)); process.exit(1); });
export { summarize };
