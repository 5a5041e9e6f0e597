// Session title, speaker lower third and the standby screen drawn over the video.
// Text from the network goes in with textContent only. Owned by the page's main thread.

import { formatDay, formatTime } from './api.js';
import { lang, t } from './i18n.js';

function text(el, value) {
  el.textContent = typeof value === 'string' ? value : '';
}

// Markup (in the page):
//   <div class="title-bar" hidden><span class="session-title"></span></div>
//   <div class="lower-third" hidden><span class="speaker-name"></span><span class="speaker-role"></span></div>
export class TitleView {
  constructor(root) {
    this.bar = root.querySelector('.title-bar');
    this.sessionTitle = root.querySelector('.session-title');
    this.lower = root.querySelector('.lower-third');
    this.name = root.querySelector('.speaker-name');
    this.role = root.querySelector('.speaker-role');
    this.current = null;
  }

  // A title event or hello.title: {session, text, speaker: {name, role}} or {cleared: true}.
  show(ev) {
    if (!ev || ev.cleared === true || (!ev.text && !ev.speaker)) {
      this.clear();
      return;
    }
    this.current = ev;
    text(this.sessionTitle, ev.text);
    this.bar.hidden = !ev.text;
    const speaker = ev.speaker && typeof ev.speaker === 'object' ? ev.speaker : null;
    text(this.name, speaker?.name);
    text(this.role, speaker?.role);
    this.role.hidden = !speaker?.role;
    this.lower.hidden = !speaker?.name;
  }

  clear() {
    this.current = null;
    this.bar.hidden = true;
    this.lower.hidden = true;
    text(this.sessionTitle, '');
    text(this.name, '');
    text(this.role, '');
  }
}

// Markup: <div class="standby" hidden> .standby-event .standby-hall .standby-state
//         .standby-next-label .standby-next-title .standby-next-time </div>
export class StandbyView {
  constructor(root) {
    this.root = root.querySelector('.standby');
    this.eventName = this.root.querySelector('.standby-event');
    this.hallName = this.root.querySelector('.standby-hall');
    this.stateLine = this.root.querySelector('.standby-state');
    this.nextLabel = this.root.querySelector('.standby-next-label');
    this.nextTitle = this.root.querySelector('.standby-next-title');
    this.nextTime = this.root.querySelector('.standby-next-time');
    this.info = { event: '', hall: '', next: null, timeZone: undefined };
  }

  setInfo(info) {
    this.info = { ...this.info, ...info };
    this.render();
  }

  setVisible(on) {
    this.root.hidden = !on;
    document.body.classList.toggle('standby-on', on);
  }

  render() {
    const { event, hall, next, timeZone } = this.info;
    text(this.eventName, event);
    text(this.hallName, hall);
    this.stateLine.textContent = t('standby.title');
    if (next) {
      const started = next.start && next.start.getTime() <= Date.now();
      this.nextLabel.textContent = started ? t('standby.now') : t('standby.next');
      text(this.nextTitle, next.title);
      const locale = lang() === 'vi' ? 'vi-VN' : 'en-GB';
      const when = [formatTime(next.start, timeZone, locale), formatDay(next.start, timeZone, locale)]
        .filter(Boolean).join(' · ');
      text(this.nextTime, when);
    } else {
      this.nextLabel.textContent = t('standby.none');
      text(this.nextTitle, '');
      text(this.nextTime, '');
    }
  }
}
