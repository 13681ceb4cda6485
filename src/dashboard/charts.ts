/**
 * Bar charts as inline SVG, rendered on the server: no script, no inline style (SVG
 * presentation attributes are not CSS, so the CSP allows them). Each chart is an image
 * with a title and description for screen readers, a tooltip per bar, and its numbers in
 * a table under a disclosure for anyone who cannot see it.
 */
import { html, type SafeHtml } from './html';

export interface Bar {
  /** Axis label (shown for some bars when there are many). */
  label: string;
  value: number;
  /** Tooltip and table row label. */
  detail: string;
}

export interface BarChartOptions {
  id: string;
  title: string;
  description: string;
  bars: readonly Bar[];
  valueLabel: string;
  /** Show every n-th axis label, counted back from the last bar (default: all). */
  labelEvery?: number;
  fill?: string;
}

const W = 640;
const H = 220;
const PAD = { top: 12, right: 12, bottom: 34, left: 40 };

function niceMax(max: number): number {
  if (max <= 4) return Math.max(1, Math.ceil(max));
  const magnitude = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s * 4 >= max) ?? max;
  return Math.ceil(max / step) * step;
}

export function barChart(options: BarChartOptions): SafeHtml {
  const { bars, id } = options;
  const max = niceMax(Math.max(0, ...bars.map((b) => b.value)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, bars.length);
  const barW = Math.max(2, slot * 0.72);
  const every = options.labelEvery ?? 1;
  const ticks = [0, max / 2, max];
  const total = bars.reduce((sum, b) => sum + b.value, 0);

  const rects = bars.map((b, i) => {
    const h = max === 0 ? 0 : (b.value / max) * plotH;
    const x = PAD.left + i * slot + (slot - barW) / 2;
    const y = PAD.top + plotH - h;
    return html`<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${Math.max(h, b.value > 0 ? 1 : 0).toFixed(1)}" fill="${options.fill ?? '#4a154b'}"><title>${b.detail}: ${b.value}</title></rect>`;
  });
  const labels = bars.map((b, i) =>
    (bars.length - 1 - i) % every === 0
      ? html`<text x="${(PAD.left + i * slot + slot / 2).toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="middle" font-size="11" fill="#5e5d60">${b.label}</text>`
      : '',
  );
  const grid = ticks.map((t) => {
    const y = PAD.top + plotH - (max === 0 ? 0 : (t / max) * plotH);
    return html`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#e2e2e2"/><text x="${PAD.left - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#5e5d60">${Number.isInteger(t) ? t : t.toFixed(1)}</text>`;
  });
  const rows = bars.map((b) => html`<tr><td>${b.detail}</td><td class="num">${b.value}</td></tr>`);

  return html`<figure class="chart" id="${id}">
<figcaption id="${id}-title">${options.title}</figcaption>
<svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${id}-title ${id}-desc" focusable="false">
<desc id="${id}-desc">${options.description} Total: ${total}.</desc>
${grid}
${rects}
${labels}
</svg>
<details><summary>${options.title}: data table</summary>
<table><thead><tr><th scope="col">Bucket</th><th scope="col" class="num">${options.valueLabel}</th></tr></thead><tbody>${rows}</tbody></table>
</details>
</figure>`;
}
