// A PNG of a chart drawn as SVG (flame graphs, histograms), made in the page: clone the
// SVG with its computed styles inlined (the CSS does not travel with it), turn HTML labels
// (d3-flame-graph draws them in <foreignObject>, which would taint the canvas) into SVG
// <text>, draw it on a canvas, and encode. No server round trip, nothing leaves the page.
import { CHART_PALETTES } from '../theme/palette.js';
import { useTheme } from '../theme/store.js';

/** A label cut to fit `widthPx` at ~`charPx` per character ("" when not even 3 fit). */
export function fitLabel(text: string, widthPx: number, charPx = 7): string {
  const room = Math.floor((widthPx - 6) / charPx);
  if (room < 3) return '';
  return text.length <= room ? text : `${text.slice(0, room - 1)}…`;
}

const STYLE_PROPS = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-opacity', 'opacity', 'font-family', 'font-size', 'font-weight', 'visibility', 'display'];
const SVG_NS = 'http://www.w3.org/2000/svg';

/** The SVG as standalone markup (styles inlined, HTML labels as <text>), with its size. */
export function standaloneSvg(svg: SVGSVGElement, background: string): { markup: string; width: number; height: number } {
  const rect = svg.getBoundingClientRect();
  const width = Math.max(1, Math.ceil(rect.width || Number(svg.getAttribute('width')) || 800));
  const height = Math.max(1, Math.ceil(rect.height || Number(svg.getAttribute('height')) || 400));
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const src = [svg, ...svg.querySelectorAll('*')];
  const dst = [clone, ...clone.querySelectorAll('*')];
  for (let i = 0; i < src.length && i < dst.length; i++) {
    const cs = getComputedStyle(src[i]);
    const d = dst[i] as SVGElement;
    if (d.tagName.toLowerCase() === 'foreignobject') continue;
    const style = STYLE_PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';');
    d.setAttribute('style', style);
  }
  for (const fo of [...clone.querySelectorAll('foreignObject')]) {
    const w = Number(fo.getAttribute('width')) || 0;
    const h = Number(fo.getAttribute('height')) || 18;
    const div = fo.firstElementChild as HTMLElement | null;
    const label = div && div.style.display !== 'none' ? fitLabel(div.textContent ?? '', w) : '';
    if (label) {
      const text = document.createElementNS(SVG_NS, 'text');
      text.setAttribute('x', '4');
      text.setAttribute('y', String(Math.round(h * 0.7)));
      text.setAttribute('style', 'fill:#111;font-family:DejaVu Sans Mono,monospace;font-size:11px');
      text.textContent = label;
      fo.replaceWith(text);
    } else fo.remove();
  }
  clone.querySelectorAll('title').forEach((t) => t.remove());
  clone.setAttribute('xmlns', SVG_NS);
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', background);
  clone.insertBefore(bg, clone.firstChild);
  return { markup: new XMLSerializer().serializeToString(clone), width, height };
}

/** Encode the SVG as a PNG (at `scale`× for sharpness). */
export async function svgToPng(svg: SVGSVGElement, opts: { background?: string; scale?: number } = {}): Promise<Blob> {
  // The page's background by default: a PNG saved in the light theme is light, as on screen.
  const { markup, width, height } = standaloneSvg(svg, opts.background ?? CHART_PALETTES[useTheme.getState().resolved].background);
  const scale = opts.scale ?? 2;
  // A data: URL, not blob: — the renderer's CSP allows data: images only.
  const url = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(markup)}`;
  {
    const img = new Image();
    img.decoding = 'async';
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the chart could not be drawn as an image'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas in this window');
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, width, height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
  }
}
