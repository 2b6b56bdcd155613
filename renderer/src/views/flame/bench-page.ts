// The flame graph bench's page (bench/flamegraph/run.ts): kscope's FlameChart module in a
// bare page, bundled by the bench with esbuild and driven through window.__bench. Not part
// of the app's bundle (nothing imports it).
import type { FlameNode } from '../../../../common/contract/index.js';
import { createFlameChart, type FlameChart } from './FlameChart.js';

const frame = () => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));

let chart: FlameChart | null = null;

async function render(url: string, minFrameSize: number): Promise<{ fetchMs: number; renderMs: number; frames: number; nodes: number }> {
  const el = document.getElementById('chart')!;
  chart?.destroy();
  const f0 = performance.now();
  const text = await (await fetch(url)).text();
  const t0 = performance.now(); // data arrived
  const tree = JSON.parse(text) as FlameNode;
  let nodes = 0;
  const count = (n: FlameNode) => {
    nodes++;
    for (const c of n.c ?? []) count(c);
  };
  count(tree);
  chart = createFlameChart(el, tree, { width: 1400, minFrameSize });
  await frame();
  return { fetchMs: t0 - f0, renderMs: performance.now() - t0, frames: el.querySelectorAll('g.frame').length, nodes };
}

async function zoom(): Promise<{ zoomMs: number; name: string | null }> {
  const el = document.getElementById('chart')!;
  // The widest frame three levels up from the bottom row: a real click on a real frame.
  const gs = [...el.querySelectorAll<SVGGElement>('g.frame')].filter((g) => Number(g.getAttribute('width')) > 50);
  const target = gs[Math.min(3, gs.length - 1)];
  const t0 = performance.now();
  target.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  await frame();
  return { zoomMs: performance.now() - t0, name: target.getAttribute('name') };
}

async function reset(): Promise<number> {
  const t0 = performance.now();
  chart?.resetZoom();
  await frame();
  return performance.now() - t0;
}

(window as unknown as { __bench: unknown }).__bench = { render, zoom, reset };
