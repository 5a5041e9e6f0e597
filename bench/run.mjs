// Runs the benchmark: for each repeat, each server in turn (relay, peer, relay, peer, ...):
// start it, start the media source, run the load generator, stop everything. Writes every
// run's JSON and a summary table (docs/performance.md explains both).
//
//   node bench/run.mjs [--repeats 2] [--servers relay,peer] [--bin-dir build/bin] [--out-dir DIR] [--smoke]
//                      [--steps 250,500,...] [--baseline-relay PATH (for the server relay-baseline)]
//   node bench/run.mjs --report-only A/runs.json[,B/runs.json]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { start, stop, waitForLine } from './tools/processes.mjs';
import { startServer, makeTokens, HALL } from './tools/servers.mjs';
import { summarize, markdown } from './tools/report.mjs';

const repoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: opt } = parseArgs({
  options: {
    repeats: { type: 'string', default: '2' },
    servers: { type: 'string', default: 'relay,peer' },
    'bin-dir': { type: 'string', default: path.join(repoDir, 'build/bin') },
    'out-dir': { type: 'string', default: path.join(repoDir, 'build/bench-results') },
    steps: { type: 'string', default: '250,500,750,1000,1500,2000,2500,3000,4000' },
    'bitrate-kbps': { type: 'string', default: '3000' },
    fps: { type: 'string', default: '30' },
    gop: { type: 'string', default: '60' },
    smoke: { type: 'boolean', default: false },
    'baseline-relay': { type: 'string' },  // the relay-baseline server's binary
    'report-only': { type: 'string' },  // a runs.json: print its report again, run nothing
  },
});

const SOURCE_READY_MS = 10000;
const LOADGEN_TIMEOUT_MS = 8 * 60 * 1000;
const SETTLE_MS = 1000;  // let the source's first GOP reach the server before viewers join

function loadgenArgs(kind, port, pid) {
  const common = ['--port', String(port), '--hall', HALL, '--server-pid', String(pid),
    '--bitrate-kbps', opt['bitrate-kbps'], '--fps', opt.fps];
  // The relay times its own fan-out (hallcast_fanout_seconds); an older binary just lacks it.
  if (kind.startsWith('relay')) common.push('--relay-fanout');
  if (opt.smoke) {
    // Enough viewers that the server's CPU in a window is several /proc clock ticks (10 ms):
    // the relay needs ≈ 0.1 core·s per delivered Gbit/s.
    return [...common, '--steps', '50,100', '--must-reach', '100', '--warmup-ms', '500', '--window-ms', '2000',
      '--join-at', '50', '--joiners', '3', '--slow-viewers', '20', '--slow-window-ms', '1500'];
  }
  return [...common, '--steps', opt.steps, '--must-reach', '2000', '--join-at', '500', '--joiners', '20',
    '--slow-viewers', '1000', '--slow-fraction', '0.05'];
}

async function runOne(kind, repeat) {
  const tokens = makeTokens();
  const started = new Date().toISOString();
  process.stderr.write(`== ${kind} (repeat ${repeat + 1}) at ${started}\n`);
  const server = await startServer(kind, { binDir: opt['bin-dir'], repoDir, tokens, baselineRelay: opt['baseline-relay'] });
  let source, load;
  try {
    source = start('source', path.join(opt['bin-dir'], 'hallcast-bench-source'),
      ['--port', String(server.port), '--hall', HALL, '--bitrate-kbps', opt['bitrate-kbps'], '--fps', opt.fps, '--gop', opt.gop],
      { env: { HALLCAST_BENCH_PUBLISHER_TOKEN: tokens.publisher, HALLCAST_BENCH_CAPTIONER_TOKEN: tokens.captioner } });
    await waitForLine(source, /publishing to/, SOURCE_READY_MS);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    load = start('load', path.join(opt['bin-dir'], 'hallcast-bench-load'), loadgenArgs(kind, server.port, server.pid));
    const timer = setTimeout(() => load.child.kill('SIGKILL'), LOADGEN_TIMEOUT_MS);
    const exit = await load.done;
    clearTimeout(timer);
    if (exit.code !== 0) throw new Error(`load generator failed (${JSON.stringify(exit)}): ${load.stderrTail.slice(-3).join(' | ')}`);
    const result = JSON.parse(load.stdout);
    if (source.exited) throw new Error(`source died: ${source.stderrTail.slice(-3).join(' | ')}`);
    if (server.proc.exited) throw new Error(`${kind} died: ${server.proc.stderrTail.slice(-3).join(' | ')}`);
    return { server: kind, repeat, started, ...result };
  } finally {
    await stop(load);
    await stop(source);
    const exit = await stop(server.proc);
    if (exit && exit.code !== 0 && exit.signal !== 'SIGTERM')
      process.stderr.write(`  ${kind} exited with ${JSON.stringify(exit)} at stop\n`);
    server.cleanup();
  }
}

async function main() {
  if (opt['report-only']) {
    // One or more runs.json (comma-separated): their runs are pooled as repeats.
    const files = opt['report-only'].split(',').map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
    let offset = 0;  // number the repeats across the pooled files
    const runs = files.flatMap((f) => {
      const n = Math.max(...f.runs.map((r) => r.repeat)) + 1;
      const renumbered = f.runs.map((r) => ({ ...r, repeat: r.repeat + offset }));
      offset += n;
      return renumbered;
    });
    const meta = { ...files[0].meta, minutes: files.reduce((m, f) => m + f.meta.minutes, 0) };
    process.stdout.write(markdown(meta, summarize(runs, [...new Set(runs.map((r) => r.server))]), runs));
    return;
  }
  const servers = opt.servers.split(',').filter(Boolean);
  const repeats = Number(opt.repeats);
  const outDir = path.join(opt['out-dir'], new Date().toISOString().replace(/[:.]/g, '-'));
  fs.mkdirSync(outDir, { recursive: true });
  const runs = [];
  const t0 = Date.now();
  for (let r = 0; r < repeats; ++r) {
    for (const kind of servers) runs.push(await runOne(kind, r));
  }
  const meta = { host: os.hostname(), when: new Date(t0).toISOString(), minutes: (Date.now() - t0) / 60000,
    bitrate_kbps: Number(opt['bitrate-kbps']), fps: Number(opt.fps), gop: Number(opt.gop), smoke: opt.smoke,
    node: process.version };
  const summary = summarize(runs, servers);
  fs.writeFileSync(path.join(outDir, 'runs.json'), JSON.stringify({ meta, runs }, null, 1));
  fs.writeFileSync(path.join(outDir, 'summary.json'), JSON.stringify({ meta, summary }, null, 1));
  fs.writeFileSync(path.join(outDir, 'summary.md'), markdown(meta, summary, runs));
  process.stdout.write(markdown(meta, summary, runs));
  process.stderr.write(`results in ${outDir}\n`);
}

main().catch((e) => {
  process.stderr.write(`bench: ${e.message}\n`);
  process.exit(1);
});
