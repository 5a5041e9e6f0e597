// Reads the capture-time block code that `hallcast-streamer --stamp-capture-time` paints into
// the picture (the same layout as common/include/hallcast/common/frame_stamp.hpp): square cells
// of width/40 pixels, two rows of 25 starting one cell from the left edge, centred vertically;
// cell 0 white, cell 1 black (reference levels), then 40 bits of the capture time in µs modulo
// 2^40 (most significant first) and their CRC-8, white = 1.
// Pure logic, no DOM: the caller supplies a sampler over the picture.

export const STAMP = {
  cellsPerRow: 25,
  rows: 2,
  widthDivisor: 40,
  dataBits: 40,
  checkBits: 8,
  minContrast: 64,
};

const DATA_RANGE = 2 ** STAMP.dataBits;

// Where the cells are in a width x height picture, or null if it is too small.
export function stampGrid(width, height) {
  const cell = Math.floor(width / STAMP.widthDivisor) & ~1;
  if (cell < 4 || height < cell * (STAMP.rows + 2)) return null;
  const x0 = cell;
  const y0 = (Math.floor(height / 2) - cell) & ~1;
  return { cell, x0, y0, width: STAMP.cellsPerRow * cell, height: STAMP.rows * cell };
}

export function crc8(value, bits) {
  let crc = 0;
  for (let i = bits - 1; i >= 0; i -= 1) {
    const bit = Math.floor(value / 2 ** i) % 2 === 1;
    const top = (crc & 0x80) !== 0;
    crc = (crc << 1) & 0xff;
    if (bit !== top) crc ^= 0x07;
  }
  return crc;
}

// sample(x, y, size) -> mean level 0..255 of that square. Returns the capture time (µs, the
// one nearest nowUs with those low 40 bits) or null when there is no valid stamp.
export function decodeStamp(sample, width, height, nowUs) {
  const g = stampGrid(width, height);
  if (!g) return null;
  const level = (index) => {
    const x = g.x0 + (index % STAMP.cellsPerRow) * g.cell;
    const y = g.y0 + Math.floor(index / STAMP.cellsPerRow) * g.cell;
    const q = Math.floor(g.cell / 4);
    return sample(x + q, y + q, Math.floor(g.cell / 2));
  };
  const hi = level(0);
  const lo = level(1);
  if (hi - lo < STAMP.minContrast) return null;
  const threshold = Math.floor((hi + lo) / 2);
  let data = 0;
  for (let i = 0; i < STAMP.dataBits; i += 1) data = data * 2 + (level(2 + i) > threshold ? 1 : 0);
  let check = 0;
  for (let i = 0; i < STAMP.checkBits; i += 1) {
    check = check * 2 + (level(2 + STAMP.dataBits + i) > threshold ? 1 : 0);
  }
  if (crc8(data, STAMP.dataBits) !== check) return null;
  let diff = (((nowUs - data) % DATA_RANGE) + DATA_RANGE) % DATA_RANGE;
  if (diff > DATA_RANGE / 2) diff -= DATA_RANGE;
  return nowUs - diff;
}

// A sampler over RGBA pixels (ImageData-like) holding the region starting at (left, top).
export function rgbaSampler(image, left = 0, top = 0) {
  return (x, y, size) => {
    let sum = 0;
    let n = 0;
    for (let row = y - top; row < y - top + size; row += 2) {
      for (let col = x - left; col < x - left + size; col += 2) {
        const i = (row * image.width + col) * 4;
        sum += image.data[i] + image.data[i + 1] + image.data[i + 2];
        n += 3;
      }
    }
    return n ? Math.floor(sum / n) : 0;
  };
}

// A sampler over one 8-bit plane (the luma of a YUV VideoFrame: the cheap read, no colour
// conversion) holding the region starting at (left, top), rows `stride` bytes apart.
export function planeSampler(data, stride, left = 0, top = 0) {
  return (x, y, size) => {
    let sum = 0;
    let n = 0;
    for (let row = y - top; row < y - top + size; row += 2) {
      for (let col = x - left; col < x - left + size; col += 2) {
        sum += data[row * stride + col];
        n += 1;
      }
    }
    return n ? Math.floor(sum / n) : 0;
  };
}

// p50 / p95 / max of samples (ms).
export function summarize(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p) => (s.length ? s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] : null);
  return { frames: s.length, p50_ms: at(0.5), p95_ms: at(0.95), max_ms: s.length ? s[s.length - 1] : null };
}
