// The figure standard, rule by rule, on the specs the builders emit (the browser test checks how they render).
import { describe, expect, it } from 'vitest';
import {
  densityScatter, embeddingScatter, heatmap, histogram, ismLogo, lineBand, render, textWidth, wrapText,
  MAX_PLOT_WIDTH, NOTEBOOK_COLUMN_WIDTH, CATEGORY_COLORS, boxPlot, violin, words, robustDomain, type VegaLiteSpec,
} from '../../src/viz';
import { matrixOrder } from '../../src/viz/categorical';
import { gallery, mainJobFigure } from './gallery';

type View = Record<string, any>;

/** Every single view of a spec (the spec itself, or its vconcat/hconcat members, nested ones included). */
function views(spec: VegaLiteSpec): View[] {
  const s = spec as View;
  const members: View[] | undefined = s.vconcat ?? s.hconcat;
  return members ? members.flatMap((v) => views(v as VegaLiteSpec)) : [s];
}

/** Every layer (or the view itself when it has one mark), with the view's data when the layer has none. */
function layers(spec: VegaLiteSpec): View[] {
  return views(spec).flatMap((v) => (v.layer ?? [v]).map((l: View) => ({ data: v.data, ...l })));
}

const svgWidth = (svg: string) => Number(/<svg[^>]* width="([\d.]+)"/.exec(svg)![1]);

describe('sizes fit a notebook column', () => {
  it.each(gallery().map((g) => [g.label, g.spec] as const))('%s: plot ≤ MAX_PLOT_WIDTH and rendered ≤ the column', async (_, spec) => {
    for (const v of views(spec)) if (typeof v.width === 'number') expect(v.width).toBeLessThanOrEqual(MAX_PLOT_WIDTH);
    expect(svgWidth(await render(spec, 'svg'))).toBeLessThanOrEqual(NOTEBOOK_COLUMN_WIDTH);
  });

  it("width: 'container' fills the column (fit-x) and renders headless at the column's width", async () => {
    const spec = histogram([{ v: 1 }, { v: 2 }, { v: 2.5 }], { x: 'v', width: 'container' });
    expect(spec.width).toBe('container');
    expect(spec.autosize).toEqual({ type: 'fit-x', contains: 'padding' });
    expect(svgWidth(await render(spec, 'svg'))).toBe(NOTEBOOK_COLUMN_WIDTH);
  });

  it('wraps a 97-position logo into rows that fit, every position in exactly one row', () => {
    const spec = ismLogo(Array.from({ length: 97 }, (_, i) => [i % 2 ? 0.3 : -0.2, 0.1, 0, 0])) as View;
    const rows = spec.vconcat as View[];
    expect(rows.length).toBe(4);
    const domains = rows.map((r) => r.layer[0].encoding.x.scale.domain as [number, number]);
    expect(domains[0]![0]).toBe(0.5);
    expect(domains.at(-1)![1]).toBe(97.5);
    for (let i = 1; i < domains.length; i++) expect(domains[i]![0]).toBe(domains[i - 1]![1]);
    for (const r of rows) expect(r.width).toBeLessThanOrEqual(MAX_PLOT_WIDTH);
    // Same pixels per position on every row, so letters have one size.
    const perPosition = rows.map((r, i) => r.width / (domains[i]![1] - domains[i]![0]));
    for (const p of perPosition) expect(p).toBeCloseTo(perPosition[0]!, 6);
    // wrap: false keeps one row (the caller's explicit choice to scroll).
    expect((ismLogo(Array.from({ length: 97 }, () => [0.1, 0, 0, 0]), { wrap: false }) as View).width).toBe(97 * 18);
  });
});

describe('titles never widen the canvas', () => {
  it("renders the main job's figure as wide as the same figure without a title", async () => {
    const spec = mainJobFigure(5000);
    const { title: _, ...untitled } = spec as View;
    expect(svgWidth(await render(spec, 'svg'))).toBe(svgWidth(await render(untitled as VegaLiteSpec, 'svg')));
  });

  it('measures DejaVu Sans advance widths and wraps at spaces', () => {
    // DejaVu Sans: 'n' is 1298/2048 em, a space 651/2048 em; bold 'n' 1458/2048 em.
    expect(textWidth('n', 2048)).toBe(1298);
    expect(textWidth('n n', 2048)).toBe(2 * 1298 + 651);
    expect(textWidth('n', 2048, { bold: true })).toBe(1458);
    const lines = wrapText('camformer-mini, 3 epochs on demo_train (r = 0.61, ρ = 0.62, n = 71103)', 300, 13);
    expect(Array.isArray(lines)).toBe(true);
    for (const l of lines as string[]) expect(textWidth(l, 13)).toBeLessThanOrEqual(300);
    expect(wrapText('short', 300, 13)).toBe('short');
  });
});

