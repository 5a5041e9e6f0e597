// The operator panel (/operator): sources with tally (program red, preview green) and health,
// cut / fade, layouts, slate, the schedule's titles and lower thirds, captions as viewers see
// them, viewer count, keyboard shortcuts. Talks to the relay on hallcast.control.v1.

import { fetchState, hallsOf, sessionsOf, timezoneOf } from './api.js';
import { CaptionView } from './captions.js';
import { applyI18n, bindLangToggle, initLang, onLangChange, t } from './i18n.js';
import { setupLogin } from './login.js';
import { ScheduleView } from './operator-schedule.js';
import { TitleView } from './overlays.js';
import { RelayClient } from './relay-client.js';

initLang();
applyI18n();
bindLangToggle(document.getElementById('lang-toggle'));

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const ui = {
  sources: $('sources'), status: $('status-line'), streamBadge: $('stream-badge'),
  viewers: $('viewer-count'), hallSelect: $('hall-select'), hallChoice: document.querySelector('.hall-choice'),
  layoutMain: $('layout-main'), layoutSecond: $('layout-second'), slateLabel: $('slate-label'),
  slateMessage: $('slate-message'), titleOnAir: $('title-onair'), logout: $('logout'),
};
const preview = $('preview-stage');
const captions = new CaptionView({ overlay: preview.querySelector('.captions'), lines: 2 });
const titles = new TitleView(preview);
const op = { relay: null, hall: params.get('hall') || '', state: {}, preview: '', apiState: null };
const schedule = new ScheduleView($('schedule'), command);

const login = setupLogin('operator', $('login'), $('app'), connect);

function connect(token) {
  ui.logout.hidden = false;
  if (op.relay) op.relay.stop();
  const relay = new RelayClient({ protocol: 'hallcast.control.v1', hall: op.hall, token });
  op.relay = relay;
  relay.on('status', ({ state }) => {
    if (state === 'unauthorized') login.fail();
    else if (state === 'reconnecting') say(t('status.reconnecting'), true);
    else if (state === 'open') say('');
  });
  relay.on('hello', onHello);
  relay.on('state', (msg) => forHall(msg) && applyState(msg));
  relay.on('caption', (msg) => forHall(msg) && captions.apply(msg));
  relay.on('title', (msg) => forHall(msg) && showTitle(msg));
  relay.on('viewers', (msg) => forHall(msg) && showViewers(msg.count));
  relay.start();
  refreshApi();
}

function forHall(msg) {
  return !msg.hall || !op.hall || msg.hall === op.hall;
}

function onHello(msg) {
  if (typeof msg.hall === 'string' && msg.hall) op.hall = msg.hall;
  if (Array.isArray(msg.halls)) showHalls(msg.halls);
  captions.load(msg.captions);
  showTitle(msg.title);
  if (msg.state) applyState(msg.state);
  if (typeof msg.viewers === 'number') showViewers(msg.viewers);
  renderSchedule();
}

function showHalls(halls) {
  const list = halls.map((h) => (typeof h === 'string' ? { id: h, name: h } : h))
    .filter((h) => h && typeof h.id === 'string');
  ui.hallSelect.replaceChildren(...list.map((h) => {
    const o = document.createElement('option');
    o.value = h.id;
    o.textContent = h.name || h.id;
    return o;
  }));
  ui.hallSelect.value = op.hall;
  ui.hallChoice.hidden = list.length < 2;
}

ui.hallSelect.addEventListener('change', () => {
  op.hall = ui.hallSelect.value;
  op.state = {};
  op.preview = '';
  captions.load([]);
  titles.clear();
  if (op.relay) op.relay.setHall(op.hall);
  renderSchedule();
});

function showViewers(count) {
  if (typeof count === 'number') ui.viewers.textContent = String(count);
}

function showTitle(title) {
  titles.show(title);
  schedule.setOnAir(title);
  const on = title && !title.cleared && (title.text || title.speaker);
  ui.titleOnAir.textContent = on
    ? [title.text, title.speaker?.name].filter(Boolean).join(' — ') : t('op.onair.none');
}

function sourcesOf() {
  if (Array.isArray(op.state.sources) && op.state.sources.length > 0) return op.state.sources;
  const hall = (op.apiState?.halls || []).find((h) => h && h.id === op.hall);
  if (Array.isArray(hall?.sources)) return hall.sources;
  const all = Array.isArray(op.apiState?.sources) ? op.apiState.sources : [];
  return all.filter((s) => !s.hall || s.hall === op.hall);
}

function applyState(state) {
  op.state = { ...op.state, ...state };
  if (typeof state.preview === 'string') op.preview = state.preview;
  render();
}

function render() {
  const live = op.state.stream === 'live';
  const lostSlate = op.state.slate === true && op.state.slate_reason === 'source_lost';
  // program_health (docs/protocol.md): 'held' = the source on air is silent, its last frame holds.
  const held = op.state.program_health === 'held';
  ui.streamBadge.textContent = !live ? t('op.stream.offline')
    : lostSlate ? t('op.slate.lost')
      : held ? `${t('op.stream.live')} · ${t('op.health.lost')}` : t('op.stream.live');
  ui.streamBadge.classList.toggle('live', live && !lostSlate && !held);
  ui.streamBadge.classList.toggle('warn', live && (lostSlate || held));
  renderSources();
  const slate = slateOn();
  ui.slateLabel.textContent = slate ? t('op.slate.off') : t('op.slate.on');
  $('slate-toggle').classList.toggle('active', slate);
  const mode = op.state.layout?.mode;
  if (mode) for (const r of document.querySelectorAll('input[name="layout"]')) r.checked = r.value === mode;
}

