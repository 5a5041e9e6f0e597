// The live-edge controller (web/js/live-edge.js): holds the cushion's low-water mark at the
// target by nudging playbackRate, widens the target on stalls and narrows it when stable.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LiveEdge, legacyRate } from '../../../web/js/live-edge.js';

const P = { targetLatencyS: 0.06, lowWaterS: 1.0, catchUpBandS: 0.04, catchUpRate: 1.1,
  slowDownBandS: 0.02, slowDownRate: 0.95, recentS: 0.3, fastCatchUpBandS: 0.15,
  fastCatchUpRate: 1.4, stallStepS: 0.04, maxTargetS: 0.6, stallFreeS: 20, narrowStepS: 0.01 };

// Plays for ms from t0 with ticks every 50 ms: the base cushion moves by what the chosen rate
// gains or loses, a fragment sawtooth (33 ms) rides on it, and dip(t) is taken off (a late
// fragment). Returns [{t, rate, base}].
function play(edge, base, t0, ms, dip = () => 0) {
  const out = [];
  for (let t = t0; t < t0 + ms; t += 50) {
    const saw = 0.033 * (1 - ((t / 33.3) % 1));
    const rate = edge.update(t, base + saw - dip(t));
    base -= (rate - 1) * 0.05;
    out.push({ t, rate, base });
  }
  return out;
}

// Feeds cushion(t) every 50 ms from t0 for ms; returns the rates chosen.
function run(edge, cushion, t0, ms) {
  const rates = [];
  for (let t = t0; t < t0 + ms; t += 50) rates.push(edge.update(t, cushion(t)));
  return rates;
}

test('within the band around the target the rate stays 1', () => {
  const edge = new LiveEdge({ ...P });
  const rates = run(edge, (t) => 0.07 + 0.03 * ((t / 33) % 1), 0, 5000);  // a sawtooth
  assert.ok(rates.every((r) => r === 1), rates.join());
  assert.ok(Math.abs(edge.lowWaterS - 0.07) < 0.005, `low-water ${edge.lowWaterS}`);
});

test('behind: catches up, and only once the low-water mark spans half its window', () => {
  const edge = new LiveEdge({ ...P });
  const rates = run(edge, () => 0.17, 0, 2000);
  assert.equal(rates[0], 1, 'no judgement on a single sample');
  assert.equal(rates.at(-1), 1.1);
  assert.ok(rates.indexOf(1.1) >= 10 && rates.indexOf(1.1) <= 11, rates.join());
});

test('catching up stops at half the band (hysteresis), not at its top', () => {
  const edge = new LiveEdge({ ...P });
  let c = 0.3;
  const seen = [];
  for (let t = 0; t < 10000; t += 50) {
    const rate = edge.update(t, c);
    c -= (rate - 1) * 0.05;  // playing faster than real time eats the cushion
    seen.push([rate, c]);
  }
  const stop = seen.findIndex(([r], i) => i > 0 && r === 1 && seen[i - 1][0] > 1);
  assert.ok(stop > 0, 'it stopped catching up');
  assert.ok(seen[stop][1] <= P.targetLatencyS + P.catchUpBandS / 2 + 0.006, `stopped at ${seen[stop][1]}`);
  assert.ok(seen[stop][1] > P.targetLatencyS, `stopped above the target (${seen[stop][1]})`);
  assert.ok(seen.slice(stop).every(([r]) => r === 1), 'and stays at 1 once there');
});

test('a thin cushion slows playback until the target is back', () => {
  const edge = new LiveEdge({ ...P });
  run(edge, () => 0.065, 0, 1000);
  const rates = run(edge, () => 0.03, 1000, 1500);
  assert.equal(rates.at(-1), 0.95);
  const back = run(edge, () => 0.065, 2500, 1500);
  assert.equal(back.at(-1), 1);
});

test('the low-water mark is the smallest cushion of the window, so one dip counts', () => {
  const edge = new LiveEdge({ ...P });
  run(edge, () => 0.2, 0, 3000);
  edge.update(3000, 0.05);
  const rates = run(edge, () => 0.2, 3050, 900);
  assert.equal(edge.lowWaterS, 0.05);
  assert.ok(rates.every((r) => r !== 1.1), 'no catch-up while the dip is in the window');
});

test('far over the target (after a stall): catches up fast, then at the normal rate', () => {
  const edge = new LiveEdge({ ...P });
  const out = play(edge, 0.45, 0, 6000);
  const fast = out.findIndex((o) => o.rate === P.fastCatchUpRate);
  assert.ok(fast >= 6 && fast <= 7, `fast catch-up from ${out[fast]?.t} ms (needs recentS of samples)`);
  const normal = out.findIndex((o, i) => i > fast && o.rate !== P.fastCatchUpRate);
  assert.equal(out[normal].rate, P.catchUpRate, 'then the normal catch-up');
  const settled = out.findIndex((o) => o.rate === 1 && o.t > out[fast].t);
  assert.ok(out[settled].t < 1800, `back near the target at ${out[settled].t} ms (1.1x alone: ~4 s)`);
  assert.ok(out.slice(settled).every((o) => o.rate === 1), 'and stays there');
  assert.ok(out.at(-1).base > P.targetLatencyS - 0.005 && out.at(-1).base < P.targetLatencyS + 0.03,
    `cushion ${out.at(-1).base}`);
});

