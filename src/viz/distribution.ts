/**
 * Distributions: histogram, box plot, violin. Everything is summarised here in JavaScript (bins, quartiles,
 * kernel densities) so a spec of 10⁶ values inlines a few hundred rows, not the values themselves.
 */
import { OptionError } from '../errors';
import { figure, type FigureOptions, type VegaLiteSpec } from './spec';
import { allIntegers, categoryColors, INTEGER_AXIS, MAX_PLOT_WIDTH, words } from './layout';
import { extent, quantileSorted, round, rowsOf, requireField, type Row, type TableLike } from './data';

export interface HistogramOptions extends FigureOptions {
  /** Column with the values. */
  x: string;
  /** Column splitting the values into coloured, overlaid histograms. */
  color?: string;
  /** Number of bins (default 40). */
  bins?: number;
  /** Show densities instead of counts, so groups of different size compare (default false). */
  normalize?: boolean;
  xTitle?: string;
}

/** Equal-width bin edges over [lo, hi]. */
function binEdges(lo: number, hi: number, bins: number): { lo: number; width: number } {
  if (!(bins >= 1)) throw new OptionError(`bins must be ≥ 1, got ${bins}`, { option: 'bins' });
  const width = hi > lo ? (hi - lo) / bins : 1;
  return { lo: hi > lo ? lo : lo - 0.5, width };
}

/** Splits rows by a column (or keeps one group named ''). */
export function groupsOf(rows: readonly Row[], field: string | undefined): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = field === undefined ? '' : String(r[field]);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(r);
  }
  return groups;
}

function finiteValues(rows: readonly Row[], field: string): number[] {
  const out: number[] = [];
  for (const r of rows) {
    const v = r[field];
    if (typeof v === 'number' ? Number.isFinite(v) : v !== null && v !== undefined && Number.isFinite(Number(v))) out.push(Number(v));
  }
  return out;
}

/**
 * Histogram of one column, optionally one overlaid histogram per group.
 * @param data - An Arquero table or an array of row objects.
 * @param options - `x` (the value column), `color` (a grouping column: one overlaid histogram per group), `bins`
 *   (default 40), `normalize` (densities instead of counts, default false), `xTitle`, and `title`/`width`/`height`.
 * @returns A Vega-Lite spec.
 * @example
 * histogram(train, { x: 'expression', bins: 60, title: 'DREAM2022 training expression' });
 */
export function histogram(data: TableLike, options: HistogramOptions): VegaLiteSpec {
  const rows = rowsOf(data);
  requireField(rows, options.x, 'x');
  const bins = options.bins ?? 40;
  const [lo, hi] = extent(finiteValues(rows, options.x));
  const edges = binEdges(lo, hi, bins);
  const values: Row[] = [];
  for (const [group, gRows] of groupsOf(rows, options.color)) {
    const v = finiteValues(gRows, options.x);
    const counts = new Array<number>(bins).fill(0);
    for (const x of v) counts[Math.min(bins - 1, Math.floor((x - edges.lo) / edges.width))]++;
    counts.forEach((c, i) => {
      if (c === 0) return;
      const row: Row = { start: round(edges.lo + i * edges.width), end: round(edges.lo + (i + 1) * edges.width), count: options.normalize ? round(c / v.length / edges.width) : c };
      if (options.color !== undefined) row[options.color] = group;
      values.push(row);
    });
  }
  const y = options.normalize ? 'density' : 'count';
  const xTitle = options.xTitle ?? words(options.x);
  // Integer data with bins a whole number wide ticks at whole numbers.
  const integer = allIntegers(values.map((v) => v.start)) && Number.isInteger(edges.width);
  return figure({
    data: { values },
    mark: { type: 'bar', binSpacing: 0, opacity: options.color ? 0.6 : 1 },
    encoding: {
      x: { field: 'start', type: 'quantitative', bin: { binned: true }, title: xTitle, axis: integer ? { ...INTEGER_AXIS, labelOverlap: true } : { labelOverlap: true } },
      x2: { field: 'end' },
      y: { field: 'count', type: 'quantitative', stack: null, title: y },
      ...(options.color !== undefined ? { color: { field: options.color, type: 'nominal', title: words(options.color), ...categoryColors([...groupsOf(rows, options.color).keys()]) } } : {}),
      tooltip: [
        ...(options.color !== undefined ? [{ field: options.color, title: words(options.color) }] : []),
        { field: 'start', title: `${xTitle} from` }, { field: 'end', title: 'to' }, { field: 'count', title: y },
      ],
    },
  }, options);
}

