// Child processes, free ports and the temporary event config for the latency bench.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

// The programs read HALLCAST_<TABLE>_<KEY> as config overrides: give them none of ours.
export function childEnv(extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HALLCAST_')));
  return { ...env, ...extra };
}

// Under the test suite's slow (sanitizer) build, CTest sets HALLCAST_TEST_TIME_SCALE: every wait
// here is that many times longer (only waits; nothing measured is scaled).
const scaleEnv = Number(process.env.HALLCAST_TEST_TIME_SCALE);
const timeScale = Number.isFinite(scaleEnv) && scaleEnv >= 1 ? scaleEnv : 1;

const running = new Set();
process.on('exit', () => { for (const p of running) p.kill('SIGKILL'); });

// A child whose output lines are kept (for error messages) and can be waited on.
export class Child {
  constructor(name, args, env = childEnv()) {
    this.name = name;
    this.log = [];
    this.watchers = new Set();
    this.proc = spawn(args[0], args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env });
    running.add(this.proc);
    this.exited = new Promise((res) => this.proc.on('exit', (code, sig) => {
      running.delete(this.proc);
      res({ code, sig });
    }));
    for (const stream of [this.proc.stdout, this.proc.stderr]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop();
        for (const line of lines) {
          this.log.push(line);
          if (this.log.length > 300) this.log.shift();
          for (const w of this.watchers) w(line);
        }
      });
    }
  }

  waitFor(re, unscaledMs, what) {
    const ms = Math.ceil(unscaledMs * timeScale);
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

  tail(n = 25) {
    return this.log.slice(-n).join('\n');
  }

  async stop(ms = 8000) {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return this.exited;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), ms);
    const r = await this.exited;
    clearTimeout(timer);
    return r;
  }
}

export function freeTcpPort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on('error', rej);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
  });
}

export function freeUdpPort() {
  return new Promise((res, rej) => {
    const s = createSocket('udp4');
    s.on('error', rej);
    s.bind(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => res(port)); });
  });
}

// One hall, one test camera, the program at the asked size; the hall screen on SRT (or relay).
export function eventConfig({ relayPort, srtPort, stateDir, webRoot, width, height, fps,
  srtLatencyMs, relayAudioCodec = 'aac', displayInput }) {
  return `
[event]
id = "latency-bench"
name = "Ngày Chuyển đổi số 2022"
organiser = "UBND tỉnh Thanh Hóa"
venue = "Thanh Hóa"
timezone = "Asia/Ho_Chi_Minh"
dev = true

[[halls]]
id = "hoi-truong"
name = "Hội trường"
srt_listen = "127.0.0.1:${srtPort}"

[[sources]]
id = "cam-1"
label = "Máy quay 1"
kind = "test"
hall = "hoi-truong"
pattern = "ball"
audio_freq = 440.0

[program]
width = ${width}
height = ${height}
framerate = ${fps}
video_bitrate_kbps = ${width >= 1280 ? 2500 : 800}
keyframe_interval_ms = 2000

[outputs]
relay_url = "ws://127.0.0.1:${relayPort}"
srt_latency_ms = ${srtLatencyMs}
relay_audio_codec = "${relayAudioCodec}"

[relay]
listen = "127.0.0.1:${relayPort}"
state_dir = "${stateDir}"
web_root = "${webRoot}"

[auth.publisher]
token = "bench-publisher"

[auth.operator]
token = "bench-operator"

[auth.captioner]
token = "bench-captioner"

[[displays]]
id = "may-chieu"
name = "Máy chiếu hội trường"
hall = "hoi-truong"
input = "${displayInput}"

[log]
level = "info"
`;
}
