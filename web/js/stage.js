// The picture with everything drawn over it, shared by the viewer (/) and the browser display
// (/display): live video, captions aligned with the picture, session title and lower third, the
// standby screen with the next session, and a status line while (re)connecting.
// Owned by the page's main thread.

import { currentOrNextSession, fetchState, sessionsOf, timezoneOf } from './api.js';
import { CaptionClock } from './caption-clock.js';
import { CaptionView } from './captions.js';
import { onLangChange, t } from './i18n.js';
import { StandbyView, TitleView } from './overlays.js';
import { LivePlayer } from './player.js';
import { RelayClient } from './relay-client.js';

export const RELEASE_MS = 100;          // how often held captions/titles are checked
export const SCHEDULE_REFRESH_MS = 60000;

export class Stage {
  constructor(root, { hall = '', captionLines = 2, remember = false, onHello = () => {},
    onViewers = () => {} } = {}) {
    this.root = root;
    this.hall = hall;
    this.onHello = onHello;
    this.onViewers = onViewers;
    this.video = root.querySelector('video');
    this.banner = root.querySelector('.status-banner');
    this.clock = new CaptionClock();
    this.captions = new CaptionView({ overlay: root.querySelector('.captions'),
      history: document.querySelector('.caption-history'), lines: captionLines, remember });
    this.titles = new TitleView(root);
    this.standby = new StandbyView(root);
    this.relay = new RelayClient({ protocol: 'hallcast.live.v1', hall });
    this.live = null;         // stream state from the relay; null = not told yet
    this.playerState = 'idle';
    this.relayState = 'connecting';
    this.apiState = null;
    this.helloEvent = null;
    this.player = new LivePlayer(this.video, { clock: this.clock, onStatus: (s) => this.onPlayer(s) });
    this.wire();
    onLangChange(() => { this.standby.render(); this.renderBanner(); });
  }

  wire() {
    const r = this.relay;
    r.on('media', (data) => this.player.handleFrame(data));
    r.on('hello', (msg) => this.onHelloMsg(msg));
    r.on('state', (msg) => this.forHall(msg) && this.applyState(msg));
    r.on('caption', (msg) => this.forHall(msg) && this.hold({ kind: 'caption', msg }, msg.t));
    r.on('title', (msg) => this.forHall(msg) && this.hold({ kind: 'title', msg }, msg.t));
    r.on('viewers', (msg) => this.forHall(msg) && this.onViewers(msg));
    r.on('status', ({ state }) => { this.relayState = state; this.renderBanner(); });
    this.releaseTimer = setInterval(() => this.releaseDue(), RELEASE_MS);
  }

  start() {
    this.relay.start();
    this.refreshSchedule();
    this.scheduleTimer = setInterval(() => this.refreshSchedule(), SCHEDULE_REFRESH_MS);
  }

  setHall(hall) {
    if (hall === this.hall) return;
    this.hall = hall;
    this.clock.flush();
    this.captions.load([]);
    this.titles.clear();
    this.live = null;
    this.relay.setHall(hall);
    this.updateStandby();
  }

  forHall(msg) {
    return !msg.hall || !this.hall || msg.hall === this.hall;
  }

  onHelloMsg(msg) {
    if (typeof msg.hall === 'string' && msg.hall) this.hall = msg.hall;
    this.clock.flush();
    this.captions.load(msg.captions);
    this.titles.show(msg.title);
    if (msg.state && typeof msg.state === 'object') this.applyState(msg.state);
    if (msg.viewers !== undefined) this.onViewers({ count: msg.viewers });
    this.helloEvent = msg.event && typeof msg.event === 'object' ? msg.event : null;
    this.updateStandby();
    this.onHello(msg);
  }

  applyState(state) {
    if (typeof state.stream === 'string') this.live = state.stream === 'live';
    this.updateStandby();
  }

  // Captions and titles wait until the picture they belong to is on screen.
  hold(item, tMs) {
    if (this.clock.schedule(item, tMs, this.player.currentSeconds())) this.show(item);
  }

  releaseDue() {
    // Held while the video is merely buffering (it will show that picture); released at once
    // when the stream is offline.
    const now = this.live === false ? null : this.player.currentSeconds();
    for (const item of this.clock.release(now)) this.show(item);
  }

  show(item) {
    if (item.kind === 'caption') this.captions.apply(item.msg);
    else if (item.kind === 'title') this.titles.show(item.msg);
  }

  onPlayer(status) {
    this.playerState = status.state;
    if (status.state === 'playing' && this.live === null) this.live = true;
    this.updateStandby();
    this.renderBanner(status);
  }

  renderBanner(status = null) {
    if (!this.banner) return;
    let msg = '';
    if (this.playerState === 'unsupported') msg = t('player.unsupported');
    else if (this.playerState === 'codec') msg = t('player.codec', { codec: status?.codec || '' });
    else if (this.relayState === 'reconnecting') msg = t('status.reconnecting');
    else if (this.relayState === 'connecting') msg = t('status.connecting');
    this.banner.textContent = msg;
    this.banner.hidden = msg === '';
    this.root.dataset.relay = this.relayState;
    this.root.dataset.player = this.playerState;
  }

  async refreshSchedule() {
    try {
      this.apiState = await fetchState();
    } catch {
      return;  // the relay may be restarting; the next refresh tries again
    }
    this.updateStandby();
  }

  updateStandby() {
    const s = this.apiState;
    const event = s?.event?.name || this.helloEvent?.name || '';
    const halls = s?.halls || [];
    const hall = halls.find((h) => h && h.id === this.hall);
    const next = s ? currentOrNextSession(sessionsOf(s, this.hall)) : null;
    this.standby.setInfo({ event, hall: hall?.name || '', next, timeZone: timezoneOf(s) });
    const offline = this.live === false;
    this.standby.setVisible(offline);
    this.root.classList.toggle('offline', offline);
    if (offline) for (const item of this.clock.flush()) this.show(item);
  }
}
