// Rules the relay's Content-Security-Policy and the safety requirements impose on web/:
// no inline scripts, handlers or style attributes; network text never goes in as HTML; tokens
// never in URLs or localStorage; modules stay small.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';

const WEB = new URL('../../../web/', import.meta.url);
const read = (rel) => readFileSync(new URL(rel, WEB), 'utf8');
const pages = readdirSync(WEB).filter((f) => f.endsWith('.html'));
const modules = readdirSync(new URL('js/', WEB)).filter((f) => f.endsWith('.js'));

test('the four pages exist', () => {
  for (const p of ['index.html', 'operator.html', 'captioner.html', 'display.html']) {
    assert.ok(pages.includes(p), p);
  }
});

test('pages have no inline script, event handler, style attribute or javascript: URL', () => {
  for (const p of pages) {
    const html = read(p);
    for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
      assert.match(m[1], /\bsrc="\/js\/[a-z-]+\.js"/, `${p}: script without src`);
      assert.equal(m[2].trim(), '', `${p}: inline script body`);
    }
    assert.doesNotMatch(html, /\son[a-z]+\s*=/i, `${p}: inline event handler`);
    assert.doesNotMatch(html, /\sstyle\s*=/i, `${p}: style attribute`);
    assert.doesNotMatch(html, /<style\b/i, `${p}: style element`);
    assert.doesNotMatch(html, /javascript:/i, `${p}: javascript: URL`);
    assert.match(html, /<meta charset="utf-8">/, `${p}: charset`);
  }
});

test('modules never insert HTML and never keep tokens in URLs or localStorage', () => {
  for (const m of modules) {
    const src = read(`js/${m}`);
    assert.doesNotMatch(src, /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write/,
      `${m}: HTML insertion`);
    assert.doesNotMatch(src, /\beval\(|new Function\(/, `${m}: eval`);
    assert.doesNotMatch(src, /setAttribute\('style'/, `${m}: style attribute`);
    assert.doesNotMatch(src, /localStorage[^\n]*token|token[^\n]*localStorage/i, `${m}: token in localStorage`);
    assert.doesNotMatch(src, /[?&]token=/, `${m}: token in a URL`);
  }
});

test('modules stay small (about 400 lines at most)', () => {
  for (const m of modules) {
    const lines = read(`js/${m}`).split('\n').length;
    assert.ok(lines <= 420, `${m}: ${lines} lines`);
  }
});
