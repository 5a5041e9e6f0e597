// Turns the load generator's per-run JSON into medians (with min–max) per server, ratios
// relay/peer, and a Markdown report.
const stepAt = (run, n) => run.ramp?.steps?.find((s) => s.viewers === n);

// name -> [label, unit, extractor(run)]; lower is better unless noted.
const METRICS = [
  ['max_viewers', 'max viewers (99.9 % delivered, p99 ≤ 50 ms)', '', (r) => r.ramp?.max_viewers],
  ['cpu_gbit_1000', 'server CPU per delivered Gbit/s @1000', 'core·s/Gbit', (r) => stepAt(r, 1000)?.server?.cpu_per_gbit_s],
  ['cpu_gbit_2000', 'server CPU per delivered Gbit/s @2000', 'core·s/Gbit', (r) => stepAt(r, 2000)?.server?.cpu_per_gbit_s],
  ['cpu_gbit_500', 'server CPU per delivered Gbit/s @500', 'core·s/Gbit', (r) => stepAt(r, 500)?.server?.cpu_per_gbit_s],
  ['cores_1000', 'server CPU @1000', 'cores', (r) => stepAt(r, 1000)?.server?.cpu_cores],
  ['mem_viewer_500', 'server RSS per viewer @500', 'KiB', (r) => stepAt(r, 500)?.server?.rss_per_viewer_kib],
  ['mem_viewer_1000', 'server RSS per viewer @1000', 'KiB', (r) => stepAt(r, 1000)?.server?.rss_per_viewer_kib],
  ['mem_viewer_2000', 'server RSS per viewer @2000', 'KiB', (r) => stepAt(r, 2000)?.server?.rss_per_viewer_kib],
  ...[500, 1000, 2000].flatMap((n) => [
    [`delivered_${n}`, `delivered @${n}`, '%', (r) => pct(stepAt(r, n)?.delivered)],
    [`lag_p50_${n}`, `lag p50 @${n}`, 'ms', (r) => stepAt(r, n)?.lag?.p50_ms],
    [`lag_p99_${n}`, `lag p99 @${n}`, 'ms', (r) => stepAt(r, n)?.lag?.p99_ms],
    [`lag_max_${n}`, `lag max @${n}`, 'ms', (r) => stepAt(r, n)?.lag?.max_ms],
    [`caption_p99_${n}`, `caption lag p99 @${n}`, 'ms', (r) => p99(stepAt(r, n)?.caption_lag)],
    [`fanout_last_p50_${n}`, `relay-added (last viewer) p50 @${n}`, 'ms', (r) => stepAt(r, n)?.relay_fanout?.last?.p50_ms],
    [`fanout_last_p99_${n}`, `relay-added (last viewer) p99 @${n}`, 'ms', (r) => stepAt(r, n)?.relay_fanout?.last?.p99_ms],
    [`fanout_median_p99_${n}`, `relay-added (median viewer) p99 @${n}`, 'ms', (r) => stepAt(r, n)?.relay_fanout?.median?.p99_ms],
  ]),
  ['join_p50', 'join → first decodable fragment p50 (@500)', 'ms', (r) => r.ramp?.join?.p50_ms],
  ['join_max', 'join → first decodable fragment max (@500)', 'ms', (r) => r.ramp?.join?.max_ms],
  ['slow_others_p99', 'slow test (1000, 5 % at half speed): others’ p99', 'ms', (r) => r.slow?.lag?.p99_ms],
  ['slow_others_delivered', 'slow test: others delivered', '%', (r) => pct(r.slow?.delivered)],
  ['slow_caption_p99', 'slow test: others’ caption p99', 'ms', (r) => p99(r.slow?.caption_lag)],
  ['slow_slow_caption_p99', 'slow test: slow viewers’ caption p99', 'ms', (r) => p99(r.slow?.slow?.caption_lag)],
  ['loadgen_1000', 'load generator CPU @1000', 'cores', (r) => stepAt(r, 1000)?.loadgen_cpu_cores],
];

function pct(x) { return x === undefined ? undefined : x * 100; }
// A lag histogram that received nothing in its window: infinitely late, shown as "none".
function p99(h) { return h === undefined ? undefined : h.count > 0 ? h.p99_ms : Infinity; }