function renderSources() {
  const sources = sourcesOf();
  const tiles = sources.map((s, i) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'source-tile';
    b.dataset.source = s.id;
    b.classList.toggle('program', s.id === op.state.program);
    b.classList.toggle('preview', s.id === op.preview && s.id !== op.state.program);
    const health = typeof s.health === 'string' ? s.health : 'ok';
    b.dataset.health = health;
    const num = document.createElement('kbd');
    num.textContent = i < 9 ? String(i + 1) : '';
    const label = document.createElement('span');
    label.className = 'source-label';
    label.textContent = s.label || s.id;
    const h = document.createElement('span');
    h.className = 'source-health';
    h.textContent = t(`op.health.${health}`) === `op.health.${health}` ? health : t(`op.health.${health}`);
    b.append(num, label, h);
    b.addEventListener('click', (ev) => (ev.shiftKey ? cutTo(s.id) : setPreview(s.id)));
    return b;
  });
  ui.sources.replaceChildren(...tiles);
  const fill = (select, keep) => {
    select.replaceChildren(...sources.map((s) => {
      const o = document.createElement('option');
      o.value = s.id;
      o.textContent = s.label || s.id;
      return o;
    }));
    if (keep) select.value = keep;
  };
  const ls = op.state.layout?.sources || [];
  fill(ui.layoutMain, ui.layoutMain.value || ls[0] || op.state.program);
  fill(ui.layoutSecond, ui.layoutSecond.value || ls[1] || op.preview);
}

function say(message, isError = false) {
  ui.status.textContent = message;
  ui.status.classList.toggle('error', isError);
}

// Sends a command; reports its ack or error on the status line.
async function command(msg) {
  if (!op.relay) return null;
  try {
    const ack = await op.relay.command(op.hall ? { ...msg, hall: op.hall } : msg);
    say(t('op.ack', { what: msg.type }));
    return ack;
  } catch (err) {
    say(t('op.error', { message: err.reply?.message || err.message }), true);
    return null;
  }
}

function setPreview(id) {
  op.preview = id;
  renderSources();
  command({ type: 'preview', source: id });
}

function cutTo(id, transition = 'cut') {
  const msg = { type: 'switch', source: id, transition };
  if (transition === 'fade') msg.duration_ms = Number($('fade-ms').value) || 500;
  return command(msg);
}

function take(transition) {
  if (op.preview && op.preview !== op.state.program) cutTo(op.preview, transition);
}

// The operator's slate (the streamer also shows it by itself when the main source is lost:
// slate_reason "source_lost", which the operator's button does not own).
function slateOn() {
  const on = op.state.slate === true || op.state.slate?.on === true;
  return on && (op.state.slate_reason ?? 'operator') === 'operator';
}

function toggleSlate() {
  const on = !slateOn();
  const msg = { type: 'slate', on };
  if (on && ui.slateMessage.value.trim()) msg.message = ui.slateMessage.value.trim();
  command(msg);
}

function applyLayout() {
  const mode = document.querySelector('input[name="layout"]:checked')?.value || 'full';
  const msg = { type: 'layout', mode };
  if (mode === 'full') msg.sources = [ui.layoutMain.value].filter(Boolean);
  else msg.sources = [ui.layoutMain.value, ui.layoutSecond.value].filter(Boolean);
  command(msg);
}

$('cut').addEventListener('click', () => take('cut'));
$('fade').addEventListener('click', () => take('fade'));
$('slate-toggle').addEventListener('click', toggleSlate);
$('layout-apply').addEventListener('click', applyLayout);
$('title-next').addEventListener('click', () => command({ type: 'title', action: 'next' }));
$('title-previous').addEventListener('click', () => command({ type: 'title', action: 'previous' }));
$('title-clear').addEventListener('click', () => command({ type: 'title', action: 'clear' }));
ui.logout.addEventListener('click', () => {
  if (op.relay) op.relay.stop();
  op.relay = null;
  ui.logout.hidden = true;
  login.show();
});

// Keyboard shortcuts (not while typing in a field).
document.addEventListener('keydown', (ev) => {
  const tag = ev.target?.tagName;
  if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing) return;
  if (['INPUT', 'TEXTAREA', 'SELECT'].includes(tag) || $('app').hidden) return;
  const digit = /^Digit([1-9])$/.exec(ev.code);
  const sources = sourcesOf();
  if (digit) {
    const s = sources[Number(digit[1]) - 1];
    if (s) (ev.shiftKey ? cutTo(s.id) : setPreview(s.id));
  } else if (ev.code === 'Space') take('cut');
  else if (ev.code === 'Enter' && tag !== 'BUTTON') take('fade');
  else if (ev.code === 'KeyS') toggleSlate();
  else if (ev.code === 'KeyN') command({ type: 'title', action: 'next' });
  else if (ev.code === 'KeyP') command({ type: 'title', action: 'previous' });
  else if (ev.code === 'KeyX') command({ type: 'title', action: 'clear' });
  else return;
  ev.preventDefault();
});

async function refreshApi() {
  try {
    op.apiState = await fetchState();
  } catch {
    return;
  }
  if (ui.hallSelect.options.length === 0) showHalls(hallsOf(op.apiState));
  renderSchedule();
  renderSources();
}

function renderSchedule() {
  if (op.apiState) schedule.setSessions(sessionsOf(op.apiState, op.hall), timezoneOf(op.apiState));
}

onLangChange(() => { render(); showTitle(titles.current); });
setInterval(refreshApi, 30000);