describe('matrices share one category order on both axes', () => {
  it('orders x and y alike when they share categories, each its own otherwise, or as asked', () => {
    expect(matrixOrder(['B', 'A', 'C'], ['A', 'C', 'B'])).toEqual({ x: ['B', 'A', 'C'], y: ['B', 'A', 'C'] });
    expect(matrixOrder(['B', 'A'], ['A', 'C'])).toEqual({ x: ['B', 'A'], y: ['A', 'C'] }); // union order, restricted to each axis
    expect(matrixOrder(['x1', 'x2'], ['y2', 'y1'])).toEqual({ x: ['x1', 'x2'], y: ['y2', 'y1'] });
    expect(matrixOrder(['B', 'A'], ['A', 'B'], ['A', 'B'])).toEqual({ x: ['A', 'B'], y: ['A', 'B'] });
    // Like the paper's Fig. 8b: by the diagonal (A alone), highest first; a constant diagonal keeps first-seen.
    expect(matrixOrder(['B', 'A', 'C'], ['A', 'C', 'B'], undefined, new Map([['A', 1], ['B', 3], ['C', 2]]))).toEqual({ x: ['B', 'C', 'A'], y: ['B', 'C', 'A'] });
    expect(matrixOrder(['B', 'A'], ['A', 'B'], undefined, new Map([['A', 0], ['B', 0]]))).toEqual({ x: ['B', 'A'], y: ['B', 'A'] });
  });

  it("puts a motif × motif heat map's diagonal on the diagonal", () => {
    const rows = [{ a: 'UME6', b: 'IME1', v: 1 }, { a: 'IME1', b: 'UME6', v: 2 }, { a: 'IME1', b: 'IME1', v: 3 }, { a: 'UME6', b: 'UME6', v: 4 }];
    const spec = heatmap(rows, { x: 'b', y: 'a', value: 'v' }) as View;
    const enc = spec.layer[0].encoding;
    expect(enc.x.sort).toEqual(enc.y.sort);
    expect(enc.x.scale.domain).toEqual(enc.y.scale.domain);
  });
});

describe('titles in words', () => {
  it('turns field names into words for axes and legends', () => {
    expect(words('predicted_difference')).toBe('predicted difference');
    expect(words('log2OddsRatio')).toBe('log2 odds ratio');
    expect(words('already fine')).toBe('already fine');
    const spec = heatmap([{ motif_a: 'A', motif_b: 'B', predicted_difference: 0.5 }], { x: 'motif_a', y: 'motif_b', value: 'predicted_difference' }) as View;
    const enc = spec.layer[0].encoding;
    expect(enc.color.title).toBe('predicted difference');
    expect(enc.x.title).toBe('motif a');
  });

  it('wraps a long legend title instead of letting vega cut it', () => {
    const spec = heatmap([{ a: 'A', b: 'B', mean_predicted_expression_difference_per_pair: 0.5 }], { x: 'a', y: 'b', value: 'mean_predicted_expression_difference_per_pair' }) as View;
    const title = spec.layer[0].encoding.color.title as string[];
    expect(Array.isArray(title)).toBe(true);
    for (const line of title) expect(textWidth(line, 12, { bold: true })).toBeLessThanOrEqual(150);
  });
});

describe('integer fields get integer ticks', () => {
  it('ticks whole numbers for an integer k, not for a real-valued x', () => {
    const k = lineBand([1, 2, 3].flatMap((x) => [{ k: x, r: 0.5 }, { k: x, r: 0.6 }]), { x: 'k', y: 'r' }) as View;
    expect(k.layer[0].encoding.x.axis).toEqual({ tickMinStep: 1, format: 'd' });
    const real = lineBand([{ t: 0.5, r: 1 }, { t: 1.5, r: 2 }], { x: 't', y: 'r' }) as View;
    expect(real.layer[0].encoding.x.axis).toBeUndefined();
    expect((ismLogo([[1, 0, 0, 0]]) as View).layer[0].encoding.x.axis).toMatchObject({ tickMinStep: 1, format: 'd' });
  });
});

describe('robust axis domains', () => {
  const points = [{ t1: 400, t2: -350, e: 1 }, ...Array.from({ length: 399 }, (_, i) => ({ t1: Math.sin(i) * 10, t2: Math.cos(i * 1.3) * 10, e: i }))];

  it('clips a t-SNE with one far outlier to the 0.5–99.5 % quantiles and says so in the caption', () => {
    const spec = embeddingScatter(points, { x: 't1', y: 't2', color: 'e' }) as View;
    const [x0, x1] = spec.encoding.x.scale.domain as [number, number];
    expect(x1).toBeLessThan(20);
    expect(x0).toBeGreaterThan(-20);
    expect(spec.data.values).toHaveLength(399);
    expect([spec.title.subtitle].flat().join(' ')).toMatch(/0\.5–99\.5 % quantiles: 1 point outside not drawn/);
    const all = embeddingScatter(points, { x: 't1', y: 't2', robust: false }) as View;
    expect(all.data.values).toHaveLength(400);
    expect(all.title).toBeUndefined();
  });

  it('keeps the full range when nothing is far out', () => {
    expect(robustDomain([1, 2, 3, 4, 5])).toEqual({ domain: [1, 5], clipped: false });
  });
});