export interface CategoryOptions extends FigureOptions {
  /** Category column (one box/violin per value). */
  x: string;
  /** Value column. */
  y: string;
  xTitle?: string;
  yTitle?: string;
  /** Category order (default: first-seen order). */
  order?: readonly string[];
  /** Colours of named categories (e.g. a paper's per-model palette); the rest take the theme's, in order. */
  colors?: Readonly<Record<string, string>>;
}

interface BoxStats { category: string; n: number; lower: number; q1: number; median: number; q3: number; upper: number; outliers: number[] }

/** Tukey box statistics: whiskers at the most extreme values within 1.5 IQR. */
export function boxStats(values: readonly number[]): Omit<BoxStats, 'category'> {
  const s = [...values].sort((a, b) => a - b);
  const q1 = quantileSorted(s, 0.25), median = quantileSorted(s, 0.5), q3 = quantileSorted(s, 0.75);
  const iqr = q3 - q1;
  const inside = s.filter((v) => v >= q1 - 1.5 * iqr && v <= q3 + 1.5 * iqr);
  return { n: s.length, lower: inside[0], q1, median, q3, upper: inside[inside.length - 1], outliers: s.filter((v) => v < q1 - 1.5 * iqr || v > q3 + 1.5 * iqr) };
}

function categories(rows: readonly Row[], options: CategoryOptions): [string, number[]][] {
  requireField(rows, options.x, 'x');
  requireField(rows, options.y, 'y');
  const groups = groupsOf(rows, options.x);
  const order = options.order ?? [...groups.keys()];
  return order.map((c) => [c, finiteValues(groups.get(c) ?? [], options.y)]);
}

/**
 * Box plot per category (Tukey whiskers; at most 200 outliers per box are drawn, chosen evenly).
 * @param data - An Arquero table or an array of row objects.
 * @param options - `x` (category column), `y` (value column), `order` (default: first-seen order), `xTitle`,
 *   `yTitle`, and `title`/`width`/`height`.
 * @returns A Vega-Lite spec.
 * @example
 * boxPlot(scores, { x: 'model', y: 'rho', title: 'ρ over seeds' });
 */
export function boxPlot(data: TableLike, options: CategoryOptions): VegaLiteSpec {
  const cats = categories(rowsOf(data), options);
  const boxes: Row[] = [], outliers: Row[] = [];
  for (const [category, v] of cats) {
    if (!v.length) continue;
    const b = boxStats(v);
    boxes.push({ category, n: b.n, lower: round(b.lower), q1: round(b.q1), median: round(b.median), q3: round(b.q3), upper: round(b.upper) });
    const stride = Math.max(1, Math.ceil(b.outliers.length / 200));
    for (let i = 0; i < b.outliers.length; i += stride) outliers.push({ category, value: round(b.outliers[i]) });
  }
  const xTitle = options.xTitle ?? words(options.x), yTitle = options.yTitle ?? words(options.y);
  const long = cats.some(([c]) => c.length > 8);
  const x = { field: 'category', type: 'nominal', sort: cats.map(([c]) => c), title: xTitle, axis: { labelAngle: long ? -35 : 0 } };
  const y = { type: 'quantitative', title: yTitle, scale: { zero: false } };
  const box = [{ field: 'category', title: xTitle }, { field: 'n', title: 'n' }, { field: 'lower', title: 'lower whisker' }, { field: 'q1', title: 'Q1' },
    { field: 'median', title: 'median' }, { field: 'q3', title: 'Q3' }, { field: 'upper', title: 'upper whisker' }];
  return figure({
    layer: [
      { data: { values: boxes }, mark: { type: 'rule', color: '#444' }, encoding: { x, y: { ...y, field: 'lower' }, y2: { field: 'upper' }, tooltip: box } },
      { data: { values: boxes }, mark: { type: 'bar', size: 24, stroke: '#444' }, encoding: { x, y: { ...y, field: 'q1' }, y2: { field: 'q3' }, color: { field: 'category', type: 'nominal', legend: null, ...categoryColors(cats.map(([c]) => c), options.colors) }, tooltip: box } },
      { data: { values: boxes }, mark: { type: 'tick', size: 24, color: 'white', thickness: 2 }, encoding: { x, y: { ...y, field: 'median' }, tooltip: box } },
      // No outliers, no layer: an empty layer's scale extent is infinite (a Vega warning).
      ...(outliers.length ? [{ data: { values: outliers }, mark: { type: 'point', size: 12, color: '#444', opacity: 0.6 }, encoding: { x, y: { ...y, field: 'value' }, tooltip: [{ field: 'category', title: xTitle }, { field: 'value', title: `${yTitle} (outlier)` }] } }] : []),
    ],
  }, options, { width: Math.max(160, Math.min(MAX_PLOT_WIDTH, 60 * cats.length)), height: 240 });
}

