// The 24-byte media frame header (docs/protocol.md) as the web pages parse it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildMediaFrame, FRAME_HEADER_SIZE, KIND_FRAGMENT, KIND_INIT, parseMediaFrame }
  from '../../../web/js/media-frame.js';

test('round-trips every field, including times beyond 32 bits', () => {
  const payload = new Uint8Array([1, 2, 3, 4, 5]);
  const captureTimeUs = 1665021600123456;  // 2022-10-06 02:00:00.123456 UTC
  const frame = buildMediaFrame({ kind: KIND_FRAGMENT, keyframe: true, mediaTimeUs: 5_000_123_456,
    captureTimeUs, sequence: 0xfffffffe }, payload);
  assert.equal(frame.byteLength, FRAME_HEADER_SIZE + 5);
  const f = parseMediaFrame(frame.buffer);
  assert.equal(f.kind, KIND_FRAGMENT);
  assert.equal(f.keyframe, true);
  assert.equal(f.mediaTimeUs, 5_000_123_456);
  assert.equal(f.captureTimeUs, captureTimeUs);
  assert.equal(f.sequence, 0xfffffffe);
  assert.deepEqual([...f.payload], [1, 2, 3, 4, 5]);
});

test('matches the byte layout of the contract', () => {
  const frame = buildMediaFrame({ kind: KIND_INIT, mediaTimeUs: 0x0102030405, captureTimeUs: 7,
    sequence: 9 }, new Uint8Array(0));
  assert.deepEqual([...frame], [1, 0, 0, 24, 0, 0, 0, 1, 2, 3, 4, 5, 0, 0, 0, 0, 0, 0, 0, 7,
    0, 0, 0, 9]);
  const f = parseMediaFrame(frame);
  assert.equal(f.kind, KIND_INIT);
  assert.equal(f.keyframe, false);
  assert.equal(f.payload.byteLength, 0);
});

test('honours a longer header length from a newer minor layout', () => {
  const frame = buildMediaFrame({ kind: KIND_FRAGMENT }, new Uint8Array([0xaa, 0xbb, 0xcc]));
  frame[3] = 26;
  assert.deepEqual([...parseMediaFrame(frame).payload], [0xcc]);
});

test('rejects short, unknown-version, unknown-kind and bad-length frames', () => {
  const good = buildMediaFrame({ kind: KIND_FRAGMENT }, new Uint8Array(4));
  assert.equal(parseMediaFrame(good.subarray(0, 23)), null);
  const v2 = good.slice(); v2[0] = 2;
  assert.equal(parseMediaFrame(v2), null);
  const k7 = good.slice(); k7[1] = 7;
  assert.equal(parseMediaFrame(k7), null);
  const h = good.slice(); h[3] = 200;
  assert.equal(parseMediaFrame(h), null);
  const h2 = good.slice(); h2[3] = 8;
  assert.equal(parseMediaFrame(h2), null);
});

test('reads and writes the audio-only flag (bit 1) beside the keyframe flag', () => {
  const frame = buildMediaFrame({ kind: KIND_FRAGMENT, audioOnly: true }, new Uint8Array(1));
  assert.equal(frame[2], 2);
  const f = parseMediaFrame(frame);
  assert.equal(f.audioOnly, true);
  assert.equal(f.keyframe, false);
  const both = buildMediaFrame({ kind: KIND_FRAGMENT, keyframe: true }, new Uint8Array(1));
  assert.equal(parseMediaFrame(both).audioOnly, false);
  assert.equal(parseMediaFrame(both).keyframe, true);
});
