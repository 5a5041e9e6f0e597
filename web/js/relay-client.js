// A WebSocket connection to the relay that reconnects by itself (docs/protocol.md).
//
//   const relay = new RelayClient({ protocol: 'hallcast.live.v1', hall: 'hoi-truong' });
//   relay.on('caption', (msg) => ...);      // any event "type"
//   relay.on('media', (arrayBuffer) => ...); // binary frames
//   relay.on('status', ({ state }) => ...);  // connecting | open | closed | unauthorized
//   relay.start();
//   await relay.command({ type: 'switch', source: 'cam-2' }); // resolves on ack, rejects on error
//
// Control clients pass `token`: it is sent as the first message ({"type":"auth"}) and never put
// into the URL. The hall travels as the URL's ?hall= query (not a secret).
// Owned by the page's main thread; all callbacks run there.

export const BACKOFF_INITIAL_MS = 300;
export const BACKOFF_MAX_MS = 5000;
export const COMMAND_TIMEOUT_MS = 8000;
export const AUTH_ERROR_CODES = new Set(['unauthorized', 'auth_failed', 'forbidden', 'auth']);

export function relayUrl(hall, loc = globalThis.location) {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = hall ? `?hall=${encodeURIComponent(hall)}` : '';
  return `${scheme}//${loc.host}/${query}`;
}

export class RelayClient {
  constructor({ protocol, hall = '', token = '', url = '' } = {}) {
    this.protocol = protocol;
    this.hall = hall;
    this.token = token;
    this.fixedUrl = url;
    this.ws = null;
    this.handlers = new Map();
    this.pending = new Map();  // command id -> {resolve, reject, timer, ref}
    this.nextId = 1;
    this.backoff = BACKOFF_INITIAL_MS;
    this.retryTimer = 0;
    this.running = false;
    this.state = 'closed';
    this.authed = !token;
  }

  on(type, fn) {
    if (!this.handlers.has(type)) this.handlers.set(type, new Set());
    this.handlers.get(type).add(fn);
    return this;
  }

  emit(type, payload) {
    for (const fn of this.handlers.get(type) || []) {
      try { fn(payload); } catch (err) { console.error(`hallcast: ${type} handler failed`, err); }
    }
  }

  setStatus(state, detail = {}) {
    this.state = state;
    this.emit('status', { state, ...detail });
  }

  start() {
    this.running = true;
    this.connect();
  }

  stop() {
    this.running = false;
    clearTimeout(this.retryTimer);
    if (this.ws) this.ws.close(1000);
    this.ws = null;
    this.failPending('closed');
    this.setStatus('closed');
  }

  // Moves to another hall: reconnects with the new ?hall=.
  setHall(hall) {
    if (hall === this.hall) return;
    this.hall = hall;
    if (!this.running) return;
    if (this.ws) this.ws.close(1000);
    this.backoff = BACKOFF_INITIAL_MS;
    clearTimeout(this.retryTimer);
    this.connect();
  }

  connect() {
    const url = this.fixedUrl || relayUrl(this.hall);
    this.setStatus('connecting');
    let ws;
    try {
      ws = new WebSocket(url, this.protocol);
    } catch (err) {
      this.scheduleReconnect();
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.addEventListener('open', () => this.onOpen(ws));
    ws.addEventListener('message', (ev) => this.onMessage(ws, ev));
    ws.addEventListener('close', (ev) => this.onClose(ws, ev));
  }

  onOpen(ws) {
    if (ws !== this.ws) return;
    this.backoff = BACKOFF_INITIAL_MS;
    if (this.token) {
      this.authed = false;
      ws.send(JSON.stringify({ type: 'auth', token: this.token, id: 'auth' }));
    }
    this.setStatus('open');
  }

  onMessage(ws, ev) {
    if (ws !== this.ws) return;
    if (typeof ev.data !== 'string') {
      this.emit('media', ev.data);
      return;
    }
    let msg;
    try {
      msg = JSON.parse(ev.data);
    } catch {
      return;
    }
    if (!msg || typeof msg.type !== 'string') return;
    if (msg.type === 'ack' || msg.type === 'error') this.settle(msg);
    this.emit(msg.type, msg);
    this.emit('message', msg);
  }

  settle(msg) {
    if (msg.id === 'auth' || msg.ref === 'auth') {
      if (msg.type === 'ack') {
        this.authed = true;
        this.emit('authed', msg);
      } else {
        this.onAuthRejected(msg);
      }
      return;
    }
    if (msg.type === 'error' && AUTH_ERROR_CODES.has(msg.code) && !this.authed) {
      this.onAuthRejected(msg);
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    clearTimeout(p.timer);
    if (msg.type === 'ack') p.resolve(msg);
    else p.reject(Object.assign(new Error(msg.message || msg.code || 'error'), { reply: msg }));
  }

  onAuthRejected(msg) {
    this.running = false;
    this.setStatus('unauthorized', { message: msg.message || '' });
    if (this.ws) this.ws.close(1000);
  }

  onClose(ws, ev) {
    if (ws !== this.ws) return;
    this.ws = null;
    this.failPending('disconnected');
    if (ev.code === 1008 || ev.code === 4401 || ev.code === 4403) {
      this.onAuthRejected({ message: ev.reason });
      return;
    }
    if (this.running) {
      this.setStatus('reconnecting');
      this.scheduleReconnect();
    }
  }

  scheduleReconnect() {
    clearTimeout(this.retryTimer);
    if (!this.running) return;
    const delay = this.backoff * (0.75 + Math.random() * 0.5);
    this.backoff = Math.min(this.backoff * 2, BACKOFF_MAX_MS);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  failPending(reason) {
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(Object.assign(new Error(reason), { reply: { code: reason } }));
    }
    this.pending.clear();
  }

  // Sends a JSON message without waiting for an answer; false if not connected.
  send(msg) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  // Sends a command with an id; resolves with its ack, rejects with its error (err.reply).
  command(msg) {
    const id = `w${this.nextId++}`;
    return new Promise((resolve, reject) => {
      if (!this.send({ ...msg, id })) {
        reject(Object.assign(new Error('not connected'), { reply: { code: 'not_connected' } }));
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(Object.assign(new Error('timeout'), { reply: { code: 'timeout' } }));
      }, COMMAND_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer, ref: msg.type });
    });
  }
}