function stats(values) {
  const v = values.filter((x) => typeof x === 'number' && !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { median, min: v[0], max: v[v.length - 1], n: v.length };
}

export function summarize(runs, servers) {
  const out = {};
  for (const [name, label, unit, get] of METRICS) {
    const row = { label, unit };
    row.stats = {};
    row.ratio = {};
    for (const s of servers) row.stats[s] = stats(runs.filter((r) => r.server === s).map(get));
    for (const s of servers) {
      const a = row.stats[s]?.median, b = row.stats.peer?.median;
      if (s !== 'peer' && Number.isFinite(a) && Number.isFinite(b) && b) row.ratio[s] = a / b;
    }
    out[name] = row;
  }
  out.flags = runs.flatMap((r) => [...(r.ramp?.steps ?? []), ...(r.slow ? [{ ...r.slow, viewers: `slow ${r.slow.viewers}` }] : [])]
    .filter((s) => s.net_moved && Object.keys(s.net_moved).length)
    .map((s) => ({ server: r.server, repeat: r.repeat, viewers: s.viewers, moved: s.net_moved })));
  return out;
}

const fmt = (x) => (x === undefined || x === null ? '–' : x === Infinity ? 'none' : Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));
const cell = (s) => (s ? (s.n > 1 ? `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})` : fmt(s.median)) : '–');

export function markdown(meta, summary, runs) {
  const servers = [...new Set(runs.map((r) => r.server))];
  const lines = [];
  const m = runs[0]?.machine_before ?? {};
  lines.push(`Run ${meta.when} on ${m.cpu ?? '?'}, ${m.cores ?? '?'} cores, ${m.kernel ?? '?'}, Node ${meta.node}; `
    + `stream ${meta.bitrate_kbps} kbit/s, ${meta.fps} fragments/s, keyframe every ${meta.gop}; ${runs.length} runs in ${meta.minutes.toFixed(1)} min.`, '');
  lines.push('Load average (1 min) before → after each run: ' + runs.map((r) => `${r.server}#${r.repeat + 1} ${r.machine_before.loadavg[0]}→${r.machine_after.loadavg[0]}`).join(', '), '');
  const ratios = servers.includes('peer') ? servers.filter((s) => s !== 'peer') : [];
  lines.push(`| metric | unit | ${[...servers, ...ratios.map((s) => `${s} / peer`)].join(' | ')} |`);
  lines.push(`|---|---|${[...servers, ...ratios].map(() => '---:').join('|')}|`);
  for (const [name, row] of Object.entries(summary)) {
    if (name === 'flags') continue;
    const cells = [...servers.map((s) => cell(row.stats[s])), ...ratios.map((s) => (row.ratio[s] !== undefined ? fmt(row.ratio[s]) : '–'))];
    lines.push(`| ${row.label} | ${row.unit} | ${cells.join(' | ')} |`);
  }
  lines.push('', 'Medians of the repeats, (min–max) across them.', '');
  lines.push('### Every step', '', '| server | # | viewers | delivered % | lag p50 / p99 / max ms | relay-added p50 / p99 ms (last viewer) | caption p99 ms | Gbit/s | server cores | server RSS MiB | load gen cores | load avg | kernel drops / retransmits |', '|---|---|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---|');
  for (const r of runs) {
    for (const s of [...(r.ramp?.steps ?? []), ...(r.slow ? [{ ...r.slow, viewers: `${r.slow.viewers} (5 % slow)` }] : [])]) {
      const moved = Object.entries(s.net_moved ?? {}).map(([k, v]) => `${k} ${v}`).join(', ') || '–';
      lines.push(`| ${r.server} | ${r.repeat + 1} | ${s.viewers} | ${fmt(s.delivered * 100)} | ${fmt(s.lag.p50_ms)} / ${fmt(s.lag.p99_ms)} / ${fmt(s.lag.max_ms)} | ${s.relay_fanout ? `${fmt(s.relay_fanout.last.p50_ms)} / ${fmt(s.relay_fanout.last.p99_ms)}` : '–'} | ${fmt(p99(s.caption_lag))} | ${fmt(s.delivered_gbit_s)} | ${fmt(s.server?.cpu_cores)} | ${fmt((s.server?.rss_kib ?? 0) / 1024)} | ${fmt(s.loadgen_cpu_cores)} | ${fmt(s.loadavg_1min)} | ${moved} |`);
    }
  }
  lines.push('');
  return lines.join('\n');
}