export interface ViolinOptions extends CategoryOptions {
  /** Gaussian kernel bandwidth (default Silverman's rule per group). */
  bandwidth?: number;
  /** Points at which each density is evaluated (default 60). */
  resolution?: number;
}

/** Gaussian kernel density of `v` at `grid`. Bins the values first so 10⁶ values stay fast. */
export function kde(v: readonly number[], grid: readonly number[], bandwidth: number): number[] {
  const [lo, hi] = extent(v as number[]);
  const nb = 512, w = hi > lo ? (hi - lo) / nb : 1;
  const counts = new Float64Array(nb);
  for (const x of v) counts[Math.min(nb - 1, Math.floor((x - lo) / w))]++;
  const norm = 1 / (v.length * bandwidth * Math.sqrt(2 * Math.PI));
  return grid.map((g) => {
    let s = 0;
    for (let i = 0; i < nb; i++) if (counts[i]) { const z = (g - (lo + (i + 0.5) * w)) / bandwidth; s += counts[i] * Math.exp(-0.5 * z * z); }
    return s * norm;
  });
}

function silverman(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  const sd = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, s.length - 1));
  const iqr = quantileSorted(s, 0.75) - quantileSorted(s, 0.25);
  const spread = Math.min(sd, iqr / 1.34) || sd || 1;
  return 0.9 * spread * s.length ** -0.2;
}

/**
 * Violin per category, drawn as a horizontal-orient area around the category's index on a numeric x axis
 * (no faceting, so the figure keeps one width and one y axis), with the median as a white dot.
 * @param data - An Arquero table or an array of row objects.
 * @param options - As {@link boxPlot}, plus `bandwidth` (default: Silverman's rule per group) and `resolution`
 *   (density points per violin, default 60).
 * @returns A Vega-Lite spec.
 * @example
 * violin(predictions, { x: 'subset', y: 'prediction', resolution: 80 });
 */
export function violin(data: TableLike, options: ViolinOptions): VegaLiteSpec {
  const cats = categories(rowsOf(data), options).filter(([, v]) => v.length > 1);
  const res = options.resolution ?? 60;
  const values: Row[] = [], medians: Row[] = [];
  cats.forEach(([category, v], i) => {
    const bw = options.bandwidth ?? silverman(v);
    const [lo, hi] = extent(v);
    const grid = Array.from({ length: res }, (_, k) => lo - bw + ((hi - lo + 2 * bw) * k) / (res - 1));
    const dens = kde(v, grid, bw);
    const peak = Math.max(...dens);
    grid.forEach((g, k) => values.push({ category, y: round(g), left: round(i - (0.42 * dens[k]) / peak), right: round(i + (0.42 * dens[k]) / peak) }));
    medians.push({ category, index: i, median: round(quantileSorted([...v].sort((a, b) => a - b), 0.5)), n: v.length });
  });
  const labels = JSON.stringify(cats.map(([c]) => c));
  const xTitle = options.xTitle ?? words(options.x), yTitle = options.yTitle ?? words(options.y);
  const long = cats.some(([c]) => c.length > 8);
  const x = { type: 'quantitative', scale: { domain: [-0.6, cats.length - 0.4], nice: false, zero: false }, title: xTitle,
    axis: { values: cats.map((_, i) => i), labelExpr: `${labels}[datum.value]`, grid: false, tickSize: 0, labelAngle: long ? -35 : 0 } };
  const y = { type: 'quantitative', title: yTitle, scale: { zero: false } };
  const tooltip = [{ field: 'category', title: xTitle }, { field: 'median', title: `median ${yTitle}` }, { field: 'n', title: 'n' }];
  const medianOf = new Map(medians.map((m) => [m.category, m]));
  for (const v of values) { const m = medianOf.get(v.category as string)!; v.median = m.median; v.n = m.n; }
  return figure({
    layer: [
      { data: { values }, mark: { type: 'area', orient: 'horizontal', opacity: 0.8 }, encoding: { y: { ...y, field: 'y' }, x: { ...x, field: 'left' }, x2: { field: 'right' }, color: { field: 'category', type: 'nominal', legend: null, ...categoryColors(cats.map(([c]) => c), options.colors) }, detail: { field: 'category' }, tooltip } },
      { data: { values: medians }, mark: { type: 'point', filled: true, color: 'white', stroke: '#333', strokeWidth: 1, size: 30, opacity: 1 }, encoding: { x: { ...x, field: 'index' }, y: { ...y, field: 'median' }, tooltip } },
    ],
  }, options, { width: Math.max(160, Math.min(MAX_PLOT_WIDTH, 70 * cats.length)), height: 240 });
}
