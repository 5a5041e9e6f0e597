// The operator panel's schedule: each session of the hall with a button to fire its title and
// one per speaker for the lower third; previous / next / clear. Sends "title" commands
// (docs/protocol.md) through the given send(command) function.

import { formatTime } from './api.js';
import { t } from './i18n.js';

export class ScheduleView {
  constructor(list, send) {
    this.list = list;
    this.send = send;
    this.sessions = [];
    this.timeZone = undefined;
    this.onAir = null;  // the title event on air
  }

  setSessions(sessions, timeZone) {
    this.sessions = sessions;
    this.timeZone = timeZone;
    this.render();
  }

  setOnAir(title) {
    this.onAir = title && !title.cleared ? title : null;
    this.render();
  }

  fireSession(session) {
    return this.send({ type: 'title', action: 'set', session: session.id });
  }

  fireSpeaker(session, index) {
    return this.send({ type: 'title', action: 'set', session: session.id, speaker: index });
  }

  render() {
    const items = this.sessions.map((s) => this.renderSession(s));
    this.list.replaceChildren(...items);
  }

  renderSession(s) {
    const li = document.createElement('li');
    li.className = 'session';
    li.dataset.session = s.id;
    const onAir = this.onAir && this.onAir.session === s.id;
    li.classList.toggle('on-air', Boolean(onAir));
    const head = document.createElement('div');
    head.className = 'session-head';
    const time = document.createElement('span');
    time.className = 'session-time';
    time.textContent = formatTime(s.start, this.timeZone);
    const fire = document.createElement('button');
    fire.type = 'button';
    fire.className = 'fire-title';
    fire.textContent = s.title;
    fire.title = t('op.title.fire');
    fire.addEventListener('click', () => this.fireSession(s));
    head.append(time, fire);
    li.append(head);
    if (s.speakers.length > 0) {
      const speakers = document.createElement('div');
      speakers.className = 'speakers';
      s.speakers.forEach((p, i) => speakers.append(this.renderSpeaker(s, p, i, onAir)));
      li.append(speakers);
    }
    return li;
  }

  renderSpeaker(session, person, index, sessionOnAir) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'fire-speaker';
    b.dataset.speaker = String(index);
    const name = document.createElement('span');
    name.className = 'speaker-name';
    name.textContent = person.name;
    const role = document.createElement('span');
    role.className = 'speaker-role';
    role.textContent = person.role;
    b.append(name, role);
    const live = sessionOnAir && this.onAir.speaker && this.onAir.speaker.name === person.name;
    b.classList.toggle('on-air', Boolean(live));
    b.addEventListener('click', () => this.fireSpeaker(session, index));
    return b;
  }
}