test('a fast catch-up at the normal catch-up rate still ends (a page may set them equal)', () => {
  const edge = new LiveEdge({ ...P, fastCatchUpRate: P.catchUpRate });
  const out = play(edge, 0.45, 0, 8000);
  assert.ok(out.some((o) => o.rate === P.catchUpRate));
  assert.equal(out.at(-1).rate, 1, 'back at 1 once near the target');
  assert.equal(edge.fast, false);
});

test('a dip slows playback only until the recent cushion is back: no overshoot, no catch-up', () => {
  for (const [params, overshoots] of [[P, false], [{ ...P, recentS: P.lowWaterS }, true]]) {
    const edge = new LiveEdge({ ...params });
    play(edge, 0.065, 0, 3000);  // settled just over the target
    const dip = (t) => (t >= 3000 && t < 3150 ? 0.06 : 0);  // a fragment 150 ms late
    const out = play(edge, 0.065, 3000, 6000, dip);
    assert.ok(out.some((o) => o.rate === P.slowDownRate), 'the dip slows playback');
    const peak = Math.max(...out.map((o) => o.base));
    if (overshoots) {
      // Ended by the whole window's mark (the rule before), the slow-down went on a second.
      assert.ok(peak > 0.1, `peak ${peak}`);
    } else {
      assert.ok(out.every((o) => o.rate <= 1), 'no catch-up after the slow-down');
      assert.ok(peak < 0.09, `the cushion stays near the target (peak ${peak})`);
    }
  }
});

test('a lasting thin cushion slows playback only until the recent cushion is back', () => {
  // From 3 s on every fragment arrives 40 ms later (a longer path): the cushion is thin for good.
  for (const [params, overshoots] of [[P, false], [{ ...P, recentS: P.lowWaterS }, true]]) {
    const edge = new LiveEdge({ ...params });
    play(edge, 0.065, 0, 3000);
    const out = play(edge, 0.065, 3000, 8000, (t) => (t >= 3000 ? 0.04 : 0));
    assert.ok(out.some((o) => o.rate === P.slowDownRate), 'the thin cushion slows playback');
    const peak = Math.max(...out.map((o) => o.base)) - 0.04;
    if (overshoots) {
      // Ended by the whole window's mark (the rule before), the slow-down went on too long.
      assert.ok(out.some((o) => o.rate > 1), 'and needed a catch-up after');
    } else {
      assert.ok(out.every((o) => o.rate <= 1), 'no catch-up after the slow-down');
      assert.ok(peak < 0.09, `the cushion stays near the target (peak ${peak})`);
      assert.ok(out.at(-1).base - 0.04 >= P.targetLatencyS - 0.01, `cushion ${out.at(-1).base - 0.04}`);
    }
  }
});

test('stalls widen the target up to the maximum; stable playback narrows it back', () => {
  const edge = new LiveEdge({ ...P });
  edge.update(0, 0.1);
  edge.stall(100);
  assert.ok(Math.abs(edge.targetS - 0.1) < 1e-9);
  for (let i = 0; i < 30; i += 1) edge.stall(200 + i);
  assert.equal(edge.targetS, P.maxTargetS);
  edge.update(20000, 0.6);
  assert.equal(edge.targetS, P.maxTargetS, 'not before stallFreeS');
  edge.update(20300, 0.6);
  assert.ok(Math.abs(edge.targetS - (P.maxTargetS - P.narrowStepS)) < 1e-9, `${edge.targetS}`);
  for (let t = 20300; t < 20300 + 60 * 20000; t += 1000) edge.update(t, 0.6);
  assert.equal(edge.targetS, P.targetLatencyS, 'never below the configured target');
});

test('reset forgets the history but keeps the target', () => {
  const edge = new LiveEdge({ ...P });
  edge.stall(0);
  run(edge, () => 0.5, 0, 2000);
  edge.reset();
  assert.equal(edge.rate, 1);
  assert.equal(edge.lowWaterS, null);
  assert.ok(Math.abs(edge.targetS - 0.1) < 1e-9);
});

test('the legacy rule: catch up only beyond target + fragment + band', () => {
  const p = { catchUpBandS: 0.4, catchUpRate: 1.1 };
  assert.equal(legacyRate(0.7, 0.4, 0.033, p), 1);
  assert.equal(legacyRate(0.9, 0.4, 0.033, p), 1.1);
});
