// Draws a CaptionModel: the last lines over the picture and a short scroll-back list.
// Every string from the network goes in with textContent, never as HTML.
// Owned by the page's main thread.

import { CaptionModel } from './caption-model.js';

export const SIZE_STEPS = [0.75, 0.9, 1, 1.2, 1.45, 1.75];
const SIZE_KEY = 'hallcast.captionSize';
const ENABLED_KEY = 'hallcast.captions';

function store() {
  try { return globalThis.localStorage || null; } catch { return null; }
}

export class CaptionView {
  // overlay: element over the video; history: optional <ol> for the scroll-back.
  constructor({ overlay, history = null, lines = 2, remember = false } = {}) {
    this.overlay = overlay;
    this.history = history;
    this.lines = lines;
    this.remember = remember;
    this.model = new CaptionModel();
    this.sizeIndex = SIZE_STEPS.indexOf(1);
    this.enabled = true;
    if (remember) {
      const raw = store()?.getItem(SIZE_KEY);
      const saved = raw === null || raw === undefined ? NaN : Number(raw);
      if (Number.isInteger(saved) && saved >= 0 && saved < SIZE_STEPS.length) this.sizeIndex = saved;
      this.enabled = store()?.getItem(ENABLED_KEY) !== 'off';
    }
    this.applySize();
    this.applyEnabled();
  }

  apply(ev) {
    if (this.model.apply(ev)) this.render();
  }

  load(captions) {
    this.model.load(captions);
    this.render();
  }

  render() {
    const shown = this.model.visible(this.lines);
    const rows = shown.map((line) => {
      const row = document.createElement('p');
      row.className = line.partial ? 'caption-line partial' : 'caption-line';
      if (line.lang) row.lang = line.lang;
      row.dataset.id = line.id;
      const span = document.createElement('span');
      span.textContent = line.text;
      row.append(span);
      return row;
    });
    this.overlay.replaceChildren(...rows);
    this.overlay.classList.toggle('empty', rows.length === 0);
    if (this.history) this.renderHistory();
  }

  renderHistory() {
    const items = this.model.lines.map((line) => {
      const li = document.createElement('li');
      if (line.lang) li.lang = line.lang;
      li.textContent = line.text;
      return li;
    });
    this.history.replaceChildren(...items);
    this.history.scrollTop = this.history.scrollHeight;
  }

  // step: -1 smaller, +1 larger.
  resize(step) {
    this.sizeIndex = Math.min(SIZE_STEPS.length - 1, Math.max(0, this.sizeIndex + step));
    this.applySize();
    if (this.remember) store()?.setItem(SIZE_KEY, String(this.sizeIndex));
  }

  applySize() {
    this.overlay.style.setProperty('--caption-scale', String(SIZE_STEPS[this.sizeIndex]));
  }

  setEnabled(on) {
    this.enabled = on;
    this.applyEnabled();
    if (this.remember) store()?.setItem(ENABLED_KEY, on ? 'on' : 'off');
  }

  applyEnabled() {
    this.overlay.hidden = !this.enabled;
  }
}
