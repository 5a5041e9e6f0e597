// Smoke run of the glass-to-glass bench (bench/latency/run.mjs --smoke): the real relay and
// streamer (--stamp-capture-time) at 320x180, the viewer page with ?measure=1 in headless
// Chromium, the hall display under Xvfb and a plain gst-launch receiver, a few seconds each.
// Checks that every receiver produced latency samples and a report; never a timing target.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const BIN_DIR = process.env.HALLCAST_BIN_DIR || join(REPO, 'build', 'bin');

// Children get no HALLCAST_* config overrides from the test environment; the bench keeps the
// test time scale (it scales its waits under the sanitizer build, and hides it from the programs).
function env() {
  return Object.fromEntries(Object.entries(process.env).filter(
    ([k]) => !k.startsWith('HALLCAST_') || k === 'HALLCAST_TEST_TIME_SCALE'));
}

test('the latency bench measures the viewer page, the hall display and a gst-launch peer', async () => {
  const out = mkdtempSync(join(tmpdir(), 'hallcast-latency-smoke-'));
  try {
    const child = spawn(process.execPath, [join(REPO, 'bench/latency/run.mjs'), '--smoke',
      '--only', 'display-srt,peer-latency0,browser', '--bin-dir', BIN_DIR, '--out-dir', out],
    { stdio: ['ignore', 'pipe', 'pipe'], env: env() });
    let log = '';
    child.stdout.on('data', (d) => { log += d; });
    child.stderr.on('data', (d) => { log += d; });
    const code = await new Promise((res) => child.on('exit', res));
    assert.equal(code, 0, log);
    const [run] = readdirSync(out);
    const summary = JSON.parse(readFileSync(join(out, run, 'summary.json'), 'utf8'));
    const by = Object.fromEntries(summary.results.map((r) => [r.phase, r]));
    for (const phase of ['display-srt', 'peer-latency0', 'browser']) {
      const r = by[phase];
      assert.ok(r, `${phase} ran`);
      assert.ok(r.frames >= 10, `${phase}: stamped frames measured (${r.frames})\n${log}`);
      assert.ok(r.p50_ms > 0 && r.p50_ms <= r.p95_ms && r.p95_ms <= r.max_ms, `${phase}: ${JSON.stringify(r)}`);
      assert.ok(r.max_ms < 10000, `${phase}: samples are capture-to-render times (${r.max_ms} ms)`);
    }
    assert.ok(by.browser.header.frames >= 10, 'the viewer also matched frames to fragment headers');
    const machine = by.browser.machine_pauses;
    assert.ok(Number.isInteger(machine?.pauses_over_20ms), `the pause probe ran: ${JSON.stringify(machine)}`);
    assert.equal(machine.stalls.length, by.browser.stalls, 'each stall is set against the pauses');
    assert.match(readFileSync(join(out, run, 'summary.md'), 'utf8'), /\| browser \| relay \|/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
