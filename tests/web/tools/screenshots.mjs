// Screenshots of every page against the in-browser fake relay, for checking the look on a
// desktop and a narrow phone with Vietnamese text:   node tools/screenshots.mjs OUT_DIR
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FakeRelay, makeStream, ORIGIN, serveWeb } from '../browser/fake-relay.mjs';
import { launchBrowser } from '../e2e/harness.mjs';

const out = process.argv[2] || 'screenshots';
mkdirSync(out, { recursive: true });
const EVENT = { name: 'Ngày Chuyển đổi số quốc gia 2022 tại Thanh Hóa', timezone: 'Asia/Ho_Chi_Minh' };
const HALLS = [{ id: 'hoi-truong', name: 'Hội trường' }, { id: 'trien-lam', name: 'Khu triển lãm' }];
const SOURCES = [
  { id: 'cam-1', label: 'Camera 1 — Toàn cảnh hội trường', health: 'ok' },
  { id: 'cam-2', label: 'Camera 2 — Bục phát biểu', health: 'ok' },
  { id: 'slides', label: 'Máy tính trình chiếu', health: 'lost' },
];
const SESSIONS = [
  { id: 'hoi-thao-1', hall: 'hoi-truong', title: 'Thúc đẩy chương trình chuyển đổi số tỉnh Thanh Hóa năm 2022',
    start: '2022-10-06T08:30:00+07:00', end: '2099-10-06T10:00:00+07:00',
    speakers: [{ name: 'Ông Mai Xuân Liêm', role: 'Phó Chủ tịch UBND tỉnh Thanh Hóa, Phó trưởng ban Chuyển đổi số tỉnh Thanh Hóa' },
      { name: 'Ông Nguyễn Phú Tiến', role: 'Phó Cục trưởng Cục Chuyển đổi số quốc gia, Bộ TT-TT' }] },
  { id: 'hoi-thao-2', hall: 'hoi-truong', title: 'Chuyển đổi số doanh nghiệp nhỏ và vừa - động lực thúc đẩy phát triển kinh tế số tại tỉnh Thanh Hóa',
    start: '2099-10-06T10:15:00+07:00', end: '2099-10-06T11:45:00+07:00',
    speakers: [{ name: 'Ông Đỗ Hữu Quyết', role: 'Giám đốc Sở TT-TT, Phó trưởng ban chỉ đạo Chuyển đổi số tỉnh Thanh Hóa' }] },
];
const TITLE = { type: 'title', hall: 'hoi-truong', session: 'hoi-thao-1', text: SESSIONS[0].title,
  speaker: SESSIONS[0].speakers[0], t: 0 };
const CAPTIONS = [
  { type: 'caption', id: 'c-1', text: 'Chuyển đổi số là điều bắt buộc phải làm', final: true, t: 0 },
  { type: 'caption', id: 'c-2', text: 'Thanh Hóa là một trong những địa phương đi đầu trong việc ứng dụng công nghệ thông tin vào hoạt động của các cơ quan nhà nước', final: true, t: 0 },
];
const hello = (stream) => ({ type: 'hello', hall: 'hoi-truong', halls: HALLS, event: EVENT, title: TITLE,
  captions: CAPTIONS, viewers: 128, state: { stream, program: 'cam-1', preview: 'cam-2', sources: SOURCES } });
const api = { event: EVENT, halls: HALLS, sessions: SESSIONS };

const browser = await launchBrowser();
const stream = makeStream(20);
async function page(path, viewport, relay, login) {
  const p = await browser.newPage({ viewport });
  await serveWeb(p, { apiState: api });
  await relay.attach(p);
  await p.goto(ORIGIN + path);
  if (login) {
    await p.locator('#token').fill('x');
    await p.locator('#login button[type="submit"]').click();
  }
  return p;
}
const live = new FakeRelay(stream, hello('live'));
live.start();
const desktop = { width: 1280, height: 800 };
const phone = { width: 390, height: 844 };
for (const [name, path, vp, login] of [['viewer-desktop', '/', desktop], ['viewer-phone', '/', phone],
  ['display', '/display', { width: 1280, height: 720 }], ['operator-desktop', '/operator', desktop, true],
  ['operator-phone', '/operator', phone, true], ['captioner-desktop', '/captioner', desktop, true]]) {
  const p = await page(path, vp, live, login);
  await p.waitForTimeout(3000);
  await p.screenshot({ path: join(out, `${name}.png`), fullPage: name.includes('operator') });
  await p.close();
}
live.stop();
const off = new FakeRelay(stream, hello('offline'));
const p = await page('/', phone, off);
await p.waitForTimeout(1500);
await p.screenshot({ path: join(out, 'standby-phone.png') });
await browser.close();
console.log(`screenshots in ${out}`);
