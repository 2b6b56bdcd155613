// A standalone flame graph SVG in the manner of flamegraph.pl: rects and text, with an embedded
// script for search (matches highlighted, "% matched" shown) and click-to-zoom. Frame names
// are untrusted text (kernel symbols, comm strings): they only ever appear XML-escaped in text
// nodes and attributes, and the script reads them back through textContent, never as markup.
import type { FlameNode } from '../../common/contract/index.js';
import { pruneTree } from '../../common/profile/stacks.js';
import { EMPTY_STACK, type StackProfile } from './stack-maps.js';

/** A frame to draw: `v` sets its width (children's `v` sum to at most their parent's). */
export interface SvgFrame {
  n: string;
  v: number;
  fill: string;
  /** Tooltip and status-line text. */
  tip: string;
  c?: SvgFrame[];
}

export interface SvgOptions {
  title: string;
  subtitle?: string;
  width?: number;
  /** A legend line under the title (e.g. the diff's colour key). */
  legend?: string;
}

const FRAME_H = 16;
const FONT = 12;
const PAD = 10;
const TOP = 56;
const BOTTOM = 34;
/** Frames narrower than this (px) are not drawn (flamegraph.pl's --minwidth default). */
export const MIN_WIDTH_PX = 0.1;

/** Escape for XML text and attribute values; drops characters XML 1.0 cannot hold. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** flamegraph.pl's "hot" palette, from a hash of the name so a frame keeps its colour. */
export function hotColor(name: string): string {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  const r1 = ((h >>> 0) % 1000) / 1000;
  const r2 = ((h >>> 10) % 1000) / 1000;
  const r3 = ((h >>> 20) % 1000) / 1000;
  return `rgb(${205 + Math.round(50 * r3)},${Math.round(230 * r1)},${Math.round(55 * r2)})`;
}

const fmtPct = (x: number) => (x * 100).toFixed(2) + '%';

/** The profiles as one frame tree ("all", then each map's name when there are several). */
export function flameFrames(profiles: readonly StackProfile[], width = 1200): SvgFrame {
  const minFraction = MIN_WIDTH_PX / (width - 2 * PAD);
  const total = profiles.reduce((a, p) => a + p.total, 0);
  const conv = (n: FlameNode): SvgFrame => {
    const f: SvgFrame = { n: n.n, v: n.v, fill: hotColor(n.n), tip: `${n.n} (${n.v.toLocaleString('en-US')} samples, ${fmtPct(total > 0 ? n.v / total : 0)})` };
    if (n.c && n.c.length > 0) f.c = n.c.map(conv);
    return f;
  };
  // pruneTree's threshold is relative to each profile: scale it so it is relative to the whole.
  const trees = profiles.map((p) => withEmptyStack(pruneTree(p.tree, total > 0 && p.total > 0 ? (minFraction * total) / p.total : 0).tree));
  if (trees.length === 1) return conv(trees[0]);
  return conv({ n: 'all', v: total, c: trees.map((t, i) => ({ ...t, n: profiles[i].name })) });
}

/**
 * Samples on a root with no frame of their own (empty stacks: a kstack sampled in user
 * space, a folded ";;; 3") drawn as an "[empty stack]" frame, as the folded, speedscope and
 * pprof exports name them, so every sample has its rect and the widths add up.
 */
function withEmptyStack(root: FlameNode): FlameNode {
  let kids = 0;
  for (const c of root.c ?? []) kids += c.v;
  const self = root.v - kids;
  if (!(self > 0)) return root;
  const c = [...(root.c ?? []), { n: EMPTY_STACK, v: self }].sort((a, b) => b.v - a.v);
  return { ...root, c };
}

