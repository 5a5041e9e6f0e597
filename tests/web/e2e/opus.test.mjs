// The viewer on a stream whose audio is Opus (outputs.relay_audio_codec = "opus"), against a
// real hallcast-relay and hallcast-streamer in headless Chromium: the SourceBuffer is built from
// the init segment's Opus entry, the audio track is kept and decoded, and playback settles near
// the live edge with a hundred audio fragments a second.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { scaled, startRigAndBrowser } from './harness.mjs';

let rig;
let browser;

before(async () => {
  ({ rig, browser } = await startRigAndBrowser({ streamer: { relayAudioCodec: 'opus' } }));
});

after(async () => {
  await browser?.close();
  await rig?.close();
});

// Opens the viewer and waits until it plays past its join phase.
async function openViewer() {
  const page = await browser.newPage({ viewport: { width: 640, height: 360 } });
  page.setDefaultTimeout(scaled(30000));
  await page.goto(`${rig.base}/`);
  await page.waitForFunction(() => {
    const p = globalThis.hallcastStage?.player;
    return p && p.started && !p.joining && !p.video.paused && p.video.currentTime > 0.5;
  }, null, { timeout: scaled(30000), polling: 100 });
  return page;
}

function playerState(page) {
  return page.evaluate(() => {
    const p = globalThis.hallcastStage.player;
    const v = p.video;
    const b = v.buffered;
    return { mime: p.init.info.mime, audioSeen: Boolean(p.init.audioSeen),
      tracks: p.init.info.codecs.length, audioBytes: v.webkitAudioDecodedByteCount,
      time: v.currentTime, cushion: b.end(b.length - 1) - v.currentTime, target: p.targetS };
  });
}

test('an Opus stream plays with its audio, near the live edge', async () => {
  const page = await openViewer();
  try {
    const first = await playerState(page);
    assert.match(first.mime, /opus/, `SourceBuffer type ${first.mime}`);
    assert.equal(first.tracks, 2, 'video and audio both kept');
    assert.ok(first.audioSeen, 'audio samples arrived');
    // Decoded audio keeps growing while the picture plays (a dropped audio track would not).
    await page.waitForFunction((n) => {
      const v = globalThis.hallcastStage.player.video;
      return v.webkitAudioDecodedByteCount > n && !v.paused;
    }, first.audioBytes, { timeout: scaled(5000), polling: 100 });
    const near = await page.waitForFunction(() => {
      const p = globalThis.hallcastStage.player;
      const b = p.video.buffered;
      return b.end(b.length - 1) - p.video.currentTime < p.targetS + 0.25;
    }, null, { timeout: scaled(5000), polling: 50 }).then(() => true, () => false);
    const s = await playerState(page);
    assert.ok(near, `cushion ${s.cushion.toFixed(3)} s, target ${s.target.toFixed(3)} s`);
  } finally {
    await page.close();
  }
});
