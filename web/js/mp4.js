// Just enough ISO BMFF (fMP4) parsing for a MediaSource player: the codecs string of an init
// segment (ftyp+moov) and the start time of a fragment (moof+mdat) on the SourceBuffer timeline.
// Pure functions: no DOM, usable from node --test. Malformed input gives null, never throws.

const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'moof', 'traf', 'mvex']);

function fourcc(bytes, at) {
  return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
}

function viewOf(bytes) {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// Yields {type, start, end, body} for the boxes directly inside bytes[from, to).
export function* boxes(bytes, from = 0, to = bytes.byteLength) {
  const view = viewOf(bytes);
  let at = from;
  while (at + 8 <= to) {
    let size = view.getUint32(at);
    const type = fourcc(bytes, at + 4);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) return;
      size = view.getUint32(at + 8) * 2 ** 32 + view.getUint32(at + 12);
      header = 16;
    } else if (size === 0) {
      size = to - at;
    }
    if (size < header || at + size > to) return;
    yield { type, start: at, end: at + size, body: at + header };
    at += size;
  }
}

// The first box at the given path, e.g. find(bytes, ['moov', 'trak']); null if absent.
export function findBox(bytes, path, from = 0, to = bytes.byteLength) {
  for (const box of boxes(bytes, from, to)) {
    if (box.type !== path[0]) continue;
    if (path.length === 1) return box;
    return findBox(bytes, path.slice(1), box.body, box.end);
  }
  return null;
}

function childrenOf(bytes, box, type) {
  const out = [];
  for (const b of boxes(bytes, box.body, box.end)) if (b.type === type) out.push(b);
  return out;
}

function hex2(n) {
  return n.toString(16).toUpperCase().padStart(2, '0');
}

// Sample entry sizes before their child boxes (ISO/IEC 14496-12 VisualSampleEntry and
// AudioSampleEntry, counted from the end of the box header).
const VISUAL_ENTRY_FIELDS = 78;
const AUDIO_ENTRY_FIELDS = 28;

function avcCodec(bytes, entry) {
  const avcC = findBox(bytes, ['avcC'], entry.body + VISUAL_ENTRY_FIELDS, entry.end);
  if (!avcC || avcC.body + 4 > avcC.end) return null;
  const b = avcC.body;
  return `${entry.type}.${hex2(bytes[b + 1])}${hex2(bytes[b + 2])}${hex2(bytes[b + 3])}`;
}

// Reads an MPEG-4 descriptor's tag and length; returns {tag, body, end}.
function descriptor(bytes, at, end) {
  if (at + 2 > end) return null;
  const tag = bytes[at];
  let length = 0;
  let i = at + 1;
  for (let n = 0; n < 4 && i < end; n += 1) {
    const b = bytes[i++];
    length = (length << 7) | (b & 0x7f);
    if (!(b & 0x80)) break;
  }
  return { tag, body: i, end: Math.min(i + length, end) };
}

function mp4aCodec(bytes, entry) {
  const esds = findBox(bytes, ['esds'], entry.body + AUDIO_ENTRY_FIELDS, entry.end);
  if (!esds) return 'mp4a.40.2';
  const es = descriptor(bytes, esds.body + 4, esds.end);  // after version+flags
  if (!es || es.tag !== 0x03) return 'mp4a.40.2';
  const esFlags = bytes[es.body + 2];
  let at = es.body + 3;
  if (esFlags & 0x80) at += 2;                       // dependsOn_ES_ID
  if (esFlags & 0x40) at += 1 + bytes[at];           // URL
  if (esFlags & 0x20) at += 2;                       // OCR_ES_Id
  const dc = descriptor(bytes, at, es.end);
  if (!dc || dc.tag !== 0x04) return 'mp4a.40.2';
  const objectType = bytes[dc.body];
  if (objectType !== 0x40) return `mp4a.${hex2(objectType).toLowerCase()}`;
  const dsi = descriptor(bytes, dc.body + 13, dc.end);
  const aot = dsi && dsi.tag === 0x05 && dsi.body < dsi.end ? bytes[dsi.body] >> 3 : 2;
  return `mp4a.40.${aot || 2}`;
}

function sampleEntryCodec(bytes, entry) {
  switch (entry.type) {
    case 'avc1': case 'avc3': return avcCodec(bytes, entry);
    case 'mp4a': return mp4aCodec(bytes, entry);
    case 'Opus': return 'opus';
    case 'vp09': return 'vp09.00.10.08';
    default: return null;
  }
}

function handlerOf(bytes, trak) {
  const hdlr = findBox(bytes, ['mdia', 'hdlr'], trak.body, trak.end);
  return hdlr ? fourcc(bytes, hdlr.body + 8) : '';
}

