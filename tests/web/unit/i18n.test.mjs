// Every interface string exists in Vietnamese and English, and every key the pages use exists.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { hasKey, keys, t } from '../../../web/js/i18n.js';

const WEB = new URL('../../../web/', import.meta.url);

test('both languages have the same keys', () => {
  assert.deepEqual(keys('en').sort(), keys('vi').sort());
});

test('Vietnamese is the default and placeholders are filled', () => {
  assert.equal(t('standby.next'), 'Phiên tiếp theo');
  assert.match(t('player.codec', { codec: 'hvc1' }), /hvc1/);
});

test('every data-i18n key and t() key used by the pages exists', () => {
  const used = new Set();
  for (const name of readdirSync(WEB).filter((f) => f.endsWith('.html'))) {
    const html = readFileSync(new URL(name, WEB), 'utf8');
    for (const m of html.matchAll(/data-i18n(?:-[a-z-]+)?="([^"]+)"/g)) used.add(m[1]);
  }
  const js = new URL('js/', WEB);
  for (const name of readdirSync(js)) {
    const src = readFileSync(new URL(name, js), 'utf8');
    for (const m of src.matchAll(/\bt\('([a-zA-Z.]+)'/g)) used.add(m[1]);
  }
  const missing = [...used].filter((k) => !hasKey(k, 'vi'));
  assert.deepEqual(missing, []);
  assert.ok(used.size > 40);
});
