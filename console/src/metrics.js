// Small sparkline charts of a few metrics from GET /api/v1/metrics:
//   {time, metrics: [{k: name, t: type, l: label names, v: [values...] or [[...], [...]] (histograms), s?: [...]}]}
import { h, s, clear, fmtNumber } from './dom.js';

const PREFERRED = [
  'pipy_inbound_count', 'pipy_outbound_count',
  'pipy_inbound_in', 'pipy_inbound_out',
  'pipy_outbound_in', 'pipy_outbound_out',
  'pipy_pipeline_count', 'pipy_object_count',
  'pipy_pool_allocated_size', 'pipy_chunk_count',
];
const MAX_CHARTS = 6;
const W = 220, H = 56;

// One series per metric: a plain number array, histogram dimensions summed.
export function series(m) {
  const v = Array.isArray(m.v) ? m.v : [];
  if (v.length && Array.isArray(v[0])) {
    const n = Math.max(...v.map(a => a.length));
    const out = new Array(n).fill(0);
    for (const a of v) a.forEach((x, i) => { out[i] += Number(x) || 0; });
    return out;
  }
  return v.map(x => Number(x) || 0);
}

export function pickMetrics(list) {
  const byName = new Map(list.map(m => [m.k, m]));
  const picked = PREFERRED.filter(k => byName.has(k)).map(k => byName.get(k));
  for (const m of list) {
    if (picked.length >= MAX_CHARTS) break;
    if (!picked.includes(m)) picked.push(m);
  }
  return picked.slice(0, MAX_CHARTS);
}

function chart(m) {
  const data = series(m);
  const max = Math.max(1, ...data), min = Math.min(0, ...data);
  const n = data.length;
  const x = i => (n <= 1 ? W : (i / (n - 1)) * W);
  const y = v => H - 2 - ((v - min) / (max - min || 1)) * (H - 4);
  const pts = data.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', class: 'spark' });
  if (n) {
    svg.append(s('polygon', { points: `0,${H} ${pts} ${W},${H}`, class: 'spark-area' }));
    svg.append(s('polyline', { points: pts, class: 'spark-line' }));
  }
  const last = n ? data[n - 1] : 0;
  return h('div', { class: 'chart', 'data-test': 'metric-chart', 'data-metric': m.k },
    h('div', { class: 'chart-head' },
      h('span', { class: 'chart-name', title: `${m.k} (${m.t}${m.l ? ', by ' + m.l : ''})`, text: m.k.replace(/^pipy_/, '') }),
      h('span', { class: 'chart-value', 'data-test': 'metric-value', text: fmtNumber(last) })),
    svg,
    h('div', { class: 'chart-foot', text: `${m.t || ''} · max ${fmtNumber(max)}` }));
}

export function drawMetrics(container, answer) {
  clear(container);
  const list = answer && Array.isArray(answer.metrics) ? answer.metrics : [];
  if (!list.length) {
    container.append(h('div', { class: 'empty', text: 'No metrics yet (the history fills every 5 s).' }));
    return;
  }
  for (const m of pickMetrics(list)) container.append(chart(m));
}
