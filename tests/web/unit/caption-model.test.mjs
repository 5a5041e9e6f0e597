// Caption lines as screens show them: partial, final, corrections, scroll-back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CaptionModel } from '../../../web/js/caption-model.js';

const texts = (m, n = 5) => m.visible(n).map((l) => (l.partial ? `~${l.text}` : l.text));

test('partials replace each other and end with the final line', () => {
  const m = new CaptionModel();
  m.apply({ id: 'c-1', text: 'Chuyển', final: false });
  m.apply({ id: 'c-1', text: 'Chuyển đổi số', final: false });
  assert.deepEqual(texts(m), ['~Chuyển đổi số']);
  m.apply({ id: 'c-1', text: 'Chuyển đổi số là điều bắt buộc phải làm', final: true });
  assert.deepEqual(texts(m), ['Chuyển đổi số là điều bắt buộc phải làm']);
  m.apply({ id: 'c-2', text: '', final: false });
  assert.equal(m.partial, null);
});

test('a correction replaces the line in place and keeps its id, twice over', () => {
  const m = new CaptionModel();
  m.apply({ id: 'c-1', text: 'Một', final: true });
  m.apply({ id: 'c-2', text: 'Hai sai', final: true });
  m.apply({ id: 'c-3', text: 'Hai gần đúng', final: true, corrects: 'c-2' });
  m.apply({ id: 'c-4', text: 'Hai đúng', final: true, corrects: 'c-2' });
  assert.deepEqual(texts(m), ['Một', 'Hai đúng']);
  assert.equal(m.lastFinal().id, 'c-2');
});

test('shows the last lines with the partial last and keeps a bounded scroll-back', () => {
  const m = new CaptionModel({ scrollback: 3 });
  for (let i = 1; i <= 5; i += 1) m.apply({ id: `c-${i}`, text: `dòng ${i}`, final: true });
  m.apply({ id: 'c-6', text: 'đang gõ', final: false });
  assert.deepEqual(texts(m, 2), ['dòng 5', '~đang gõ']);
  assert.deepEqual(m.lines.map((l) => l.text), ['dòng 3', 'dòng 4', 'dòng 5']);
});

test('load() replays a joining client\'s recent captions, corrections included', () => {
  const m = new CaptionModel();
  m.load([{ id: 'c-7', text: 'a', final: true }, { id: 'c-8', text: 'b', final: true },
    { id: 'c-9', text: 'B', final: true, corrects: 'c-8' }]);
  assert.deepEqual(texts(m), ['a', 'B']);
  m.load(null);
  assert.deepEqual(texts(m), []);
});

test('markup stays text', () => {
  const m = new CaptionModel();
  m.apply({ id: 'c-1', text: '<img src=x onerror=alert(1)>', final: true });
  assert.equal(m.lastFinal().text, '<img src=x onerror=alert(1)>');
  assert.equal(m.apply({ id: 'c-2', final: true }), false);  // no text: ignored
});