/** Render a frame tree as a standalone SVG document. */
export function renderFlameSvg(root: SvgFrame, opts: SvgOptions): string {
  const width = opts.width ?? 1200;
  const plotW = width - 2 * PAD;
  const total = root.v;
  const rows: string[] = [];
  let maxDepth = 0;
  const minV = total > 0 ? (MIN_WIDTH_PX / plotW) * total : Infinity;
  // Iterative layout: (frame, x in samples, depth).
  const work: [SvgFrame, number, number][] = [[root, 0, 0]];
  const placed: [SvgFrame, number, number][] = [];
  while (work.length > 0) {
    const [f, x, d] = work.pop()!;
    if (f.v < minV) continue;
    placed.push([f, x, d]);
    if (d > maxDepth) maxDepth = d;
    let cx = x;
    for (const c of f.c ?? []) {
      work.push([c, cx, d + 1]);
      cx += c.v;
    }
  }
  const height = TOP + (maxDepth + 1) * FRAME_H + BOTTOM;
  const charW = FONT * 0.59;
  for (const [f, x, d] of placed) {
    const fx = total > 0 ? x / total : 0;
    const fw = total > 0 ? f.v / total : 0;
    const px = PAD + fx * plotW;
    const pw = fw * plotW;
    const y = height - BOTTOM - (d + 1) * FRAME_H;
    const fit = Math.floor(pw / charW);
    const label = fit < 3 ? '' : f.n.length <= fit ? f.n : f.n.slice(0, fit - 2) + '..';
    rows.push(
      `<g class="f" data-x="${fx}" data-w="${fw}" data-d="${d}"><title>${xmlEscape(f.tip)}</title>` +
        `<rect x="${px.toFixed(2)}" y="${y}" width="${pw.toFixed(2)}" height="${FRAME_H - 1}" fill="${xmlEscape(f.fill)}" rx="2" ry="2"/>` +
        `<text x="${(px + 3).toFixed(2)}" y="${y + FRAME_H - 4.5}">${xmlEscape(label)}</text>` +
        `<desc>${xmlEscape(f.n)}</desc></g>`,
    );
  }
  return `<?xml version="1.0" standalone="no"?>
<svg version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg" onload="init(evt)">
<style type="text/css">
text { font-family: Verdana, sans-serif; font-size: ${FONT}px; fill: rgb(0,0,0); }
#title { text-anchor: middle; font-size: 17px; }
#subtitle, #legend { text-anchor: middle; fill: rgb(100,100,100); }
#search, #unzoom, #matched { cursor: pointer; }
#unzoom.hide { display: none; }
g.f:hover rect { stroke: black; stroke-width: 0.5; cursor: pointer; }
g.f text { pointer-events: none; }
</style>
<rect x="0" y="0" width="${width}" height="${height}" fill="rgb(248,248,248)"/>
<text id="title" x="${width / 2}" y="22">${xmlEscape(opts.title)}</text>
${opts.subtitle ? `<text id="subtitle" x="${width / 2}" y="38">${xmlEscape(opts.subtitle)}</text>` : ''}
${opts.legend ? `<text id="legend" x="${width / 2}" y="52">${xmlEscape(opts.legend)}</text>` : ''}
<text id="unzoom" class="hide" x="${PAD}" y="22">Reset Zoom</text>
<text id="search" x="${width - PAD}" y="22" text-anchor="end">Search</text>
<text id="matched" x="${width - PAD}" y="${height - 12}" text-anchor="end"> </text>
<text id="details" x="${PAD}" y="${height - 12}"> </text>
<g id="frames" data-width="${plotW}" data-pad="${PAD}" data-charw="${charW}">
${rows.join('\n')}
</g>
<script type="text/ecmascript"><![CDATA[
${SCRIPT}
]]></script>
</svg>
`;
}