describe('colour legends match the marks', () => {
  it('line-with-band: one colour scale for band and line, legend drawn as opaque strokes', () => {
    const rows = ['train', 'validation'].flatMap((split) => [1, 2, 3].flatMap((epoch) => [{ epoch, split, loss: 1 / epoch }, { epoch, split, loss: 1.1 / epoch }]));
    const spec = lineBand(rows, { x: 'epoch', y: 'loss', color: 'split' }) as View;
    const [band, line] = spec.layer;
    expect(band.encoding.color.scale).toEqual(line.encoding.color.scale);
    expect(line.encoding.color.scale.range).toEqual(CATEGORY_COLORS.slice(0, 2));
    expect(line.encoding.color.legend).toMatchObject({ symbolType: 'stroke', symbolOpacity: 1 });
  });

  it('categories take the theme colours in first-seen order in every figure', () => {
    const rows = ['native', 'random', 'designed'].flatMap((category) => [1, 2, 3, 4].map((v) => ({ category, v: v + category.length })));
    const domains = [histogram(rows, { x: 'v', color: 'category' }) as View, boxPlot(rows, { x: 'category', y: 'v' }) as View, violin(rows, { x: 'category', y: 'v' }) as View]
      .map((s) => layers(s as VegaLiteSpec).find((l) => l.encoding?.color?.scale)!.encoding.color.scale);
    for (const d of domains) expect(d).toEqual({ domain: ['native', 'random', 'designed'], range: CATEGORY_COLORS.slice(0, 3) });
  });
});

describe("the paper's encodings", () => {
  it('draws the least-squares line (Fig. 3a) inside the plot', () => {
    const rows = Array.from({ length: 500 }, (_, i) => ({ m: i / 50, p: 2 + 0.5 * (i / 50) + Math.sin(i) }));
    const spec = densityScatter(rows, { x: 'm', y: 'p', fit: true }) as View;
    const line = spec.layer.at(-1);
    expect(line.mark).toMatchObject({ type: 'line', color: '#FF3333' });
    const [a, b] = line.data.values as Array<{ x: number; y: number }>;
    expect((b!.y - a!.y) / (b!.x - a!.x)).toBeCloseTo(0.5, 1);
    const [y0, y1] = spec.layer[0].encoding.y.scale.domain as [number, number];
    for (const p of [a!, b!]) { expect(p.y).toBeGreaterThanOrEqual(y0 - 1e-3); expect(p.y).toBeLessThanOrEqual(y1 + 1e-3); }
  });
});

describe('interactive views', () => {
  it('brushing lists ids under an embedding; static images leave the list out', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ u: i % 7, v: i % 5, id: `s${i}` }));
    const spec = embeddingScatter(rows, { x: 'u', y: 'v' }) as View;
    expect(spec.vconcat).toHaveLength(2);
    expect(spec.vconcat[0].params[0]).toMatchObject({ name: 'brush', select: { type: 'interval' } });
    expect(spec.vconcat[1].encoding.text.field).toBe('id');
    const withList = await render(spec as VegaLiteSpec, 'svg');
    const plain = await render(embeddingScatter(rows, { x: 'u', y: 'v', select: false }), 'svg');
    expect(Number(/height="([\d.]+)"/.exec(withList)![1])).toBe(Number(/height="([\d.]+)"/.exec(plain)![1]));
    expect(() => embeddingScatter(rows, { x: 'u', y: 'v', label: 'u' })).toThrow(/option 'label'/);
  });
});

describe('binned density SVG stays small', () => {
  it("renders the main job's figure (71,103 points) to under 200 KB of SVG", async () => {
    const svg = await render(mainJobFigure(), 'svg');
    expect(svg.length).toBeLessThan(200_000);
  });

  it('caps the grid at 60 × 60 cells', () => {
    const rows = Array.from({ length: 40000 }, (_, i) => ({ x: Math.sin(i), y: Math.cos(i * 0.7) }));
    expect(((densityScatter(rows, { x: 'x', y: 'y' }) as View).layer[0].data.values as unknown[]).length).toBeLessThanOrEqual(3600);
  });
});

describe('tooltips on every mark', () => {
  it.each(gallery().map((g) => [g.label, g.spec] as const))('%s: every layer has a tooltip or is a declared decoration', (_, spec) => {
    for (const l of layers(spec)) {
      const mark = typeof l.mark === 'string' ? { type: l.mark } : l.mark;
      const declared = mark && 'tooltip' in mark; // tooltip: null marks a decoration (grid, zero line, identity line)
      expect(Boolean(l.encoding?.tooltip) || declared, `${mark?.type} layer without tooltip`).toBe(true);
    }
  });
});
