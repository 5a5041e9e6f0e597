// The captioner console (/captioner). Partial text goes out as you type (throttled), Enter ends
// the line (final); the last line can be corrected; captions can be paused. Vietnamese input
// methods (Telex, VNI) compose text: nothing is sent while a composition is open
// (compositionstart..compositionend, event.isComposing). The preview is drawn with the same
// code and styles as the viewer's captions, from the relay's own events.

import { CaptionView } from './captions.js';
import { applyI18n, bindLangToggle, initLang, t } from './i18n.js';
import { setupLogin } from './login.js';
import { TitleView } from './overlays.js';
import { RelayClient } from './relay-client.js';

export const PARTIAL_INTERVAL_MS = 250;  // at most one partial caption per interval

initLang();
applyI18n();
bindLangToggle(document.getElementById('lang-toggle'));

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const input = $('caption-input');
const preview = $('preview-stage');
const view = new CaptionView({ overlay: preview.querySelector('.captions'),
  history: document.querySelector('.caption-history'), lines: 2 });
const titles = new TitleView(preview);
const cap = {
  relay: null, hall: params.get('hall') || '', composing: false, paused: false,
  correcting: null, lastPartial: '', lastSentAt: 0, timer: 0, lang: '',
};

const login = setupLogin('captioner', $('login'), $('app'), connect);

function connect(token) {
  $('logout').hidden = false;
  if (cap.relay) cap.relay.stop();
  const relay = new RelayClient({ protocol: 'hallcast.control.v1', hall: cap.hall, token });
  cap.relay = relay;
  relay.on('status', ({ state }) => {
    if (state === 'unauthorized') login.fail();
    else if (state === 'reconnecting') say(t('status.reconnecting'), true);
    else if (state === 'open') say('');
  });
  relay.on('hello', (msg) => {
    if (typeof msg.hall === 'string' && msg.hall) cap.hall = msg.hall;
    view.load(msg.captions);
    titles.show(msg.title);
    showLanguages(msg.event?.languages || msg.languages);
  });
  relay.on('caption', (msg) => forHall(msg) && view.apply(msg));
  relay.on('title', (msg) => forHall(msg) && titles.show(msg));
  relay.start();
  input.focus();
}

function forHall(msg) {
  return !msg.hall || !cap.hall || msg.hall === cap.hall;
}

function showLanguages(languages) {
  if (!Array.isArray(languages) || languages.length < 2) return;
  const select = $('caption-lang');
  select.replaceChildren(...languages.filter((l) => typeof l === 'string').map((l) => {
    const o = document.createElement('option');
    o.value = l;
    o.textContent = l;
    return o;
  }));
  cap.lang = languages[0];
  select.closest('label').hidden = false;
}
$('caption-lang').addEventListener('change', (ev) => { cap.lang = ev.target.value; });

function say(message, isError = false) {
  $('status-line').textContent = message;
  $('status-line').classList.toggle('error', isError);
}

async function sendCaption(msg, quiet) {
  if (!cap.relay) return;
  if (cap.lang) msg.lang = cap.lang;
  if (cap.hall) msg.hall = cap.hall;
  try {
    await cap.relay.command(msg);
    if (!quiet) say('');
  } catch (err) {
    say(t('op.error', { message: err.reply?.message || err.message }), true);
  }
}

// Partial captions: the text as typed, throttled, never in mid-composition or while correcting.
function schedulePartial() {
  if (cap.paused || cap.composing || cap.correcting) return;
  clearTimeout(cap.timer);
  const wait = cap.lastSentAt + PARTIAL_INTERVAL_MS - performance.now();
  if (wait > 0) cap.timer = setTimeout(sendPartial, wait);
  else sendPartial();
}

function sendPartial() {
  cap.timer = 0;
  if (cap.paused || cap.composing || cap.correcting) return;
  const text = input.value.replace(/\s+/g, ' ').trim();
  if (text === cap.lastPartial) return;
  cap.lastPartial = text;
  cap.lastSentAt = performance.now();
  sendCaption({ type: 'caption', text, final: false }, true);
}

function finishLine() {
  if (cap.paused || cap.composing) return;
  const text = input.value.replace(/\s+/g, ' ').trim();
  clearTimeout(cap.timer);
  if (!text) return;
  const msg = { type: 'caption', text, final: true };
  if (cap.correcting) msg.corrects = cap.correcting.id;
  input.value = '';
  cap.lastPartial = '';
  cap.lastSentAt = performance.now();
  setCorrecting(null);
  sendCaption(msg, false);
}

function setCorrecting(line) {
  cap.correcting = line;
  const note = $('correcting');
  note.hidden = !line;
  note.textContent = line ? t('cap.correcting', { text: line.text }) : '';
  $('cancel-correct').hidden = !line;
  document.body.classList.toggle('correcting', Boolean(line));
}

function startCorrecting() {
  const last = view.model.lastFinal();
  if (!last || !last.id) return;
  if (cap.lastPartial) {  // take back a partial line that was on screen
    cap.lastPartial = '';
    if (!cap.paused) sendCaption({ type: 'caption', text: '', final: false }, true);
  }
  setCorrecting(last);
  input.value = last.text;
  input.focus();
  input.setSelectionRange(input.value.length, input.value.length);
}

function cancelCorrecting() {
  setCorrecting(null);
  input.value = '';
}

function setPaused(on) {
  cap.paused = on;
  clearTimeout(cap.timer);
  $('pause').textContent = on ? t('cap.resume') : t('cap.pause');
  $('pause').classList.toggle('active', on);
  $('paused-note').hidden = !on;
  document.body.classList.toggle('paused', on);
  if (on && cap.lastPartial) {  // take the partial line off the viewers' screens
    cap.lastPartial = '';
    sendCaption({ type: 'caption', text: '', final: false }, true);
  }
  if (!on) schedulePartial();
}

input.addEventListener('compositionstart', () => { cap.composing = true; });
input.addEventListener('compositionend', () => {
  cap.composing = false;
  schedulePartial();
});
input.addEventListener('input', (ev) => {
  if (ev.isComposing || cap.composing) return;
  schedulePartial();
});
input.addEventListener('keydown', (ev) => {
  // keyCode 229: the key went to an input method (some browsers report no isComposing).
  if (ev.isComposing || cap.composing || ev.keyCode === 229) return;
  if (ev.key === 'Enter' && !ev.shiftKey) {
    ev.preventDefault();
    finishLine();
  } else if (ev.key === 'ArrowUp' && input.value === '') {
    ev.preventDefault();
    startCorrecting();
  } else if (ev.key === 'Escape' && cap.correcting) {
    ev.preventDefault();
    cancelCorrecting();
  }
});
$('send').addEventListener('click', () => { finishLine(); input.focus(); });
$('correct').addEventListener('click', startCorrecting);
$('cancel-correct').addEventListener('click', () => { cancelCorrecting(); input.focus(); });
$('pause').addEventListener('click', () => setPaused(!cap.paused));
$('logout').addEventListener('click', () => {
  if (cap.relay) cap.relay.stop();
  cap.relay = null;
  $('logout').hidden = true;
  login.show();
});

globalThis.hallcastCaptioner = cap;  // for tests and debugging from the console
