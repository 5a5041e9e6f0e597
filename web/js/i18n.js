// Interface strings: Vietnamese by default, English available. The choice is kept in
// localStorage ("hallcast.lang"). Elements carry data-i18n="key" (textContent),
// data-i18n-placeholder, data-i18n-title and data-i18n-aria-label.

const STRINGS = {
  vi: {
    'app.name': 'hallcast',
    'lang.switch': 'English',
    'lang.switch.title': 'Chuyển sang tiếng Anh',
    'viewer.title': 'Truyền hình trực tiếp',
    'viewer.hall': 'Hội trường',
    'viewer.captions': 'Phụ đề',
    'viewer.captions.on': 'Bật phụ đề',
    'viewer.captions.off': 'Tắt phụ đề',
    'viewer.size': 'Cỡ chữ',
    'viewer.size.smaller': 'Chữ nhỏ hơn',
    'viewer.size.larger': 'Chữ lớn hơn',
    'viewer.history': 'Phụ đề đã qua',
    'viewer.fullscreen': 'Toàn màn hình',
    'viewer.unmute': 'Bật tiếng',
    'viewer.mute': 'Tắt tiếng',
    'viewer.live': 'TRỰC TIẾP',
    'status.connecting': 'Đang kết nối…',
    'status.reconnecting': 'Mất kết nối, đang kết nối lại…',
    'status.buffering': 'Đang tải hình…',
    'standby.title': 'Chưa phát sóng',
    'standby.next': 'Phiên tiếp theo',
    'standby.now': 'Phiên đang diễn ra',
    'standby.none': 'Chương trình sẽ bắt đầu trong giây lát',
    'standby.slate': 'Tạm dừng',
    'player.unsupported': 'Trình duyệt này không phát được video trực tiếp (không có MediaSource). Hãy dùng Chrome, Edge, Firefox hoặc Safari mới.',
    'player.codec': 'Trình duyệt này không giải mã được định dạng video của buổi phát ({codec}).',
    'login.title': 'Đăng nhập',
    'login.token': 'Mã truy cập',
    'login.submit': 'Đăng nhập',
    'login.failed': 'Mã truy cập không đúng.',
    'login.logout': 'Đăng xuất',
    'op.title': 'Bàn điều khiển',
    'op.sources': 'Nguồn hình',
    'op.program': 'Đang phát',
    'op.preview': 'Chờ phát',
    'op.cut': 'Cắt',
    'op.fade': 'Chuyển mờ',
    'op.layout': 'Bố cục',
    'op.layout.full': 'Toàn khung',
    'op.layout.pip': 'Hình trong hình',
    'op.layout.sbs': 'Song song',
    'op.layout.main': 'Hình chính',
    'op.layout.second': 'Hình phụ',
    'op.layout.apply': 'Áp dụng',
    'op.slate': 'Màn hình chờ',
    'op.slate.on': 'Bật màn hình chờ',
    'op.slate.off': 'Tắt màn hình chờ',
    'op.slate.message': 'Thông điệp',
    'op.slate.lost': 'Mất nguồn đang phát: đang hiện màn hình chờ',
    'op.schedule': 'Chương trình',
    'op.title.fire': 'Tiêu đề',
    'op.title.clear': 'Xoá tiêu đề',
    'op.title.next': 'Tiếp',
    'op.title.previous': 'Trước',
    'op.onair.title': 'Tiêu đề đang hiện',
    'op.onair.none': '(không có)',
    'op.captions': 'Phụ đề (như người xem thấy)',
    'op.viewers': 'Người xem',
    'op.shortcuts': 'Phím tắt',
    'op.stream.live': 'Đang phát sóng',
    'op.stream.offline': 'Không có tín hiệu',
    'op.health.ok': 'tốt',
    'op.health.lost': 'mất tín hiệu',
    'op.health.starting': 'đang khởi động',
    'op.ack': 'Đã thực hiện: {what}',
    'op.error': 'Lỗi: {message}',
    'key.preview': 'Chọn nguồn chờ phát',
    'key.cutTo': 'Cắt thẳng sang nguồn',
    'key.cut': 'Cắt sang nguồn chờ',
    'key.fade': 'Chuyển mờ sang nguồn chờ',
    'key.slate': 'Bật/tắt màn hình chờ',
    'key.next': 'Tiêu đề tiếp / trước',
    'key.clear': 'Xoá tiêu đề',
    'cap.title': 'Phụ đề trực tiếp',
    'cap.input': 'Gõ phụ đề; Enter để chốt dòng',
    'cap.send': 'Chốt dòng',
    'cap.correct': 'Sửa dòng trước',
    'cap.correcting': 'Đang sửa dòng: {text}',
    'cap.cancel': 'Huỷ sửa',
    'cap.pause': 'Tạm dừng phụ đề',
    'cap.resume': 'Tiếp tục phụ đề',
    'cap.paused': 'Đã tạm dừng: không gửi gì cho người xem.',
    'cap.preview': 'Người xem đang thấy',
    'cap.lang': 'Ngôn ngữ',
    'cap.help': 'Enter: chốt dòng · Mũi tên lên (ô trống): sửa dòng trước · Esc: huỷ sửa',
  },
  en: {
    'app.name': 'hallcast',
    'lang.switch': 'Tiếng Việt',
    'lang.switch.title': 'Switch to Vietnamese',
    'viewer.title': 'Live',
    'viewer.hall': 'Hall',
    'viewer.captions': 'Captions',
    'viewer.captions.on': 'Captions on',
    'viewer.captions.off': 'Captions off',
    'viewer.size': 'Text size',
    'viewer.size.smaller': 'Smaller text',
    'viewer.size.larger': 'Larger text',
    'viewer.history': 'Recent captions',
    'viewer.fullscreen': 'Full screen',
    'viewer.unmute': 'Unmute',
    'viewer.mute': 'Mute',
    'viewer.live': 'LIVE',
    'status.connecting': 'Connecting…',
    'status.reconnecting': 'Connection lost, reconnecting…',
    'status.buffering': 'Loading video…',
    'standby.title': 'Not on air',
    'standby.next': 'Next session',
    'standby.now': 'Session in progress',
    'standby.none': 'The programme will start shortly',
    'standby.slate': 'Paused',
    'player.unsupported': 'This browser cannot play live video (no MediaSource). Please use a recent Chrome, Edge, Firefox or Safari.',
    'player.codec': 'This browser cannot decode the stream\'s video format ({codec}).',
    'login.title': 'Log in',
    'login.token': 'Access token',
    'login.submit': 'Log in',
    'login.failed': 'Wrong access token.',
    'login.logout': 'Log out',
    'op.title': 'Operator panel',
    'op.sources': 'Sources',
    'op.program': 'Program',
    'op.preview': 'Preview',
    'op.cut': 'Cut',
    'op.fade': 'Fade',
    'op.layout': 'Layout',
    'op.layout.full': 'Full',
    'op.layout.pip': 'Picture in picture',
    'op.layout.sbs': 'Side by side',
    'op.layout.main': 'Main',
    'op.layout.second': 'Second',
    'op.layout.apply': 'Apply',
    'op.slate': 'Slate',
    'op.slate.on': 'Slate on',
    'op.slate.off': 'Slate off',
    'op.slate.message': 'Message',
    'op.slate.lost': 'Program source lost: slate on air',
    'op.schedule': 'Schedule',
    'op.title.fire': 'Title',
    'op.title.clear': 'Clear title',
    'op.title.next': 'Next',
    'op.title.previous': 'Previous',
    'op.onair.title': 'Title on air',
    'op.onair.none': '(none)',
    'op.captions': 'Captions (as viewers see them)',
    'op.viewers': 'Viewers',
    'op.shortcuts': 'Shortcuts',
    'op.stream.live': 'On air',
    'op.stream.offline': 'No signal',
    'op.health.ok': 'ok',
    'op.health.lost': 'lost',
    'op.health.starting': 'starting',
    'op.ack': 'Done: {what}',
    'op.error': 'Error: {message}',
    'key.preview': 'Put source in preview',
    'key.cutTo': 'Cut straight to source',
    'key.cut': 'Cut to preview',
    'key.fade': 'Fade to preview',
    'key.slate': 'Slate on/off',
    'key.next': 'Next / previous title',
    'key.clear': 'Clear title',
    'cap.title': 'Live captions',
    'cap.input': 'Type captions; Enter ends the line',
    'cap.send': 'End line',
    'cap.correct': 'Correct last line',
    'cap.correcting': 'Correcting: {text}',
    'cap.cancel': 'Cancel correction',
    'cap.pause': 'Pause captions',
    'cap.resume': 'Resume captions',
    'cap.paused': 'Paused: nothing is sent to viewers.',
    'cap.preview': 'Viewers see',
    'cap.lang': 'Language',
    'cap.help': 'Enter: end line · Up arrow (empty box): correct last line · Esc: cancel correction',
  },
};

