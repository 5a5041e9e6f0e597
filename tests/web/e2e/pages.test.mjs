// Browser tests of the web pages against a real hallcast-relay and hallcast-streamer, driven
// through headless Debian Chromium (playwright-core). One rig for the whole file; the relay
// restart comes last.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SESSION, TOKENS, hallOf, programOf, scaled, startRigAndBrowser } from './harness.mjs';

const SHOTS = process.env.HALLCAST_SCREENSHOTS || '';
let rig;
let browser;
let viewer;      // the viewer page, open through every test
let display;     // the browser display page
const dialogs = [];

async function openPage(path, viewport = { width: 1280, height: 800 }) {
  const page = await browser.newPage({ viewport });
  page.setDefaultTimeout(scaled(30000));  // playwright's default, scaled for slow builds
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on('pageerror', (err) => console.error(`page error on ${path}:`, err.message));
  await page.goto(rig.base + path);
  return page;
}

async function login(page, token) {
  await page.locator('#token').fill(token);
  await page.locator('#login button[type="submit"]').click();
  await page.waitForSelector('#app:not([hidden])');
}

async function shot(page, name) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

// Video time on the page (the stage's player), polled in the page until cond holds.
function waitVideo(page, minTime, ms = 20000) {
  return page.waitForFunction((min) => {
    const v = document.querySelector('video');
    return v && v.currentTime > min && v.videoWidth > 0 && !v.paused;
  }, minTime, { timeout: scaled(ms), polling: 100 });
}

before(async () => {
  ({ rig, browser } = await startRigAndBrowser());
});

after(async () => {
  await browser?.close();
  await rig?.close();
});

test('the viewer plays live video: time advances, real picture size, near the live edge', async () => {
  const t0 = Date.now();
  viewer = await openPage('/');
  await waitVideo(viewer, 0.05);
  const startMs = Date.now() - t0;
  await waitVideo(viewer, 0);
  const first = await viewer.evaluate(() => document.querySelector('video').currentTime);
  await viewer.waitForFunction((t) => document.querySelector('video').currentTime > t + 1.5,
    first, { timeout: scaled(10000), polling: 100 });
  const v = await viewer.evaluate(() => {
    const el = document.querySelector('video');
    const b = el.buffered;
    return { w: el.videoWidth, h: el.videoHeight, behind: b.end(b.length - 1) - el.currentTime,
      latency: globalThis.hallcastStage.player.latencyMs() };
  });
  assert.equal(v.w, 640);
  assert.equal(v.h, 360);
  assert.ok(v.behind < 3, `buffered ahead ${v.behind.toFixed(2)} s: not near the live edge`);
  console.log(`# viewer: first frame after ${startMs} ms, ${v.behind.toFixed(2)} s buffered ahead, ` +
    `capture-to-screen ${v.latency === null ? '?' : Math.round(v.latency)} ms`);
  display = await openPage('/display', { width: 960, height: 540 });
  await waitVideo(display, 0.5);
  assert.equal(await display.evaluate(() => getComputedStyle(document.body).cursor), 'none');
  assert.equal(await display.locator('button').count(), 0);
  await shot(viewer, 'viewer-desktop');
});

test('a caption typed in the captioner console appears on the viewer and the display, in time with the picture', async () => {
  const cap = await openPage('/captioner');
  await login(cap, TOKENS.captioner);
  await cap.waitForFunction(() => globalThis.hallcastCaptioner?.relay?.authed === true, null, { timeout: scaled(10000) });
  // Record, in the viewer, when the line appears and where the video was then.
  await viewer.evaluate(() => {
    const stage = globalThis.hallcastStage;
    globalThis.captionSeen = null;
    // The first caption event (partial or final) carrying the words, and when they first show.
    stage.relay.on('caption', (m) => {
      if (!globalThis.captionArrived && m.text.includes('điều bắt buộc')) {
        globalThis.captionArrived = { t: m.t, at: performance.now() };
      }
    });
    new MutationObserver(() => {
      const text = document.querySelector('.captions').textContent;
      if (!globalThis.captionSeen && text.includes('điều bắt buộc')) {
        const arrival = globalThis.captionArrived;
        globalThis.captionSeen = { current: stage.player.currentSeconds(),
          due: arrival ? stage.clock.mediaTimeFor(arrival.t) : null,
          heldMs: arrival ? performance.now() - arrival.at : null };
      }
    }).observe(document.querySelector('.captions'), { childList: true, subtree: true, characterData: true });
  });
  const line = 'Chuyển đổi số là điều bắt buộc phải làm';
  const input = cap.locator('#caption-input');
  await input.click();
  await input.pressSequentially(line.slice(0, 14), { delay: 20 });
  // The partial line reaches viewers while typing.
  await viewer.waitForFunction(() => document.querySelector('.captions .partial') !== null, null, { timeout: scaled(10000) });
  await input.pressSequentially(line.slice(14), { delay: 5 });
  await input.press('Enter');
  assert.equal(await input.inputValue(), '');
  for (const page of [viewer, display, cap]) {
    await page.waitForFunction((text) => [...document.querySelectorAll('.captions .caption-line:not(.partial)')]
      .some((p) => p.textContent === text), line, { timeout: scaled(15000), polling: 100 });
  }
  const seen = await viewer.evaluate(() => globalThis.captionSeen);
  assert.ok(seen && seen.current !== null && seen.due !== null, JSON.stringify(seen));
  assert.ok(seen.current >= seen.due - 0.05,
    `caption shown at video ${seen.current} before its picture at ${seen.due}`);
  console.log(`# caption held ${Math.round(seen.heldMs)} ms on the viewer to match the picture`);
  assert.equal(await viewer.locator('.caption-history li').last().textContent(), line);
  await shot(cap, 'captioner');
  await shot(viewer, 'viewer-caption');
  await cap.close();
});

