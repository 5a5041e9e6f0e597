// Captions wait for the picture they belong to: never shown before the video reaches them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CaptionClock } from '../../../web/js/caption-clock.js';

// A stream whose media time 0 was captured at wall-clock T0.
const T0 = 1665021600000;

test('holds a caption until the video shows the moment it was typed', () => {
  const c = new CaptionClock();
  c.observeFragment(10, T0 + 10000);           // fragment at media 10 s captured at T0+10 s
  assert.equal(c.mediaTimeFor(T0 + 12500), 12.5);
  // The viewer is 1.5 s behind: at media 11.0 when the caption (typed at T0+12.5 s) arrives.
  assert.equal(c.schedule('a', T0 + 12500, 11.0), false);
  assert.deepEqual(c.release(11.0), []);
  assert.deepEqual(c.release(12.49), []);        // not even 10 ms early
  assert.deepEqual(c.release(12.5), ['a']);
  assert.deepEqual(c.release(20), []);
});

test('shows at once what the video has already passed', () => {
  const c = new CaptionClock();
  c.observeFragment(0, T0);
  assert.equal(c.schedule('late', T0 + 1000, 3.0), true);
});

test('keeps order: a later line never overtakes an earlier held one', () => {
  const c = new CaptionClock();
  c.observeFragment(0, T0);
  assert.equal(c.schedule('first', T0 + 5000, 1), false);
  // Clock mapping jumps (publisher change) so the second would be due at once: still queued.
  c.reset();
  assert.equal(c.schedule('second', T0 + 6000, null), false);
  assert.deepEqual(c.release(2), []);
  assert.deepEqual(c.release(5), ['first', 'second']);
});

test('no video or no mapping: shown at once, held items released', () => {
  const c = new CaptionClock();
  assert.equal(c.schedule('x', T0, 3), true);   // no mapping yet
  c.observeFragment(0, T0);
  assert.equal(c.schedule('y', T0 + 4000, null), true);  // nothing playing
  assert.equal(c.schedule('z', T0 + 4000, 1), false);
  assert.deepEqual(c.release(null), ['z']);
});

test('clocks far apart: released instead of held forever', () => {
  const c = new CaptionClock({ maxHoldMs: 12000 });
  c.observeFragment(0, T0);
  assert.equal(c.schedule('far', T0 + 60000, 1), false);
  assert.deepEqual(c.release(1), ['far']);
  assert.equal(c.schedule('near', T0 + 4000, 1), false);
  assert.deepEqual(c.flush(), ['near']);
});

test('ignores nonsense fragment times', () => {
  const c = new CaptionClock();
  c.observeFragment(NaN, T0);
  c.observeFragment(1, 0);
  assert.equal(c.offsetMs, null);
});

test('a frozen video does not hold a caption past the wall-clock limit', () => {
  let now = 1000;
  const c = new CaptionClock({ maxHoldMs: 5000, now: () => now });
  c.observeFragment(0, T0);
  assert.equal(c.schedule('frozen', T0 + 3000, 1), false);
  now += 4000;
  assert.deepEqual(c.release(1), []);
  now += 1500;
  assert.deepEqual(c.release(1), ['frozen']);
});
