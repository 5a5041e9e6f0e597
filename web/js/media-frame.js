// Binary media frames on hallcast.live.v1 (contract: docs/protocol.md, "Binary frames").
//
//   offset size field
//   0      1    version (1)
//   1      1    kind: 0 = init segment (ftyp+moov), 1 = fragment (moof+mdat)
//   2      1    flags: bit 0 = fragment starts with a keyframe, bit 1 = audio only (no video)
//   3      1    header length in bytes (24 for version 1); payload starts here
//   4      8    media timestamp, µs, big-endian
//   12     8    capture wall-clock time, µs since the Unix epoch, big-endian
//   20     4    sequence number, big-endian
// Pure functions: no DOM, usable from node --test.

export const FRAME_VERSION = 1;
export const FRAME_HEADER_SIZE = 24;
export const KIND_INIT = 0;
export const KIND_FRAGMENT = 1;

// Reads a big-endian unsigned 64-bit value as a Number (exact up to 2^53 µs ≈ 285 years).
function readU64(view, offset) {
  return view.getUint32(offset) * 2 ** 32 + view.getUint32(offset + 4);
}

// Parses one frame (ArrayBuffer or Uint8Array). Returns null if it is too short, of an unknown
// version or kind, or declares a header longer than the frame.
export function parseMediaFrame(data) {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (bytes.byteLength < FRAME_HEADER_SIZE) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint8(0);
  const kind = view.getUint8(1);
  const headerLength = view.getUint8(3);
  if (version !== FRAME_VERSION) return null;
  if (kind !== KIND_INIT && kind !== KIND_FRAGMENT) return null;
  if (headerLength < FRAME_HEADER_SIZE || headerLength > bytes.byteLength) return null;
  return {
    kind,
    keyframe: (view.getUint8(2) & 1) === 1,
    audioOnly: (view.getUint8(2) & 2) === 2,
    mediaTimeUs: readU64(view, 4),
    captureTimeUs: readU64(view, 12),
    sequence: view.getUint32(20),
    payload: bytes.subarray(headerLength),
  };
}

// Builds a frame (used by tests and tools; the relay and streamer build them in C++).
export function buildMediaFrame({ kind, keyframe = false, audioOnly = false, mediaTimeUs = 0,
  captureTimeUs = 0, sequence = 0 }, payload) {
  const out = new Uint8Array(FRAME_HEADER_SIZE + payload.byteLength);
  const view = new DataView(out.buffer);
  view.setUint8(0, FRAME_VERSION);
  view.setUint8(1, kind);
  view.setUint8(2, (keyframe ? 1 : 0) | (audioOnly ? 2 : 0));
  view.setUint8(3, FRAME_HEADER_SIZE);
  view.setUint32(4, Math.floor(mediaTimeUs / 2 ** 32));
  view.setUint32(8, mediaTimeUs % 2 ** 32);
  view.setUint32(12, Math.floor(captureTimeUs / 2 ** 32));
  view.setUint32(16, captureTimeUs % 2 ** 32);
  view.setUint32(20, sequence >>> 0);
  out.set(payload, FRAME_HEADER_SIZE);
  return out;
}