const STORAGE_KEY = 'hallcast.lang';
let current = 'vi';
const listeners = new Set();

function storage() {
  try { return globalThis.localStorage || null; } catch { return null; }
}

export function initLang() {
  const saved = storage()?.getItem(STORAGE_KEY);
  current = saved && STRINGS[saved] ? saved : 'vi';
  return current;
}

export function lang() {
  return current;
}

// The string for key in the current language, with {name} placeholders filled from vars.
export function t(key, vars = {}) {
  const s = STRINGS[current][key] ?? STRINGS.vi[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

export function hasKey(key, language = 'vi') {
  return key in STRINGS[language];
}

export function keys(language) {
  return Object.keys(STRINGS[language]);
}

export function applyI18n(root = document) {
  document.documentElement.lang = current;
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll('[data-i18n-aria-label]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  }
}

export function setLang(language) {
  if (!STRINGS[language]) return;
  current = language;
  storage()?.setItem(STORAGE_KEY, language);
  applyI18n();
  for (const fn of listeners) fn(language);
}

export function onLangChange(fn) {
  listeners.add(fn);
}

// Wires a button that toggles Vietnamese <-> English.
export function bindLangToggle(button) {
  if (!button) return;
  button.addEventListener('click', () => setLang(current === 'vi' ? 'en' : 'vi'));
}
