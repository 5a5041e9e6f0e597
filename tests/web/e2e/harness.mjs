// Starts the real hallcast-relay and hallcast-streamer for browser tests, and headless Chromium.
// Binaries come from HALLCAST_BIN_DIR (set by CTest: <build>/bin). Every wait has a deadline.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const BIN_DIR = process.env.HALLCAST_BIN_DIR || join(REPO, 'build', 'bin');
// Each binary may be overridden (HALLCAST_E2E_RELAY, HALLCAST_E2E_STREAMER) for development.
export const RELAY_BIN = process.env.HALLCAST_E2E_RELAY || join(BIN_DIR, 'hallcast-relay');
export const STREAMER_BIN = process.env.HALLCAST_E2E_STREAMER || join(BIN_DIR, 'hallcast-streamer');

// The programs read HALLCAST_<TABLE>_<KEY> as config overrides: give them none of ours.
function childEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HALLCAST_')));
}
export const CHROMIUM = process.env.HALLCAST_CHROMIUM || '/usr/bin/chromium';
export const TOKENS = { publisher: 'e2e-publisher', operator: 'e2e-operator', captioner: 'e2e-captioner' };
export const HALL = 'hoi-truong';
export const SESSION = {
  id: 'hoi-thao-1',
  title: 'Thúc đẩy chương trình chuyển đổi số tỉnh Thanh Hóa năm 2022',
  speaker: 'Ông Mai Xuân Liêm',
  role: 'Phó Chủ tịch UBND tỉnh Thanh Hóa, Phó trưởng ban Chuyển đổi số tỉnh Thanh Hóa',
};

const LISTENING = /hallcast-relay listening on ([0-9.]+):(\d+)/;

// Slow builds (the sanitizer build) run the programs slower: every deadline a test waits on is
// multiplied by HALLCAST_TEST_TIME_SCALE (set by CTest; >= 1, default 1). Only waits, never
// what a test checks.
const scaleEnv = Number(process.env.HALLCAST_TEST_TIME_SCALE);
export const TIME_SCALE = Number.isFinite(scaleEnv) && scaleEnv >= 1 ? scaleEnv : 1;
export function scaled(ms) {
  return Math.ceil(ms * TIME_SCALE);
}

// A small event for speed: 640x360, two test-pattern cameras and the slides, one hall whose
// session runs all day today (so the standby screen has a "next session"); relayAudioCodec is
// the streamer's outputs.relay_audio_codec.
export function configText({ relayUrl, stateDir, relayAudioCodec = 'aac' }) {
  const today = new Date().toISOString().slice(0, 10);
  return `
[event]
id = "e2e"
name = "Ngày Chuyển đổi số quốc gia 2022 tại Thanh Hóa"
organiser = "UBND tỉnh Thanh Hóa"
venue = "Tòa nhà Trung tâm công nghệ thông tin tỉnh Thanh Hóa"
timezone = "Asia/Ho_Chi_Minh"
dev = true

[[halls]]
id = "${HALL}"
name = "Hội trường"

[[sessions]]
id = "${SESSION.id}"
title = "${SESSION.title}"
hall = "${HALL}"
start = ${today}T00:00:00+00:00
end = ${today}T23:59:00+00:00
speakers = [
  { name = "${SESSION.speaker}", role = "${SESSION.role}" },
  { name = "Ông Nguyễn Phú Tiến", role = "Phó Cục trưởng Cục Chuyển đổi số quốc gia, Bộ TT-TT" },
]

[[sources]]
id = "cam-1"
label = "Camera 1 — Toàn cảnh hội trường"
kind = "test"
hall = "${HALL}"
pattern = "smpte"

[[sources]]
id = "cam-2"
label = "Camera 2 — Bục phát biểu"
kind = "test"
hall = "${HALL}"
pattern = "ball"
audio_freq = 660.0

[[sources]]
id = "slides"
label = "Máy tính trình chiếu"
kind = "test"
hall = "${HALL}"
pattern = "pinwheel"
audio = false

[program]
width = 640
height = 360
framerate = 25
video_bitrate_kbps = 800
keyframe_interval_ms = 1000

[outputs]
relay_url = "${relayUrl}"
relay_audio_codec = "${relayAudioCodec}"

[relay]
listen = "127.0.0.1:0"
state_dir = "${stateDir}"
web_root = "${join(REPO, 'web')}"

[auth.publisher]
token = "${TOKENS.publisher}"

[auth.operator]
token = "${TOKENS.operator}"

[auth.captioner]
token = "${TOKENS.captioner}"

[captions]
languages = ["vi", "en"]
`;
}

// Children still running when this process exits (a failed or interrupted run) are killed.
const running = new Set();
process.on('exit', () => { for (const p of running) p.kill('SIGKILL'); });

