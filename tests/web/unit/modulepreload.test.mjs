// Every page lists its whole static module graph as <link rel="modulepreload">, so a browser
// fetches the modules in one round trip instead of one per import level (phones on weak links).
// The lists are written by hand in the HTML: this test walks each page's entry module's static
// imports and fails on a module missing from the list or listed without being imported.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../web');

// Static imports only: `import ... from './x.js'`, `import './x.js'`, `export ... from './x.js'`.
// Dynamic `import('./x.js')` (loaded on demand, e.g. ?measure=1) is deliberately not followed.
function staticImports(file) {
  const src = readFileSync(path.join(web, file), 'utf8');
  const re = /^\s*(?:import|export)\s+(?:[^'"();]*?\s+from\s+)?['"](\.[^'"]+)['"]/gm;
  return [...src.matchAll(re)].map((m) => path.posix.join(path.posix.dirname(file), m[1]));
}

function graph(entry) {
  const seen = new Set();
  const visit = (file) => {
    for (const dep of staticImports(file)) {
      if (!seen.has(dep)) { seen.add(dep); visit(dep); }
    }
  };
  visit(entry);
  return seen;
}

const pages = readdirSync(web).filter((f) => f.endsWith('.html'));

for (const page of pages) {
  test(`${page}: modulepreload lists exactly the entry's static imports`, () => {
    const html = readFileSync(path.join(web, page), 'utf8');
    const entries = [...html.matchAll(/<script type="module" src="\/([^"]+)"/g)].map((m) => m[1]);
    const preloaded = new Set([...html.matchAll(/<link rel="modulepreload" href="\/([^"]+)"/g)]
      .map((m) => m[1]));
    const needed = new Set(entries.flatMap((e) => [...graph(e)]));
    for (const e of entries) needed.delete(e);
    const missing = [...needed].filter((f) => !preloaded.has(f)).sort();
    const extra = [...preloaded].filter((f) => !needed.has(f)).sort();
    assert.deepEqual({ missing, extra }, { missing: [], extra: [] });
  });
}

test('the import walker sees through a chain (the test itself can fail)', () => {
  assert.ok(graph('js/viewer.js').has('js/player.js'));
  assert.ok(graph('js/viewer.js').has('js/live-edge.js'), 'player.js imports live-edge.js');
});
