// The viewer page (/): live video with captions, titles and standby, hall chooser, caption
// controls, sound and full screen. The hall may be given as ?hall=ID (not a secret).

import { fetchState, hallsOf } from './api.js';
import { applyI18n, bindLangToggle, initLang, onLangChange, t } from './i18n.js';
import { LIVE } from './player.js';
import { Stage } from './stage.js';

const params = new URLSearchParams(location.search);
// &edge=legacy: session 1's live-edge policy, for the latency bench's comparison run.
if (params.get('edge') === 'legacy') {
  Object.assign(LIVE, { targetLatencyS: 0.4, catchUpBandS: 0.4, catchUpRate: 1.1, jumpBehindS: 2.5,
    tickMs: 250, stallStepS: 0 });
}
// &live=catchUpBandS:0.02,stallFreeS:10: other numbers for the live edge's settings (LIVE in
// player.js), for the latency bench's A/B runs; unknown names and non-numbers are ignored.
for (const pair of (params.get('live') || '').split(',')) {
  const [name, value] = pair.split(':');
  if (typeof LIVE[name] === 'number' && value && Number.isFinite(Number(value))) LIVE[name] = Number(value);
}
initLang();
applyI18n();
bindLangToggle(document.getElementById('lang-toggle'));

const stageEl = document.getElementById('stage');
const video = stageEl.querySelector('video');
const hallSelect = document.getElementById('hall-select');
const hallChoice = document.querySelector('.hall-choice');
const eventName = document.querySelector('.event-name');
let eventTitle = '';

const stage = new Stage(stageEl, { hall: params.get('hall') || '', captionLines: 2,
  remember: true, onHello: onHello });
globalThis.hallcastStage = stage;  // for tests and debugging from the console

function onHello(msg) {
  if (msg.event && typeof msg.event.name === 'string') {
    eventTitle = msg.event.name;
    eventName.textContent = eventTitle;
    document.title = `${eventTitle} — hallcast`;
  }
  if (Array.isArray(msg.halls)) showHalls(msg.halls.map((h) => (typeof h === 'string'
    ? { id: h, name: h } : { id: h.id, name: h.name || h.id, live: h.live })));
}

function showHalls(halls) {
  const usable = halls.filter((h) => typeof h.id === 'string' && h.id);
  const options = usable.map((h) => {
    const opt = document.createElement('option');
    opt.value = h.id;
    opt.textContent = h.live === false ? `${h.name} (${t('standby.title')})` : h.name;
    return opt;
  });
  hallSelect.replaceChildren(...options);
  hallSelect.value = stage.hall;
  hallChoice.hidden = usable.length < 2;
}

hallSelect.addEventListener('change', () => {
  const hall = hallSelect.value;
  stage.setHall(hall);
  const url = new URL(location.href);
  url.searchParams.set('hall', hall);
  history.replaceState(null, '', url);
});

async function refreshHalls() {
  try {
    showHalls(hallsOf(await fetchState()));
  } catch { /* shown from hello instead */ }
}

// Sound: browsers only autoplay muted video.
const sound = document.getElementById('sound');
function renderSound() {
  sound.textContent = video.muted ? t('viewer.unmute') : t('viewer.mute');
  sound.setAttribute('aria-pressed', String(!video.muted));
}
sound.addEventListener('click', () => {
  video.muted = !video.muted;
  if (video.paused) video.play().catch(() => {});
  renderSound();
});
video.addEventListener('volumechange', renderSound);

// Captions on/off and size.
const capToggle = document.getElementById('captions-toggle');
function renderCaptionToggle() {
  capToggle.textContent = stage.captions.enabled ? t('viewer.captions.off') : t('viewer.captions.on');
  capToggle.setAttribute('aria-pressed', String(stage.captions.enabled));
}
capToggle.addEventListener('click', () => {
  stage.captions.setEnabled(!stage.captions.enabled);
  renderCaptionToggle();
});
document.getElementById('size-down').addEventListener('click', () => stage.captions.resize(-1));
document.getElementById('size-up').addEventListener('click', () => stage.captions.resize(1));

// Full screen: the whole stage (video + overlays); iPhone only offers it on the video element.
document.getElementById('fullscreen').addEventListener('click', () => {
  if (document.fullscreenElement) {
    document.exitFullscreen().catch(() => {});
  } else if (stageEl.requestFullscreen) {
    stageEl.requestFullscreen().catch(() => {});
  } else if (video.webkitEnterFullscreen) {
    video.webkitEnterFullscreen();
  }
});

onLangChange(() => {
  renderSound();
  renderCaptionToggle();
  if (eventTitle) eventName.textContent = eventTitle;
  refreshHalls();
});

// ?measure=1: capture-to-render latency and stalls for benchmarks (docs/latency.md).
if (params.get('measure') === '1') {
  import('./viewer-latency.js').then((m) => m.startMeasuring(video, stage.player))
    .catch((err) => console.warn('hallcast: latency measurement unavailable', err));
}

renderSound();
renderCaptionToggle();
stage.start();
refreshHalls();