// A child process whose output is kept (for failure messages) and scanned for patterns.
class Child {
  constructor(name, args) {
    this.name = name;
    this.log = [];
    this.proc = spawn(args[0], args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'],
      env: childEnv() });
    running.add(this.proc);
    this.exited = new Promise((res) => this.proc.on('exit', (code, sig) => {
      running.delete(this.proc);
      res({ code, sig });
    }));
    this.watchers = new Set();
    for (const stream of [this.proc.stdout, this.proc.stderr]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop();
        for (const line of lines) this.onLine(line);
      });
    }
  }

  onLine(line) {
    this.log.push(line);
    if (this.log.length > 400) this.log.shift();
    for (const w of this.watchers) w(line);
  }

  // Resolves with the first match of re on an output line; rejects on exit or after ms.
  waitFor(re, timeoutMs, what) {
    const ms = scaled(timeoutMs);
    const seen = this.log.map((l) => l.match(re)).find(Boolean);
    if (seen) return Promise.resolve(seen);
    return new Promise((res, rej) => {
      const done = (fn, v) => { clearTimeout(timer); this.watchers.delete(watch); fn(v); };
      const watch = (line) => { const m = line.match(re); if (m) done(res, m); };
      const timer = setTimeout(() => done(rej, new Error(`${this.name}: no ${what} within ${ms} ms\n${this.tail()}`)), ms);
      this.watchers.add(watch);
      this.exited.then(({ code, sig }) => done(rej, new Error(`${this.name} exited (${code ?? sig}) before ${what}\n${this.tail()}`)));
    });
  }

  tail(n = 30) {
    return this.log.slice(-n).join('\n');
  }

  async stop(ms = 8000) {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return this.exited;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), scaled(ms));
    const r = await this.exited;
    clearTimeout(timer);
    return r;
  }
}

export class Rig {
  // streamer: { relayAudioCodec } for the streamer's config.
  constructor({ streamer = {} } = {}) {
    this.streamerSettings = streamer;
    this.dir = mkdtempSync(join(tmpdir(), 'hallcast-web-e2e-'));
    this.stateDir = join(this.dir, 'state');
    this.relayConfig = join(this.dir, 'relay.toml');
    this.streamerConfig = join(this.dir, 'streamer.toml');
    this.relay = null;
    this.streamer = null;
    this.port = 0;
    for (const b of [RELAY_BIN, STREAMER_BIN]) {
      if (!existsSync(b)) throw new Error(`${b} is not built (set HALLCAST_BIN_DIR to <build>/bin)`);
    }
    writeFileSync(this.relayConfig, configText({ relayUrl: 'ws://127.0.0.1:9', stateDir: this.stateDir }));
  }

  get base() {
    return `http://127.0.0.1:${this.port}`;
  }

  async startRelay(port = 0) {
    this.relay = new Child('hallcast-relay', [RELAY_BIN, '--config',
      this.relayConfig, '--listen', `127.0.0.1:${port}`]);
    const m = await this.relay.waitFor(LISTENING, 15000, 'listening line');
    this.port = Number(m[2]);
    return this.port;
  }

  async startStreamer() {
    writeFileSync(this.streamerConfig, configText({ relayUrl: `ws://127.0.0.1:${this.port}`,
      stateDir: this.stateDir, ...this.streamerSettings }));
    this.streamer = new Child('hallcast-streamer', [STREAMER_BIN, '--config',
      this.streamerConfig]);
    const died = this.streamer.exited.then(({ code, sig }) => {
      throw new Error(`hallcast-streamer exited (${code ?? sig}) before going live\n${this.streamer.tail()}`);
    });
    await Promise.race([this.waitLive(30000), died]);
    died.catch(() => {});  // a later exit is reported by the tests that need the stream
  }

  async apiState() {
    const res = await fetch(`${this.base}/api/state`);
    if (!res.ok) throw new Error(`/api/state: HTTP ${res.status}`);
    return res.json();
  }

  // Polls /api/state until pred(state) holds (the relay has no push channel for plain HTTP).
  async waitState(pred, timeoutMs, what) {
    const ms = scaled(timeoutMs);
    const deadline = Date.now() + ms;
    let last = null;
    while (Date.now() < deadline) {
      try {
        last = await this.apiState();
        if (pred(last)) return last;
      } catch { /* relay not up yet */ }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`no ${what} within ${ms} ms; last /api/state: ${JSON.stringify(last)}\n` +
      `relay:\n${this.relay?.tail()}\nstreamer:\n${this.streamer?.tail()}`);
  }

  waitLive(ms) {
    return this.waitState((s) => hallOf(s)?.stream === 'live' || hallOf(s)?.live === true ||
      hallOf(s)?.state?.stream === 'live', ms, 'live stream');
  }

  async restartRelay() {
    const port = this.port;
    await this.relay.stop();
    await this.startRelay(port);
  }

  async close() {
    await this.streamer?.stop();
    await this.relay?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function hallOf(state, hall = HALL) {
  return (state?.halls || []).find((h) => h && h.id === hall) || null;
}

// The hall's program source, wherever /api/state puts it.
export function programOf(state) {
  const h = hallOf(state);
  return h?.program ?? h?.state?.program ?? null;
}

export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--autoplay-policy=no-user-gesture-required'],
  });
}

// What every browser test file starts with: a relay, a streamer publishing to it, and Chromium.
export async function startRigAndBrowser(options) {
  const rig = new Rig(options);
  await rig.startRelay();
  await rig.startStreamer();
  return { rig, browser: await launchBrowser() };
}
