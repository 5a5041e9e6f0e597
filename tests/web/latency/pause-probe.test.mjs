// The latency bench's machine-pause probe (bench/latency/pause-probe.mjs): a process that is
// really stopped (SIGSTOP) for 300 ms must show a pause of about that length, and the pauses
// are matched to the stalls whose frame gap they overlap.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { pausesAgainstStalls } from '../../../bench/latency/pause-probe.mjs';

const PROBE = resolve(fileURLToPath(new URL('../../../bench/latency/pause-probe.mjs', import.meta.url)));
const STOPPED_MS = 300;

// The child runs the probe until told to stop on stdin, then prints what it recorded.
const CHILD = `
import { startPauseProbe } from ${JSON.stringify(pathToFileURL(PROBE).href)};
const probe = startPauseProbe();
console.log('ready');
process.stdin.once('data', async () => {
  console.log(JSON.stringify(await probe.stop()));
  process.exit(0);
});
`;

function lines(child) {
  let buf = '';
  const waiting = [];
  child.stdout.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      waiting.shift()?.(line);
    }
  });
  child.on('exit', () => { for (const w of waiting.splice(0)) w(null); });
  return () => new Promise((res) => waiting.push(res));
}

test('a process stopped for 300 ms shows one pause of about that length', async () => {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], { stdio: ['pipe', 'pipe', 'inherit'] });
  const next = lines(child);
  try {
    assert.equal(await next(), 'ready');
    await new Promise((res) => setTimeout(res, 100));  // the worker is sleeping by now
    const stoppedAt = Date.now();
    child.kill('SIGSTOP');
    await new Promise((res) => setTimeout(res, STOPPED_MS));
    child.kill('SIGCONT');
    await new Promise((res) => setTimeout(res, 100));
    child.stdin.write('stop\n');
    const pauses = JSON.parse(await next());
    const long = pauses.filter(([, late]) => late >= STOPPED_MS / 2);
    assert.equal(long.length, 1, JSON.stringify(pauses));
    const [due, late] = long[0];
    assert.ok(late >= STOPPED_MS * 0.8 && late < STOPPED_MS * 3, `pause of ${late} ms`);
    assert.ok(Math.abs(due - stoppedAt) < 100, `the pause began ${due - stoppedAt} ms from the stop`);
    const m = pausesAgainstStalls(pauses, [[due + late + 30, late + 60], [due + 5000, 300]]);
    assert.equal(m.stalls[0].pause_ms, late, 'the stall across the pause is matched to it');
    assert.equal(m.stalls[1].pause_ms, 0, 'a stall 5 s later is not');
    assert.ok(m.pauses_over_100ms >= 1 && m.max_pause_ms === Math.max(...pauses.map(([, l]) => l)));
  } finally {
    child.kill('SIGKILL');
  }
});