/** The embedded script: plain DOM, no markup built from data. */
const SCRIPT = `
var frames, details, matchedText, unzoomBtn, searchBtn, plotW, pad, charW, searching = null, zoomed = null;
function init(evt) {
  frames = document.getElementById('frames');
  details = document.getElementById('details').firstChild;
  matchedText = document.getElementById('matched');
  unzoomBtn = document.getElementById('unzoom');
  searchBtn = document.getElementById('search');
  plotW = +frames.getAttribute('data-width');
  pad = +frames.getAttribute('data-pad');
  charW = +frames.getAttribute('data-charw');
  var q = new URLSearchParams(location.search).get('s');
  if (q) search(q);
}
function nameOf(g) { return g.getElementsByTagName('desc')[0].textContent; }
function tipOf(g) { return g.getElementsByTagName('title')[0].textContent; }
function frameOf(el) { while (el && el.classList && !el.classList.contains('f')) el = el.parentNode; return el && el.classList && el.classList.contains('f') ? el : null; }
function fit(g, w) {
  var t = g.getElementsByTagName('text')[0], n = nameOf(g), k = Math.floor(w / charW);
  t.textContent = k < 3 ? '' : n.length <= k ? n : n.slice(0, k - 2) + '..';
}
function layout(g, x, w) {
  var r = g.getElementsByTagName('rect')[0], t = g.getElementsByTagName('text')[0];
  r.setAttribute('x', (pad + x * plotW).toFixed(2));
  r.setAttribute('width', (w * plotW).toFixed(2));
  t.setAttribute('x', (pad + x * plotW + 3).toFixed(2));
  fit(g, w * plotW);
}
function zoom(target) {
  var tx = +target.getAttribute('data-x'), tw = +target.getAttribute('data-w'), td = +target.getAttribute('data-d');
  var all = frames.getElementsByClassName('f'), eps = 1e-9;
  for (var i = 0; i < all.length; i++) {
    var g = all[i], x = +g.getAttribute('data-x'), w = +g.getAttribute('data-w'), d = +g.getAttribute('data-d');
    if (d < td && x <= tx + eps && x + w >= tx + tw - eps) { g.style.display = ''; g.style.opacity = '0.5'; layout(g, 0, 1); }
    else if (d >= td && x >= tx - eps && x + w <= tx + tw + eps) { g.style.display = ''; g.style.opacity = ''; layout(g, (x - tx) / tw, w / tw); }
    else g.style.display = 'none';
  }
  zoomed = target;
  unzoomBtn.classList.remove('hide');
  if (searching) search(searching);
}
function unzoom() {
  var all = frames.getElementsByClassName('f');
  for (var i = 0; i < all.length; i++) { var g = all[i]; g.style.display = ''; g.style.opacity = ''; layout(g, +g.getAttribute('data-x'), +g.getAttribute('data-w')); }
  zoomed = null;
  unzoomBtn.classList.add('hide');
  if (searching) search(searching);
}
function toRegExp(term) { try { return new RegExp(term); } catch (e) { return new RegExp(term.replace(/[.*+?^\${}()|[\\]\\\\]/g, '\\\\$&')); } }
function search(term) {
  var re = toRegExp(term), all = frames.getElementsByClassName('f'), spans = [];
  for (var i = 0; i < all.length; i++) {
    var g = all[i], r = g.getElementsByTagName('rect')[0];
    if (!r.hasAttribute('data-fill')) r.setAttribute('data-fill', r.getAttribute('fill'));
    if (g.style.display !== 'none' && re.test(nameOf(g))) {
      r.setAttribute('fill', 'rgb(230,0,230)');
      g.classList.add('match');
      spans.push([+g.getAttribute('data-x'), +g.getAttribute('data-w')]);
    } else { r.setAttribute('fill', r.getAttribute('data-fill')); g.classList.remove('match'); }
  }
  // Matched share: the union of matched x-ranges (nested matches count once), of the view.
  spans.sort(function (a, b) { return a[0] - b[0]; });
  var sum = 0, end = -1;
  for (var j = 0; j < spans.length; j++) {
    var s = spans[j][0], e = s + spans[j][1];
    if (e <= end) continue;
    sum += e - Math.max(s, end); end = e;
  }
  var view = zoomed ? +zoomed.getAttribute('data-w') : 1;
  searching = term;
  searchBtn.textContent = 'Reset Search';
  matchedText.textContent = 'Matched: ' + (100 * Math.min(1, sum / view)).toFixed(1) + '%';
}
function resetSearch() {
  var all = frames.getElementsByClassName('f');
  for (var i = 0; i < all.length; i++) {
    var r = all[i].getElementsByTagName('rect')[0];
    if (r.hasAttribute('data-fill')) r.setAttribute('fill', r.getAttribute('data-fill'));
    all[i].classList.remove('match');
  }
  searching = null;
  searchBtn.textContent = 'Search';
  matchedText.textContent = ' ';
}
window.addEventListener('click', function (e) {
  var g = frameOf(e.target);
  if (g) { zoom(g); return; }
  if (e.target === unzoomBtn) { unzoom(); return; }
  if (e.target === searchBtn) {
    if (searching) { resetSearch(); return; }
    var term = prompt('Enter a search term (regexp allowed, e.g. ^ext4_)', '');
    if (term) search(term);
  }
});
window.addEventListener('mouseover', function (e) { var g = frameOf(e.target); if (g) details.nodeValue = tipOf(g); });
window.addEventListener('mouseout', function (e) { if (frameOf(e.target)) details.nodeValue = ' '; });
`;
