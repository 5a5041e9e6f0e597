// The viewer's reader of the capture-time block code (web/js/viewer-stamp.js), on pictures
// painted here with the layout the streamer uses (common/include/hallcast/common/frame_stamp.hpp).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc8, decodeStamp, rgbaSampler, STAMP, stampGrid, summarize } from '../../../web/js/viewer-stamp.js';

// An RGBA picture (grey) with the stamp of `us` painted in.
function picture(width, height, us) {
  const data = new Uint8ClampedArray(width * height * 4).fill(128);
  const g = stampGrid(width, height);
  const data40 = us % 2 ** STAMP.dataBits;
  const bits = [1, 0];
  for (let i = STAMP.dataBits - 1; i >= 0; i -= 1) bits.push(Math.floor(data40 / 2 ** i) % 2);
  const check = crc8(data40, STAMP.dataBits);
  for (let i = STAMP.checkBits - 1; i >= 0; i -= 1) bits.push((check >> i) & 1);
  bits.forEach((bit, index) => {
    const x0 = g.x0 + (index % STAMP.cellsPerRow) * g.cell;
    const y0 = g.y0 + Math.floor(index / STAMP.cellsPerRow) * g.cell;
    for (let y = y0; y < y0 + g.cell; y += 1) {
      for (let x = x0; x < x0 + g.cell; x += 1) {
        const o = (y * width + x) * 4;
        data.fill(bit ? 255 : 0, o, o + 3);
      }
    }
  });
  return { data, width, height };
}

test('a painted stamp reads back, resolving the 2^40 µs wrap against now', () => {
  const us = 1_800_000_123_456_789;  // beyond 2^40 (and exact in a double)
  const img = picture(1280, 720, us);
  assert.equal(decodeStamp(rgbaSampler(img), 1280, 720, us + 90_000), us);
  assert.equal(decodeStamp(rgbaSampler(img), 1280, 720, us - 3_000), us);
});

test('the same layout as the streamer: cells of width/40, even, centred vertically', () => {
  assert.deepEqual(stampGrid(1280, 720), { cell: 32, x0: 32, y0: 328, width: 800, height: 64 });
  assert.deepEqual(stampGrid(320, 180), { cell: 8, x0: 8, y0: 82, width: 200, height: 16 });
  assert.equal(stampGrid(100, 50), null);
});

test('no stamp, or a damaged one, reads as null', () => {
  const plain = { data: new Uint8ClampedArray(640 * 360 * 4).fill(128), width: 640, height: 360 };
  assert.equal(decodeStamp(rgbaSampler(plain), 640, 360, 1e15), null);
  const img = picture(640, 360, 1_700_000_000_000_000);
  const g = stampGrid(640, 360);
  const x = g.x0 + 12 * g.cell + g.cell / 2;  // flip a data cell
  const y = g.y0 + g.cell / 2;
  for (let dy = -4; dy < 4; dy += 1) {
    for (let dx = -4; dx < 4; dx += 1) {
      const o = ((y + dy) * 640 + x + dx) * 4;
      img.data.fill(255 - img.data[o], o, o + 3);
    }
  }
  assert.equal(decodeStamp(rgbaSampler(img), 640, 360, 1_700_000_000_000_000), null);
});

test('a sampler over a cropped band reads the same as over the whole picture', () => {
  const us = 1_700_000_000_123_456;
  const img = picture(640, 360, us);
  const g = stampGrid(640, 360);
  const band = { width: g.width, height: g.height, data: new Uint8ClampedArray(g.width * g.height * 4) };
  for (let y = 0; y < g.height; y += 1) {
    const from = ((g.y0 + y) * 640 + g.x0) * 4;
    band.data.set(img.data.subarray(from, from + g.width * 4), y * g.width * 4);
  }
  assert.equal(decodeStamp(rgbaSampler(band, g.x0, g.y0), 640, 360, us), us);
});

test('summaries: p50, p95, max', () => {
  const s = summarize(Array.from({ length: 100 }, (_, i) => i + 1));
  assert.deepEqual(s, { frames: 100, p50_ms: 50, p95_ms: 95, max_ms: 100 });
  assert.deepEqual(summarize([]), { frames: 0, p50_ms: null, p95_ms: null, max_ms: null });
});
