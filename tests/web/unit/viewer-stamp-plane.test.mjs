// The viewer's cheap stamp read (web/js/viewer-latency.js with WebCodecs): only the stamp's
// band of a YUV frame's luma plane, as VideoFrame.copyTo gives it (own stride, limited range).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc8, decodeStamp, planeSampler, STAMP, stampGrid } from '../../../web/js/viewer-stamp.js';

// The luma of the band holding the stamp of `us` (white 235, black 16, grey 126), rows
// `stride` bytes apart (copyTo may pad rows).
function lumaBand(width, height, us, stride) {
  const g = stampGrid(width, height);
  const data = new Uint8Array(stride * g.height).fill(126);
  const data40 = us % 2 ** STAMP.dataBits;
  const bits = [1, 0];
  for (let i = STAMP.dataBits - 1; i >= 0; i -= 1) bits.push(Math.floor(data40 / 2 ** i) % 2);
  const check = crc8(data40, STAMP.dataBits);
  for (let i = STAMP.checkBits - 1; i >= 0; i -= 1) bits.push((check >> i) & 1);
  bits.forEach((bit, index) => {
    const x0 = (index % STAMP.cellsPerRow) * g.cell;
    const y0 = Math.floor(index / STAMP.cellsPerRow) * g.cell;
    for (let y = y0; y < y0 + g.cell; y += 1) data.fill(bit ? 235 : 16, y * stride + x0, y * stride + x0 + g.cell);
  });
  return { g, data };
}

test('a stamp reads back from the luma band alone, with padded rows', () => {
  const us = 1_795_836_120_732_123;
  for (const [w, h] of [[1280, 720], [320, 180]]) {
    const { g, data } = lumaBand(w, h, us, stampGrid(w, h).width + 64);
    assert.equal(decodeStamp(planeSampler(data, g.width + 64, g.x0, g.y0), w, h, us + 120_000), us, `${w}x${h}`);
  }
});

test('a flat or damaged luma band reads as null', () => {
  const g = stampGrid(640, 360);
  assert.equal(decodeStamp(planeSampler(new Uint8Array(g.width * g.height).fill(126), g.width, g.x0, g.y0),
    640, 360, 1e15), null);
  const us = 1_700_000_000_000_000;
  const { data } = lumaBand(640, 360, us, g.width);
  const x = 20 * g.cell + g.cell / 2;  // flip a check cell
  for (let dy = -3; dy < 3; dy += 1) {
    for (let dx = -3; dx < 3; dx += 1) {
      const o = (g.cell + g.cell / 2 + dy) * g.width + x + dx;
      data[o] = 251 - data[o];
    }
  }
  assert.equal(decodeStamp(planeSampler(data, g.width, g.x0, g.y0), 640, 360, us), null);
});
