// How to start each server under test on 127.0.0.1 port 0 with the benchmark's tokens:
// the relay (a temporary TOML config) and the Node `ws` peer.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { start, waitForLine } from './processes.mjs';

export const HALL = 'hoi-truong';
const STARTUP_MS = 15000;
const MAX_CONNECTIONS = 19000;  // relay.max_connections in the benchmark's config

export function makeTokens() {
  const t = () => crypto.randomBytes(18).toString('base64url');
  return { publisher: t(), captioner: t(), operator: t() };
}

function relayConfig(stateDir, tokens) {
  const now = Date.now();
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
  return `# Written by bench/tools/servers.mjs for one benchmark run.
[event]
id = "bench"
name = "Hallcast — đo hiệu năng"
organiser = "Sở Thông tin và Truyền thông Thanh Hóa"
venue = "127.0.0.1"
dev = true

[[halls]]
id = "${HALL}"
name = "Hội trường"

[[sessions]]
id = "do-hieu-nang"
title = "Ngày Chuyển đổi số tỉnh Thanh Hóa — đo hiệu năng"
hall = "${HALL}"
start = ${iso(now - 3600e3)}
end = ${iso(now + 4 * 3600e3)}

[relay]
listen = "127.0.0.1:0"
state_dir = "${stateDir}"
max_connections = ${MAX_CONNECTIONS}
max_connections_per_address = ${MAX_CONNECTIONS}

[auth.publisher]
token = "${tokens.publisher}"

[auth.operator]
token = "${tokens.operator}"

[auth.captioner]
token = "${tokens.captioner}"

[captions]
languages = ["vi"]

[log]
level = "warn"
`;
}

// Returns { proc, port, pid, cleanup }.
// kind: relay | relay-baseline (another relay binary, e.g. the code before a change, run with
// the same config: --baseline-relay PATH) | peer | floor (bench/floor: one send() per viewer and
// fragment, nothing else; the least any server can spend).
export async function startServer(kind, { binDir, repoDir, tokens, baselineRelay }) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `hallcast-bench-${kind}-`));
  const cleanup = () => fs.rmSync(tmp, { recursive: true, force: true });
  let proc, ready;
  if (kind === 'relay' || kind === 'relay-baseline') {
    const stateDir = path.join(tmp, 'state');
    fs.mkdirSync(stateDir);
    const config = path.join(tmp, 'bench.toml');
    fs.writeFileSync(config, relayConfig(stateDir, tokens));
    const bin = kind === 'relay' ? path.join(binDir, 'hallcast-relay') : baselineRelay;
    if (!bin) throw new Error('relay-baseline needs --baseline-relay PATH');
    proc = start(kind, bin, ['--config', config, '--listen', '127.0.0.1:0']);
    ready = /hallcast-relay listening on ([\d.]+):(\d+)/;
  } else if (kind === 'peer') {
    proc = start('peer', process.execPath, [path.join(repoDir, 'bench/peer/server.mjs'), '--listen', '127.0.0.1:0', '--hall', HALL], {
      env: { HALLCAST_BENCH_PUBLISHER_TOKEN: tokens.publisher, HALLCAST_BENCH_CAPTIONER_TOKEN: tokens.captioner },
    });
    ready = /hallcast-peer listening on ([\d.]+):(\d+)/;
  } else if (kind === 'floor') {
    proc = start('floor', path.join(binDir, 'hallcast-bench-floor'), ['--listen', '127.0.0.1:0', '--hall', HALL], {
      env: { HALLCAST_BENCH_PUBLISHER_TOKEN: tokens.publisher, HALLCAST_BENCH_CAPTIONER_TOKEN: tokens.captioner },
    });
    ready = /hallcast-bench-floor listening on ([\d.]+):(\d+)/;
  } else {
    throw new Error(`unknown server "${kind}" (relay, relay-baseline, peer or floor)`);
  }
  try {
    const m = await waitForLine(proc, ready, STARTUP_MS);
    return { proc, port: Number(m[2]), pid: proc.child.pid, cleanup };
  } catch (e) {
    proc.child.kill('SIGKILL');
    cleanup();
    throw e;
  }
}
