// A stand-in for the relay inside the browser: serves web/ (with the relay's kind of CSP) and
// answers the pages' WebSockets through playwright's routeWebSocket, with real fMP4 made by
// FFmpeg sent live-paced. For testing the pages' own logic precisely (caption timing, IME,
// recovery) without the C++ processes; the e2e tests run the real ones.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { buildMediaFrame, KIND_FRAGMENT, KIND_INIT } from '../../../web/js/media-frame.js';
import { boxes } from '../../../web/js/mp4.js';
import { REPO } from '../e2e/harness.mjs';

export const ORIGIN = 'http://hallcast.test';
export const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
const PAGES = { '/': 'index.html', '/operator': 'operator.html', '/captioner': 'captioner.html',
  '/display': 'display.html' };
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8' };

// Live-like fMP4: 640x360 H.264 baseline + AAC, a keyframe (and fragment) every 0.5 s.
export function makeStream(seconds = 30) {
  const out = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error',
    '-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=25:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`,
    '-c:v', 'libx264', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p', '-g', '12',
    '-keyint_min', '12', '-sc_threshold', '0', '-tune', 'zerolatency', '-c:a', 'aac', '-b:a', '64k',
    '-movflags', 'frag_keyframe+empty_moov+default_base_moof', '-f', 'mp4', 'pipe:1'],
  { maxBuffer: 256 << 20 });
  const bytes = new Uint8Array(out);
  const list = [...boxes(bytes)];
  const moofAt = list.findIndex((b) => b.type === 'moof');
  const init = bytes.slice(0, list[moofAt].start);
  const fragments = [];
  for (let i = moofAt; i + 1 < list.length; i += 2) {
    fragments.push(bytes.slice(list[i].start, list[i + 1].end));
  }
  return { init, fragments, fragmentS: seconds / fragments.length };
}

export async function serveWeb(page, { apiState = {} } = {}) {
  await page.route(`${ORIGIN}/**`, (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/api/state') {
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(apiState) });
    }
    const rel = PAGES[url.pathname] || normalize(url.pathname).replace(/^\/+/, '');
    if (rel.startsWith('..')) return route.fulfill({ status: 404 });
    try {
      const body = readFileSync(join(REPO, 'web', rel));
      return route.fulfill({ status: 200, body, headers: { 'content-type': TYPES[extname(rel)] ||
        'application/octet-stream', 'content-security-policy': CSP } });
    } catch {
      return route.fulfill({ status: 404, body: 'not found' });
    }
  });
}

// One hall's live channel: every page socket that asks for hallcast.live.v1 gets hello, the
// init segment and then fragments paced in real time; control sockets get hello and acks.
export class FakeRelay {
  constructor(stream, hello) {
    this.stream = stream;
    this.hello = hello;
    this.live = new Set();
    this.control = new Set();
    this.received = [];          // JSON messages from control sockets
    this.timer = null;
    this.index = 0;
    this.epochMs = Date.now();   // capture wall-clock of media time 0
    this.captureSkewMs = 0;
  }

  async attach(page) {
    await page.routeWebSocket(/^ws:\/\/hallcast\.test\//, (ws) => this.accept(ws));
  }

  accept(ws) {
    const isControl = ws.protocols().includes('hallcast.control.v1');
    (isControl ? this.control : this.live).add(ws);
    ws.onClose(() => { this.live.delete(ws); this.control.delete(ws); });
    ws.onMessage((m) => this.onMessage(ws, m));
    ws.send(JSON.stringify(this.hello));
    if (!isControl && this.timer) this.sendInit(ws);
  }

  onMessage(ws, message) {
    const msg = JSON.parse(String(message));
    this.received.push(msg);
    ws.send(JSON.stringify({ type: 'ack', ref: msg.type, id: msg.id }));
  }

  broadcast(event) {
    for (const ws of [...this.live, ...this.control]) ws.send(JSON.stringify(event));
  }

  sendInit(ws) {
    ws.send(Buffer.from(buildMediaFrame({ kind: KIND_INIT }, this.stream.init)));
    this.joinFrom = this.index;
  }

  frame(i) {
    const mediaUs = Math.round(i * this.stream.fragmentS * 1e6);
    return Buffer.from(buildMediaFrame({ kind: KIND_FRAGMENT, keyframe: true, mediaTimeUs: mediaUs,
      captureTimeUs: (this.epochMs + this.captureSkewMs) * 1000 + mediaUs, sequence: i },
    this.stream.fragments[i % this.stream.fragments.length]));
  }

  // Starts the stream: fragment i is "captured" at epoch + i * fragmentS and sent then.
  start() {
    this.epochMs = Date.now();
    this.index = 0;
    for (const ws of this.live) this.sendInit(ws);
    const tick = () => {
      if (this.index >= this.stream.fragments.length) return;
      const f = this.frame(this.index);
      for (const ws of this.live) ws.send(f);
      this.index += 1;
      const due = this.epochMs + this.index * this.stream.fragmentS * 1000;
      this.timer = setTimeout(tick, Math.max(0, due - Date.now()));
    };
    this.timer = setTimeout(tick, 0);
  }

  stop() {
    clearTimeout(this.timer);
    this.timer = null;
  }

  // Wall-clock ms at which media time s was captured.
  captureMsOf(s) {
    return this.epochMs + s * 1000;
  }

  dropAll() {
    for (const ws of [...this.live, ...this.control]) ws.close({ code: 1012, reason: "restart" }).catch(() => {});
  }
}
