// Reading the relay's GET /api/state (docs/protocol.md): the event, its halls and what is live
// in each, and the schedule. Helpers are tolerant: a missing field means "not known".

export async function fetchState(signal) {
  const res = await fetch('/api/state', { cache: 'no-store', signal });
  if (!res.ok) throw new Error(`/api/state: HTTP ${res.status}`);
  return res.json();
}

export function hallsOf(state) {
  const halls = Array.isArray(state?.halls) ? state.halls : [];
  return halls.filter((h) => h && typeof h.id === 'string')
    .map((h) => ({ id: h.id, name: typeof h.name === 'string' && h.name ? h.name : h.id,
      live: isLive(h) }));
}

function isLive(hall) {
  if (typeof hall.live === 'boolean') return hall.live;
  const stream = hall.stream ?? hall.state?.stream;
  if (typeof stream === 'string') return stream === 'live';
  if (typeof hall.publisher === 'boolean') return hall.publisher;
  return null;  // not known
}

// Every session of a hall, in start order: [{id, title, start: Date|null, end, speakers}].
export function sessionsOf(state, hall) {
  let list = [];
  if (Array.isArray(state?.sessions)) list = state.sessions;
  else if (Array.isArray(state?.schedule)) list = state.schedule;
  const nested = (state?.halls || []).find((h) => h && h.id === hall);
  if (nested && Array.isArray(nested.sessions)) list = list.concat(nested.sessions);
  const out = [];
  for (const s of list) {
    if (!s || typeof s.id !== 'string') continue;
    if (s.hall && hall && s.hall !== hall) continue;
    out.push({
      id: s.id,
      title: typeof s.title === 'string' ? s.title : s.id,
      start: parseTime(s.start),
      end: parseTime(s.end),
      speakers: (Array.isArray(s.speakers) ? s.speakers : [])
        .filter((p) => p && typeof p.name === 'string')
        .map((p) => ({ name: p.name, role: typeof p.role === 'string' ? p.role : '' })),
    });
  }
  out.sort((a, b) => (a.start?.getTime() ?? 0) - (b.start?.getTime() ?? 0));
  return out;
}

function parseTime(v) {
  if (typeof v === 'number') return new Date(v);
  if (typeof v !== 'string' || v === '') return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

// The session on now, else the next to start; null if none.
export function currentOrNextSession(sessions, now = new Date()) {
  for (const s of sessions) {
    if (!s.end || now < s.end) return s;
  }
  return null;
}

export function timezoneOf(state) {
  const tz = state?.event?.timezone;
  return typeof tz === 'string' && tz ? tz : undefined;
}

// "09:30" in the event's time zone (or the browser's if unknown).
export function formatTime(date, timeZone, locale = 'vi-VN') {
  if (!date) return '';
  try {
    return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', timeZone })
      .format(date);
  } catch {
    return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(date);
  }
}

export function formatDay(date, timeZone, locale = 'vi-VN') {
  if (!date) return '';
  try {
    return new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', year: 'numeric',
      timeZone }).format(date);
  } catch {
    return '';
  }
}
