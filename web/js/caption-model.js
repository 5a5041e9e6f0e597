// The caption lines a screen shows: final lines (kept for a short scroll-back) and at most one
// partial line being typed. Pure logic over caption events (docs/protocol.md):
//   {"type":"caption","id":"c-42","text":"…","final":true|false,"lang":"vi","corrects":"c-41"}
// A partial replaces the previous partial; a final ends it; "corrects" replaces an earlier final
// line in place. Text is kept as given (it is rendered with textContent, never as HTML).

export const DEFAULT_SCROLLBACK = 20;

export class CaptionModel {
  constructor({ scrollback = DEFAULT_SCROLLBACK } = {}) {
    this.scrollback = scrollback;
    this.lines = [];      // [{id, text, lang}] oldest first, final lines only
    this.partial = null;  // {id, text, lang} or null
  }

  // Applies one caption event; returns true if what is shown changed.
  apply(ev) {
    if (!ev || typeof ev.text !== 'string') return false;
    const line = { id: typeof ev.id === 'string' ? ev.id : '', text: ev.text,
      lang: typeof ev.lang === 'string' ? ev.lang : '' };
    if (ev.final !== true) {
      this.partial = line.text.length > 0 ? line : null;
      return true;
    }
    this.partial = null;
    if (typeof ev.corrects === 'string' && ev.corrects !== '') {
      const i = this.lines.findIndex((l) => l.id === ev.corrects);
      if (i >= 0) {
        // The line keeps its id: later corrections name the original line (docs/protocol.md).
        this.lines[i] = { ...line, id: ev.corrects };
        return true;
      }
    }
    const same = this.lines.findIndex((l) => l.id !== '' && l.id === line.id);
    if (same >= 0) {
      this.lines[same] = line;
      return true;
    }
    if (line.text.length === 0) return true;  // an empty final just ends the partial
    this.lines.push(line);
    if (this.lines.length > this.scrollback) this.lines.splice(0, this.lines.length - this.scrollback);
    return true;
  }

  // Replaces everything with a joining client's recent captions (hello.captions).
  load(captions) {
    this.lines = [];
    this.partial = null;
    for (const c of Array.isArray(captions) ? captions : []) this.apply(c);
  }

  clear() {
    this.lines = [];
    this.partial = null;
  }

  // The last `count` lines to show over the picture, the partial line last.
  visible(count = 2) {
    const shown = this.lines.slice(-count).map((l) => ({ ...l, partial: false }));
    if (this.partial) {
      shown.push({ ...this.partial, partial: true });
      if (shown.length > count) shown.shift();
    }
    return shown;
  }

  lastFinal() {
    return this.lines.length > 0 ? this.lines[this.lines.length - 1] : null;
  }
}
