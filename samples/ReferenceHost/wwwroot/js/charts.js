// SVG charts: a histogram of measurement counts and a line chart of fitness per generation. No dependencies.
import { svg, h } from './dom.js';

const MAX_BARS = 64;

/** A bar per outcome (sorted by bitstring); each bar has a tooltip (<title>) and is reachable by keyboard. */
export function histogram(counts, { label = 'Counts' } = {}) {
  let entries = Object.entries(counts ?? {}).map(([k, v]) => [k, Number(v)]);
  const total = entries.reduce((s, [, v]) => s + v, 0);
  const distinct = entries.length;
  if (distinct > MAX_BARS) entries = entries.sort((a, b) => b[1] - a[1]).slice(0, MAX_BARS);
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const max = Math.max(1, ...entries.map(([, v]) => v));
  const W = 640; const H = 280; const left = 48; const bottom = 56; const top = 12; const right = 8;
  const plotW = W - left - right; const plotH = H - top - bottom;
  const slot = plotW / Math.max(entries.length, 1);
  const barW = Math.max(2, Math.min(56, slot * 0.75));
  const summary = entries.map(([k, v]) => `${k}: ${v}`).join(', ');
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${label}: ${summary}${distinct > MAX_BARS ? ` (top ${MAX_BARS} of ${distinct} outcomes)` : ''}` });
  for (let i = 0; i <= 4; i++) {
    const y = top + plotH - (plotH * i) / 4;
    root.append(svg('line', { class: 'grid-line', x1: left, x2: W - right, y1: y, y2: y }));
    root.append(svg('text', { x: left - 6, y: y + 4, 'text-anchor': 'end' }, Math.round((max * i) / 4).toLocaleString()));
  }
  root.append(svg('line', { class: 'axis', x1: left, x2: W - right, y1: top + plotH, y2: top + plotH }));
  const rotate = entries.length > 8 || entries.some(([k]) => k.length > 6);
  entries.forEach(([key, value], i) => {
    const x = left + i * slot + (slot - barW) / 2;
    const bh = (plotH * value) / max;
    const pct = total > 0 ? ((100 * value) / total).toFixed(1) : '0';
    const bar = svg('rect', { class: 'bar', x, y: top + plotH - bh, width: barW, height: Math.max(bh, 0.5), tabindex: 0, 'aria-label': `${key}: ${value} (${pct}%)`, 'data-key': key },
      svg('title', {}, `${key}: ${value} shots (${pct}%)`));
    root.append(bar);
    const cx = x + barW / 2; const ty = top + plotH + 14;
    root.append(svg('text', rotate
      ? { x: cx, y: ty, 'text-anchor': 'end', transform: `rotate(-45 ${cx} ${ty})`, 'font-family': 'monospace' }
      : { x: cx, y: ty, 'text-anchor': 'middle', 'font-family': 'monospace' }, key));
  });
  const wrap = h('figure', { class: 'histogram', style: 'margin:0' }, root);
  if (distinct > MAX_BARS) wrap.append(h('figcaption', { class: 'muted' }, `Showing the ${MAX_BARS} most frequent of ${distinct} outcomes.`));
  return wrap;
}

/** Lines over x = 0..n-1 for each series { name, values: (number|null)[] }, with dots that carry tooltips. */
export function lineChart(series, { xLabel = 'generation', yLabel = 'fitness', label = 'Line chart' } = {}) {
  const n = Math.max(0, ...series.map((s) => s.values.length));
  const all = series.flatMap((s) => s.values).filter((v) => typeof v === 'number' && Number.isFinite(v));
  let lo = all.length ? Math.min(...all) : 0; let hi = all.length ? Math.max(...all) : 1;
  if (hi - lo < 1e-12) { hi += 0.5; lo -= 0.5; }
  const W = 640; const H = 280; const left = 72; const bottom = 40; const top = 12; const right = 12;
  const plotW = W - left - right; const plotH = H - top - bottom;
  const xOf = (i) => left + (n <= 1 ? plotW / 2 : (plotW * i) / (n - 1));
  const yOf = (v) => top + plotH - (plotH * (v - lo)) / (hi - lo);
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${label}: ${series.map((s) => `${s.name} ${s.values.map((v) => (v == null ? '–' : v.toFixed(3))).join(', ')}`).join('; ')}` });
  // Enough decimals that the five tick labels differ.
  const decimals = Math.min(8, Math.max(2, Math.ceil(-Math.log10((hi - lo) / 4)) + 1));
  for (let i = 0; i <= 4; i++) {
    const v = lo + ((hi - lo) * i) / 4; const y = yOf(v);
    root.append(svg('line', { class: 'grid-line', x1: left, x2: W - right, y1: y, y2: y }));
    root.append(svg('text', { x: left - 6, y: y + 4, 'text-anchor': 'end' }, v.toFixed(decimals)));
  }
  const step = Math.max(1, Math.ceil(n / 10));
  for (let i = 0; i < n; i += step) root.append(svg('text', { x: xOf(i), y: H - bottom + 16, 'text-anchor': 'middle' }, String(i)));
  root.append(svg('text', { x: left + plotW / 2, y: H - 6, 'text-anchor': 'middle' }, xLabel));
  root.append(svg('text', { x: 12, y: top + plotH / 2, 'text-anchor': 'middle', transform: `rotate(-90 12 ${top + plotH / 2})` }, yLabel));
  root.append(svg('line', { class: 'axis', x1: left, x2: W - right, y1: top + plotH, y2: top + plotH }));
  series.forEach((s, si) => {
    const pts = s.values.map((v, i) => (typeof v === 'number' && Number.isFinite(v) ? [xOf(i), yOf(v), v, i] : null)).filter(Boolean);
    if (pts.length > 1) root.append(svg('polyline', { class: `series-${si % 2}`, points: pts.map(([x, y]) => `${x},${y}`).join(' ') }));
    for (const [x, y, v, i] of pts) root.append(svg('circle', { class: `dot-${si % 2}`, cx: x, cy: y, r: 3.5 }, svg('title', {}, `${s.name}, ${xLabel} ${i}: ${v.toFixed(4)}`)));
  });
  const legend = h('p', { class: 'legend' }, series.map((s, si) => h('span', {}, h('span', { class: 'swatch', style: `background: var(${si % 2 ? '--bar2' : '--bar'})` }), s.name)));
  return h('figure', { style: 'margin:0' }, root, legend);
}
