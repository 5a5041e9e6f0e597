// hallcast-peer: the comparison server for the benchmark. A broadcast server on Node's `ws`
// serving the relay's framing and subprotocols (docs/protocol.md) the way one would write it
// with that package: a GOP cache for instant join, one shared Buffer per fragment sent to every
// viewer, and a bounded per-viewer backlog (over it, the viewer skips to the next keyframe).
//
//   node server.mjs --listen 127.0.0.1:0 [--hall hoi-truong] [--backlog-bytes N]
//   tokens: HALLCAST_BENCH_PUBLISHER_TOKEN, HALLCAST_BENCH_CAPTIONER_TOKEN (environment)
//
// Prints "hallcast-peer listening on HOST:PORT" once serving. Single-threaded (Node's loop).
import http from 'node:http';
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';

const PUBLISH = 'hallcast.publish.v1';
const LIVE = 'hallcast.live.v1';
const CONTROL = 'hallcast.control.v1';
const KIND_INIT = 0;
const FLAG_KEYFRAME = 1;
const HEADER_BYTES = 24;
const MAX_CONTROL_BYTES = 16 * 1024;
const MAX_MEDIA_BYTES = 8 * 1024 * 1024;

const { values: args } = parseArgs({
  options: {
    listen: { type: 'string', default: '127.0.0.1:0' },
    hall: { type: 'string', default: 'hoi-truong' },
    // 3 s of a 3 Mbit/s stream, like the relay's default viewer_backlog_ms.
    'backlog-bytes': { type: 'string', default: String(3 * 3_000_000 / 8) },
  },
});
const publisherToken = process.env.HALLCAST_BENCH_PUBLISHER_TOKEN ?? '';
const captionerToken = process.env.HALLCAST_BENCH_CAPTIONER_TOKEN ?? '';
if (!publisherToken) {
  console.error('hallcast-peer: HALLCAST_BENCH_PUBLISHER_TOKEN is not set');
  process.exit(78);
}
const backlogBytes = Number(args['backlog-bytes']);
const [host, portText] = args.listen.split(':');

const state = { init: null, gop: [], publisher: null, viewers: new Set(), captions: 0, skips: 0 };

function tokenMatches(given, expected) {
  if (!expected || typeof given !== 'string') return false;
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

function bearer(req) {
  const h = req.headers.authorization ?? '';
  return h.startsWith('Bearer ') ? h.slice(7) : '';
}

function sendMedia(ws, frame, keyframe) {
  if (ws.waitForKeyframe) {
    if (!keyframe) return;
    ws.waitForKeyframe = false;
  }
  if (ws.bufferedAmount > backlogBytes) {
    ws.waitForKeyframe = true;
    state.skips++;
    return;
  }
  ws.send(frame, { binary: true });
}

function onPublisherFrame(frame) {
  if (frame.length < HEADER_BYTES) return;
  const kind = frame[1];
  const keyframe = (frame[2] & FLAG_KEYFRAME) !== 0;
  if (kind === KIND_INIT) {
    state.init = frame;
    state.gop = [];
    for (const ws of state.viewers) ws.send(frame, { binary: true });
    return;
  }
  if (keyframe) state.gop = [frame];
  else if (state.gop.length > 0) state.gop.push(frame);
  for (const ws of state.viewers) sendMedia(ws, frame, keyframe);
}

function broadcastText(obj) {
  const text = JSON.stringify(obj);
  for (const ws of state.viewers) ws.send(text);
}

function onControlMessage(ws, data, isBinary) {
  let msg;
  try {
    if (isBinary) throw new Error('binary');
    msg = JSON.parse(data.toString('utf8'));
  } catch {
    ws.send(JSON.stringify({ type: 'error', code: 'bad_message', message: 'expected a JSON object' }));
    return;
  }
  if (msg.type === 'auth') {
    ws.authed = tokenMatches(msg.token, captionerToken);
    ws.send(JSON.stringify(ws.authed ? { type: 'ack', ref: 'auth' }
      : { type: 'error', code: 'auth', message: 'bad token' }));
    return;
  }
  if (!ws.authed) {
    ws.send(JSON.stringify({ type: 'error', id: msg.id, code: 'unauthorized', message: 'auth first' }));
    return;
  }
  if (msg.type !== 'caption' || typeof msg.text !== 'string') {
    ws.send(JSON.stringify({ type: 'error', id: msg.id, code: 'unsupported', message: 'captions only' }));
    return;
  }
  const id = `c-${++state.captions}`;
  broadcastText({ type: 'caption', id, hall: args.hall, lang: msg.lang ?? 'vi', text: msg.text,
    final: msg.final === true, t: Date.now() });
  ws.send(JSON.stringify({ type: 'ack', id: msg.id, ref: 'caption' }));
}

const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/healthz' ? 200 : 404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ status: 'ok', viewers: state.viewers.size, skips: state.skips }));
});
const live = new WebSocketServer({ noServer: true, maxPayload: MAX_CONTROL_BYTES, perMessageDeflate: false,
  handleProtocols: (protocols) => (protocols.has(LIVE) ? LIVE : protocols.has(CONTROL) ? CONTROL : false) });
const publish = new WebSocketServer({ noServer: true, maxPayload: MAX_MEDIA_BYTES, perMessageDeflate: false,
  handleProtocols: (protocols) => (protocols.has(PUBLISH) ? PUBLISH : false) });

server.on('upgrade', (req, socket, head) => {
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
  if (offered.includes(PUBLISH)) {
    if (!tokenMatches(bearer(req), publisherToken) || state.publisher) {
      socket.end(state.publisher ? 'HTTP/1.1 409 Conflict\r\n\r\n' : 'HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    publish.handleUpgrade(req, socket, head, (ws) => {
      state.publisher = ws;
      ws.on('message', (data, isBinary) => { if (isBinary) onPublisherFrame(data); });
      ws.on('close', () => { state.publisher = null; broadcastText({ type: 'state', hall: args.hall, stream: 'offline' }); });
    });
    return;
  }
  live.handleUpgrade(req, socket, head, (ws) => {
    ws.on('error', () => {});
    if (ws.protocol === CONTROL) {
      ws.on('message', (data, isBinary) => onControlMessage(ws, data, isBinary));
      return;
    }
    state.viewers.add(ws);
    ws.on('close', () => state.viewers.delete(ws));
    ws.send(JSON.stringify({ type: 'hello', protocol: 1, hall: args.hall, viewers: state.viewers.size }));
    if (state.init) ws.send(state.init, { binary: true });
    for (const frame of state.gop) ws.send(frame, { binary: true });
  });
});

server.listen(Number(portText), host, () => {
  const addr = server.address();
  console.log(`hallcast-peer listening on ${addr.address}:${addr.port}`);
});
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    for (const ws of state.viewers) ws.terminate();
    server.close();
    process.exit(0);
  });
}