function trackIdOf(bytes, trak) {
  const tkhd = findBox(bytes, ['tkhd'], trak.body, trak.end);
  if (!tkhd) return 0;
  const version = bytes[tkhd.body];
  return viewOf(bytes).getUint32(tkhd.body + (version === 1 ? 20 : 12));
}

function timescaleOf(bytes, trak) {
  const mdhd = findBox(bytes, ['mdia', 'mdhd'], trak.body, trak.end);
  if (!mdhd) return 0;
  const version = bytes[mdhd.body];
  return viewOf(bytes).getUint32(mdhd.body + (version === 1 ? 20 : 12));
}

// Parses an init segment: {mime, codecs: [...], video: {trackId, timescale}|null} or null.
export function parseInit(data) {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const moov = findBox(bytes, ['moov']);
  if (!moov) return null;
  const codecs = [];
  const tracks = [];
  let video = null;
  let audioOnly = true;
  for (const trak of childrenOf(bytes, moov, 'trak')) {
    const handler = handlerOf(bytes, trak);
    const stsd = findBox(bytes, ['mdia', 'minf', 'stbl', 'stsd'], trak.body, trak.end);
    if (!stsd) continue;
    const first = boxes(bytes, stsd.body + 8, stsd.end).next().value;  // after ver/flags+count
    const codec = first ? sampleEntryCodec(bytes, first) : null;
    if (!codec) continue;
    codecs.push(codec);
    tracks.push({ trackId: trackIdOf(bytes, trak), handler, codec });
    if (handler === 'vide' && !video) {
      audioOnly = false;
      video = { trackId: trackIdOf(bytes, trak), timescale: timescaleOf(bytes, trak) };
    }
  }
  if (codecs.length === 0) return null;
  const type = audioOnly ? 'audio/mp4' : 'video/mp4';
  return { mime: `${type}; codecs="${codecs.join(',')}"`, codecs, video, tracks };
}

// The decode time (seconds) of the given track's first sample in a moof+mdat fragment, from
// its tfdt box; null if the fragment has no tfdt for that track.
export function fragmentStartSeconds(data, track) {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (!track || !track.timescale) return null;
  const moof = findBox(bytes, ['moof']);
  if (!moof) return null;
  const view = viewOf(bytes);
  for (const traf of childrenOf(bytes, moof, 'traf')) {
    const tfhd = findBox(bytes, ['tfhd'], traf.body, traf.end);
    if (!tfhd || view.getUint32(tfhd.body + 4) !== track.trackId) continue;
    const tfdt = findBox(bytes, ['tfdt'], traf.body, traf.end);
    if (!tfdt) return null;
    const version = bytes[tfdt.body];
    const ticks = version === 1
      ? view.getUint32(tfdt.body + 4) * 2 ** 32 + view.getUint32(tfdt.body + 8)
      : view.getUint32(tfdt.body + 4);
    return ticks / track.timescale;
  }
  return null;
}

// The track ids of the traf boxes in a moof+mdat fragment.
export function fragmentTrackIds(data) {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const moof = findBox(bytes, ['moof']);
  if (!moof) return [];
  const view = viewOf(bytes);
  const ids = [];
  for (const traf of childrenOf(bytes, moof, 'traf')) {
    const tfhd = findBox(bytes, ['tfhd'], traf.body, traf.end);
    if (tfhd && tfhd.body + 8 <= tfhd.end) ids.push(view.getUint32(tfhd.body + 4));
  }
  return ids;
}

function writeBox(type, parts) {
  const size = 8 + parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, size);
  for (let i = 0; i < 4; i += 1) out[4 + i] = type.charCodeAt(i);
  let at = 8;
  for (const p of parts) { out.set(p, at); at += p.byteLength; }
  return out;
}

// A copy of an init segment keeping only the given track ids (their trak and trex boxes): for a
// stream that declares a track it never sends, which MediaSource would wait for forever.
export function keepTracks(data, trackIds) {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const keep = new Set(trackIds);
  const view = viewOf(bytes);
  const top = [];
  for (const box of boxes(bytes)) {
    if (box.type !== 'moov') { top.push(bytes.subarray(box.start, box.end)); continue; }
    const children = [];
    for (const child of boxes(bytes, box.body, box.end)) {
      if (child.type === 'trak') {
        if (keep.has(trackIdOf(bytes, child))) children.push(bytes.subarray(child.start, child.end));
      } else if (child.type === 'mvex') {
        const inner = [];
        for (const m of boxes(bytes, child.body, child.end)) {
          if (m.type === 'trex' && !keep.has(view.getUint32(m.body + 4))) continue;
          inner.push(bytes.subarray(m.start, m.end));
        }
        children.push(writeBox('mvex', inner));
      } else {
        children.push(bytes.subarray(child.start, child.end));
      }
    }
    top.push(writeBox('moov', children));
  }
  const out = new Uint8Array(top.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of top) { out.set(p, at); at += p.byteLength; }
  return out;
}
