// The browser leg of the latency bench: the viewer page with ?measure=1 in Debian's headless
// Chromium (playwright-core from tests/web/node_modules), on the relay path.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const require = createRequire(new URL('../../tests/web/package.json', import.meta.url));

export async function runBrowser({ url, seconds, warmupMs, out, name = 'browser' }) {
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env.HALLCAST_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--autoplay-policy=no-user-gesture-required'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url);
    await page.waitForFunction(() => globalThis.hallcastLatency && globalThis.hallcastLatency.stamp.length > 0,
      null, { timeout: 30000 });
    await page.waitForTimeout(warmupMs);
    await page.evaluate(() => globalThis.hallcastLatency.reset());
    await page.waitForTimeout(seconds * 1000);
    const r = await page.evaluate(() => ({ summary: globalThis.hallcastLatency.summary(),
      stamp: globalThis.hallcastLatency.stamp }));
    writeFileSync(join(out, `${name}.json`), JSON.stringify(r));
    const s = r.summary;
    return { receiver: 'viewer page in headless Chromium (MediaSource, relay)', frames: s.stamp.frames,
      p50_ms: s.stamp.p50_ms, p95_ms: s.stamp.p95_ms, max_ms: s.stamp.max_ms, stalls: s.stalls,
      waiting: s.waiting, max_gap_ms: s.max_gap_ms, header: s.header, unstamped: s.unstamped };
  } finally {
    await browser.close();
  }
}