test('a caption with HTML is shown as text and runs nothing', async () => {
  const cap = await openPage('/captioner');
  await login(cap, TOKENS.captioner);
  const evil = '<img src=x onerror=alert(1)>';
  await cap.locator('#caption-input').fill(evil);
  await cap.locator('#caption-input').press('Enter');
  for (const page of [viewer, display]) {
    await page.waitForFunction((text) => document.querySelector('.captions').textContent.includes(text),
      evil, { timeout: scaled(15000), polling: 100 });
    assert.equal(await page.locator('.captions img, .caption-history img').count(), 0);
  }
  assert.deepEqual(dialogs, []);
  await cap.close();
});

test('an operator cut changes the tally on every operator page and the streamer\'s program', async () => {
  const a = await openPage('/operator');
  const b = await openPage('/operator', { width: 390, height: 844 });
  await login(a, TOKENS.operator);
  await login(b, TOKENS.operator);
  for (const p of [a, b]) await p.waitForSelector('.source-tile[data-source="cam-2"]', { timeout: scaled(10000) });
  const before = programOf(await rig.apiState());
  const target = before === 'cam-2' ? 'cam-1' : 'cam-2';
  await a.locator(`.source-tile[data-source="${target}"]`).click();
  await a.waitForSelector(`.source-tile.preview[data-source="${target}"]`);
  await a.locator('#cut').click();
  for (const p of [a, b]) {
    await p.waitForSelector(`.source-tile.program[data-source="${target}"]`, { timeout: scaled(10000) });
    assert.equal(await p.locator('.source-tile.program').count(), 1);
  }
  await rig.waitState((s) => programOf(s) === target, 10000, `program ${target} in /api/state`);
  // Keyboard: Shift+1 cuts straight to the first source.
  await b.keyboard.press('Shift+Digit1');
  for (const p of [a, b]) await p.waitForSelector('.source-tile.program[data-source="cam-1"]', { timeout: scaled(10000) });
  await rig.waitState((s) => programOf(s) === 'cam-1', 10000, 'program cam-1 in /api/state');
  await shot(a, 'operator-desktop');
  await shot(b, 'operator-phone');
  globalThis.operatorPage = a;
  await b.close();
});

test('a title fired from the schedule appears on the viewer and the display', async () => {
  const op = globalThis.operatorPage;
  const session = op.locator(`.session[data-session="${SESSION.id}"]`);
  const listed = await session.waitFor({ timeout: scaled(3000) }).then(() => true, () => false);
  if (listed) {
    await session.locator('.fire-speaker[data-speaker="0"]').click();
  } else {
    // /api/state without the schedule: step through it with the relay's "next" (session title,
    // then its first speaker).
    console.log('# schedule not in /api/state: firing with Next');
    await op.locator('#title-next').click();
    await op.waitForFunction((title) => document.querySelector('#title-onair').textContent.includes(title),
      SESSION.title, { timeout: scaled(10000) });
    await op.locator('#title-next').click();
  }
  for (const page of [viewer, display]) {
    await page.waitForFunction(({ name, title }) => {
      const lower = document.querySelector('.lower-third');
      const bar = document.querySelector('.title-bar');
      return !lower.hidden && lower.querySelector('.speaker-name').textContent === name &&
        !bar.hidden && bar.textContent.trim() === title;
    }, { name: SESSION.speaker, title: SESSION.title }, { timeout: scaled(15000), polling: 100 });
  }
  assert.equal(await viewer.locator('.speaker-role').textContent(), SESSION.role);
  await shot(viewer, 'viewer-title');
  const phone = await openPage('/', { width: 390, height: 844 });
  await waitVideo(phone, 0.2);
  await phone.waitForSelector('.lower-third:not([hidden])', { timeout: scaled(15000) });
  await shot(phone, 'viewer-phone');
  await phone.close();
  await op.locator('#title-clear').click();
  await viewer.waitForSelector('.lower-third', { state: 'hidden', timeout: scaled(15000) });
  await op.close();
});

test('the viewer recovers by itself after the relay restarts', async () => {
  const gen = await viewer.evaluate(() => {
    globalThis.hellos = 0;
    globalThis.hallcastStage.relay.on('hello', () => { globalThis.hellos += 1; });
    return globalThis.hallcastStage.player.generation;
  });
  await rig.restartRelay();
  await rig.waitLive(30000);
  // A new hello, a new init segment (new MediaSource), then the picture moves again.
  await viewer.waitForFunction((g) => globalThis.hellos >= 1 &&
    globalThis.hallcastStage.player.generation > g && globalThis.hallcastStage.playerState === 'playing',
  gen, { timeout: scaled(30000), polling: 100 });
  const t = await viewer.evaluate(() => document.querySelector('video').currentTime);
  await viewer.waitForFunction((t0) => document.querySelector('video').currentTime > t0 + 1.5,
    t, { timeout: scaled(15000), polling: 100 });
  await display.waitForFunction(() => globalThis.hallcastStage.playerState === 'playing' &&
    globalThis.hallcastStage.relayState === 'open', null, { timeout: scaled(30000), polling: 100 });
  assert.ok(hallOf(await rig.apiState()), 'hall listed after restart');
});
