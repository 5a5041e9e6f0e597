// Codec strings and fragment times read from real fMP4 made by FFmpeg (H.264 + AAC, the
// profiles hallcast's streamer uses).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { boxes, findBox, fragmentStartSeconds, fragmentTrackIds, keepTracks, parseInit }
  from '../../../web/js/mp4.js';

function makeFmp4(profile, level, audio = true) {
  const args = ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i',
    'testsrc2=size=320x180:rate=25:duration=3'];
  if (audio) args.push('-f', 'lavfi', '-i', 'sine=frequency=440:duration=3');
  args.push('-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-profile:v', profile, '-level', level,
    '-g', '25', '-keyint_min', '25', '-sc_threshold', '0');
  if (audio) args.push('-c:a', 'aac', '-b:a', '64k');
  args.push('-movflags', 'frag_keyframe+empty_moov+default_base_moof', '-f', 'mp4', 'pipe:1');
  return new Uint8Array(execFileSync('ffmpeg', args, { maxBuffer: 64 << 20 }));
}

// Splits a fragmented MP4 into the init segment and the moof+mdat fragments.
function split(bytes) {
  const list = [...boxes(bytes)];
  const moofAt = list.findIndex((b) => b.type === 'moof');
  const init = bytes.subarray(0, list[moofAt].start);
  const fragments = [];
  for (let i = moofAt; i < list.length; i += 1) {
    if (list[i].type !== 'moof') continue;
    const mdat = list[i + 1];
    fragments.push(bytes.subarray(list[i].start, mdat.end));
  }
  return { init, fragments };
}

test('H.264 constrained baseline 3.0 + AAC-LC', () => {
  const { init } = split(makeFmp4('baseline', '3.0'));
  const info = parseInit(init);
  assert.deepEqual(info.codecs, ['avc1.42C01E', 'mp4a.40.2']);
  assert.equal(info.mime, 'video/mp4; codecs="avc1.42C01E,mp4a.40.2"');
  assert.ok(info.video.trackId > 0);
  assert.ok(info.video.timescale > 0);
});

test('H.264 main 3.1 without audio', () => {
  const { init } = split(makeFmp4('main', '3.1', false));
  assert.deepEqual(parseInit(init).codecs, ['avc1.4D401F']);
});

test('fragment start times follow the keyframes (one per second)', () => {
  const { init, fragments } = split(makeFmp4('baseline', '3.0'));
  const { video } = parseInit(init);
  const starts = fragments.map((f) => fragmentStartSeconds(f, video)).filter((s) => s !== null);
  assert.ok(starts.length >= 3, `video fragments: ${starts.length}`);
  starts.slice(0, 3).forEach((s, i) => assert.ok(Math.abs(s - i) < 0.05, `fragment ${i} at ${s}`));
});

test('garbage is refused without throwing', () => {
  assert.equal(parseInit(new Uint8Array([0, 0, 0, 8, 0x66, 0x72, 0x65, 0x65])), null);
  assert.equal(parseInit(new Uint8Array(3)), null);
  const lying = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x6d, 0x6f, 0x6f, 0x76]);
  assert.equal(parseInit(lying), null);
  assert.equal(fragmentStartSeconds(new Uint8Array(40), { trackId: 1, timescale: 90000 }), null);
});

test('fragment track ids, and an init segment cut down to its video track', () => {
  const { init, fragments } = split(makeFmp4('baseline', '3.0'));
  const info = parseInit(init);
  const ids = info.tracks.map((t) => t.trackId);
  assert.deepEqual(info.tracks.map((t) => t.handler), ['vide', 'soun']);
  const seen = new Set(fragments.flatMap((f) => fragmentTrackIds(f)));
  assert.deepEqual([...seen].sort(), [...ids].sort());
  const videoOnly = keepTracks(init, [info.video.trackId]);
  const cut = parseInit(videoOnly);
  assert.deepEqual(cut.codecs, ['avc1.42C01E']);
  assert.equal(cut.mime, 'video/mp4; codecs="avc1.42C01E"');
  const moov = findBox(videoOnly, ['moov']);
  const kinds = [...boxes(videoOnly, moov.body, moov.end)].map((b) => b.type);
  assert.equal(kinds.filter((k) => k === 'trak').length, 1);
  const mvex = findBox(videoOnly, ['moov', 'mvex']);
  assert.equal([...boxes(videoOnly, mvex.body, mvex.end)].filter((b) => b.type === 'trex').length, 1);
  assert.equal(moov.end, videoOnly.byteLength);  // sizes rewritten consistently
});
