/**
 * Scatter plots for many points: `densityScatter` pre-bins into a 2-D grid (a rect heat map of counts, so 10⁵
 * points become at most bins² rects) and `embeddingScatter` colours points by quantile of a value.
 */
import { OptionError } from '../errors';
import { SEQUENTIAL_SCHEME } from './theme';
import { figure, type FigureOptions, type VegaLiteSpec } from './spec';
import { pearsonUnchecked, rankWithTies } from '../stats/correlation';
import { robustDomain, words } from './layout';
import { wrapText } from './text-width';
import { extent, quantileSorted, round, rowsOf, requireField, type Row, type TableLike } from './data';

export interface DensityScatterOptions extends FigureOptions {
  x: string;
  y: string;
  /**
   * Grid cells per axis (default √n / 2, between 12 and 60: dense enough to read, coarse enough to fill, and at
   * most 3,600 cells so the SVG stays under ~200 KB).
   */
  bins?: number;
  /** Draw the y = x line (default false): for predicted vs measured. */
  identity?: boolean;
  /**
   * Draw the least-squares line of y on x, dashed red, as the Camformer paper's Fig. 3a does
   * (manuscript_figures/Figure_3_S3/Figure_3a_S3a.R: `abline(lm(pred ~ true), col = "#FF3333", lty = 2)`).
   * Default false.
   */
  fit?: boolean;
  /** Put Pearson r and Spearman ρ (and n) in the subtitle (default true). */
  correlation?: boolean;
  /** Colour counts on a log scale (default true: dense cores otherwise hide the tails). */
  logCount?: boolean;
  xTitle?: string;
  yTitle?: string;
  /**
   * Histograms of x above and of y to the right, in grey, over the grid's bins, as the Camformer paper draws
   * Fig. 3a (manuscript_figures/Figure_3_S3/Figure_3a_S3a.R: `barplot(hist(…)$counts, col = "#CCCCCC")` beside
   * the scatter). Default false.
   */
  marginals?: boolean;
  /**
   * Column naming each point (e.g. 'id'): drag a rectangle on the cells and a list under the plot names points in
   * them (the first `examples` of each cell are kept in the spec). Needs an interactive renderer (JupyterLab); a
   * static image shows the plot alone. Default: none (no brushing).
   */
  label?: string;
  /** Names kept per cell for the brushed list (default 3; at most 60 × 60 cells, so ≤ 10,800 names). */
  examples?: number;
}

function pairs(rows: readonly Row[], xf: string, yf: string, lf?: string): { x: number[]; y: number[]; label: unknown[] } {
  const x: number[] = [], y: number[] = [], label: unknown[] = [];
  for (const r of rows) {
    const a = Number(r[xf]), b = Number(r[yf]);
    if (r[xf] != null && r[yf] != null && Number.isFinite(a) && Number.isFinite(b)) { x.push(a); y.push(b); if (lf !== undefined) label.push(r[lf]); }
  }
  return { x, y, label };
}

/**
 * Binned scatter: one rect per non-empty grid cell coloured by count; optional identity line and r/ρ.
 * @param data - An Arquero table or an array of row objects.
 * @param options - `x`, `y` (numeric columns), `bins` per axis (default √n / 2, clamped to 12–60), `identity`
 *   (draw y = x, default false), `fit` (least-squares line, default false), `correlation` (r, ρ and n in the
 *   subtitle, default true), `logCount` (log colour scale, default true), `marginals` (histograms of x and y
 *   beside the plot, default false), `label` (brush cells to list the points' names; `examples` per cell, default
 *   3), `xTitle`, `yTitle`, and `title`/`width`/`height` (default 300 × 300).
 * @returns A Vega-Lite spec.
 * @example
 * densityScatter(predictions, { x: 'measured', y: 'predicted', identity: true });
 */
export function densityScatter(data: TableLike, options: DensityScatterOptions): VegaLiteSpec {
  const rows = rowsOf(data);
  requireField(rows, options.x, 'x');
  requireField(rows, options.y, 'y');
  if (options.label !== undefined) requireField(rows, options.label, 'label');
  const { x, y, label } = pairs(rows, options.x, options.y, options.label);
  const examples = options.examples ?? 3;
  if (!(Number.isInteger(examples) && examples >= 1)) throw new OptionError(`examples must be a whole number ≥ 1, got ${examples}`, { option: 'examples' });
  const bins = options.bins ?? Math.max(12, Math.min(60, Math.round(Math.sqrt(x.length) / 2)));
  if (!(bins >= 1)) throw new OptionError(`bins must be ≥ 1, got ${bins}`, { option: 'bins' });
  let [x0, x1] = extent(x), [y0, y1] = extent(y);
  if (options.identity) { x0 = y0 = Math.min(x0, y0); x1 = y1 = Math.max(x1, y1); }
  const wx = (x1 - x0 || 1) / bins, wy = (y1 - y0 || 1) / bins;
  const counts = new Map<number, number>();
  const names = new Map<number, string[]>();
  const xCounts = new Array<number>(bins).fill(0), yCounts = new Array<number>(bins).fill(0);
  for (let i = 0; i < x.length; i++) {
    const bx = Math.min(bins - 1, Math.floor((x[i] - x0) / wx)), by = Math.min(bins - 1, Math.floor((y[i] - y0) / wy));
    const key = bx * bins + by;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    xCounts[bx]!++; yCounts[by]!++;
    if (options.label !== undefined) {
      const kept = names.get(key) ?? names.set(key, []).get(key)!;
      if (kept.length < examples) kept.push(String(label[i]));
    }
  }
  const values = [...counts].sort((a, b) => a[0] - b[0]).map(([key, count]) => {
    const bx = Math.floor(key / bins), by = key % bins;
    const cell: Row = { x: round(x0 + bx * wx), x2: round(x0 + (bx + 1) * wx), y: round(y0 + by * wy), y2: round(y0 + (by + 1) * wy), count };
    if (options.label !== undefined) cell.names = names.get(key);
    return cell;
  });
  let subtitle = options.subtitle;
  if (options.correlation ?? true) {
    const rho = pearsonUnchecked(rankWithTies(x).ranks, rankWithTies(y).ranks);
    const stats = `r = ${pearsonUnchecked(x, y).toFixed(3)}, ρ = ${rho.toFixed(3)}, n = ${x.length}`;
    subtitle = subtitle ? `${subtitle} (${stats})` : stats;
  }
  const xTitle = options.xTitle ?? words(options.x), yTitle = options.yTitle ?? words(options.y);
  const xEnc = { field: 'x', type: 'quantitative', title: xTitle, scale: { domain: [round(x0), round(x1)], nice: false, zero: false } };
  const yEnc = { field: 'y', type: 'quantitative', title: yTitle, scale: { domain: [round(y0), round(y1)], nice: false, zero: false } };
  const select = options.label !== undefined;
  const layers: Record<string, unknown>[] = [{
    // With brushing the cells are the spec's data, shared with the list view; otherwise this layer's own.
    ...(select ? { params: [{ name: 'brush', select: { type: 'interval', encodings: ['x', 'y'] } }] } : { data: { values } }),
    // aria: false drops a per-cell aria-label from the SVG (≈170 of ≈300 bytes a cell); the tooltip stays.
    mark: { type: 'rect', aria: false },
    encoding: {
      x: xEnc, x2: { field: 'x2' }, y: yEnc, y2: { field: 'y2' },
      color: { field: 'count', type: 'quantitative', scale: { type: options.logCount ?? true ? 'log' : 'linear', scheme: SEQUENTIAL_SCHEME }, title: 'points' },
      tooltip: [
        { field: 'x', title: `${xTitle} from` }, { field: 'x2', title: 'to' },
        { field: 'y', title: `${yTitle} from` }, { field: 'y2', title: 'to ' }, { field: 'count', title: 'points' },
      ],
    },
  }];
  if (options.identity) {
    layers.push({
      data: { values: [{ x: round(x0), y: round(y0) }, { x: round(x1), y: round(y1) }] },
      mark: { type: 'line', color: '#d62728', strokeDash: [4, 3], strokeWidth: 1, tooltip: null },
      encoding: { x: xEnc, y: yEnc },
    });
  }
  if (options.fit && x.length > 1) {
    const line = fitSegment(x, y, [x0, x1], [y0, y1]);
    if (line) {
      layers.push({
        data: { values: line.points },
        mark: { type: 'line', color: '#FF3333', strokeDash: [5, 3], strokeWidth: 1.25 },
        encoding: { x: xEnc, y: yEnc, tooltip: [{ field: 'fit', title: 'least squares' }] },
      });
    }
  }
  const description = `binned scatter of ${yTitle} against ${xTitle}`;
  if (!options.marginals && !select) return figure({ layer: layers, description }, { ...options, subtitle }, { width: 300, height: 300 });
  // Composed views need a numeric size ('container' falls back to the default).
  const width = typeof options.width === 'number' ? options.width : 300, height = options.height ?? 300;
  let plot: Record<string, unknown> = { width, height, layer: layers };
  if (options.marginals) {
    const bar = (i: number, w: number, lo: number) => ({ from: round(lo + i * w), to: round(lo + (i + 1) * w) });
    plot = marginalLayout(plot, xCounts.map((count, i) => ({ ...bar(i, wx, x0), count })), yCounts.map((count, i) => ({ ...bar(i, wy, y0), count })), xEnc, yEnc, width, height);
  }
  const body = select
    ? { data: { values }, vconcat: [plot, brushedList({ field: 'name', title: `${words(options.label!)} in the brushed cells (first ${LIST_ROWS}; ${examples} kept per cell; drag on the plot to choose)`, width, before: [{ flatten: ['names'], as: ['name'] }] })], spacing: 12 }
    : plot;
  return figure({ ...body, description }, { ...options, subtitle, width }, { width, height });
}

const MARGIN = 60;

/** The scatter with a histogram of x above it and of y to its right (grey bars, no axis of their own on the shared side). */
function marginalLayout(plot: Record<string, unknown>, xBars: Row[], yBars: Row[], xEnc: Record<string, unknown>, yEnc: Record<string, unknown>, width: number, height: number): Record<string, unknown> {
  const count = { field: 'count', type: 'quantitative', title: 'count', axis: { tickCount: 2, grid: false } };
  const shared = (enc: Record<string, unknown>) => ({ field: 'from', type: 'quantitative', scale: enc.scale, axis: null });
  const tooltip = (title: unknown) => [{ field: 'from', title: `${title} from` }, { field: 'to', title: 'to' }, { field: 'count', title: 'points' }];
  const top = { width, height: MARGIN, data: { values: xBars }, mark: { type: 'rect', color: '#CCCCCC' }, encoding: { x: shared(xEnc), x2: { field: 'to' }, y: count, tooltip: tooltip(xEnc.title) } };
  const right = { width: MARGIN, height, data: { values: yBars }, mark: { type: 'rect', color: '#CCCCCC' }, encoding: { y: shared(yEnc), y2: { field: 'to' }, x: count, tooltip: tooltip(yEnc.title) } };
  // bounds 'flush': the views line up on their plot areas, not on their axes, so the bars sit over the cells.
  return { vconcat: [top, { hconcat: [plot, right], spacing: 6, bounds: 'flush' }], spacing: 6, bounds: 'flush' };
}

/**
 * The list under a brushable scatter: up to LIST_ROWS names of what the brush holds. Static images (PNG/SVG,
 * Notebook 6's fallback) cannot brush: headless rendering leaves this view out (`usermeta.interactiveOnly`).
 */
function brushedList(o: { field: string; title: string; width: number; before?: Record<string, unknown>[]; tooltip?: unknown }): Record<string, unknown> {
  return {
    usermeta: { interactiveOnly: true },
    width: o.width, height: LIST_ROWS * 13,
    title: { text: wrapText(o.title, Math.max(160, o.width), 11), fontSize: 11, color: '#555' },
    transform: [{ filter: { param: 'brush', empty: false } }, ...(o.before ?? []), { window: [{ op: 'row_number', as: 'rank' }] }, { filter: `datum.rank <= ${LIST_ROWS}` }],
    mark: { type: 'text', align: 'left', baseline: 'middle', fontSize: 11 },
    encoding: {
      y: { field: 'rank', type: 'ordinal', axis: null },
      x: { value: 0 },
      text: { field: o.field, type: 'nominal' },
      tooltip: o.tooltip ?? [{ field: o.field, title: 'name' }],
    },
  };
}

/**
 * The least-squares line y = a + b·x over the x domain, cut where it leaves the y domain (so it never draws
 * outside the plot). Undefined when x is constant or the line misses the plot.
 */
export function fitSegment(x: readonly number[], y: readonly number[], xd: [number, number], yd: [number, number]): { slope: number; intercept: number; points: Row[] } | undefined {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n, my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) { sxy += (x[i]! - mx) * (y[i]! - my); sxx += (x[i]! - mx) ** 2; }
  if (!(sxx > 0)) return undefined;
  const slope = sxy / sxx, intercept = my - slope * mx;
  const at = (v: number) => intercept + slope * v;
  let [a, b] = xd;
  // Clip to the y domain: solve a + b·x = y for the domain's ends.
  if (slope !== 0) {
    const xs = [(yd[0] - intercept) / slope, (yd[1] - intercept) / slope].sort((p, q) => p - q);
    a = Math.max(a, xs[0]!); b = Math.min(b, xs[1]!);
  } else if (at(a) < yd[0] || at(a) > yd[1]) return undefined;
  if (!(b > a)) return undefined;
  const fit = `y = ${round(intercept, 3)} + ${round(slope, 3)}·x`;
  return { slope, intercept, points: [{ x: round(a), y: round(at(a)), fit }, { x: round(b), y: round(at(b)), fit }] };
}

export interface EmbeddingScatterOptions extends FigureOptions {
  x: string;
  y: string;
  /** Numeric column coloured by quantile class, or a categorical column coloured by value. */
  color?: string;
  /** Number of quantile classes for a numeric `color` (default 5). */
  quantiles?: number;
  /** Draw at most this many points, chosen evenly (default 20,000); the title says when points were dropped. */
  maxPoints?: number;
  xTitle?: string;
  yTitle?: string;
  /** Columns shown in each point's tooltip besides x, y and colour (default: `id` when the data has it). */
  tooltip?: readonly string[];
  /**
   * Brushing: drag a rectangle on the points and a list under the plot names them by `label` (default: on when
   * there is a label column). Needs an interactive renderer (JupyterLab); a static image shows the plot.
   */
  select?: boolean;
  /** Column naming each point in the brushed list (one of the tooltip columns; default 'id' when present). */
  label?: string;
  /**
   * Clip the axes to the 0.5–99.5 % quantiles when a few far outliers would squeeze the rest into a corner
   * (default true); the subtitle says how many points fall outside and are not drawn.
   */
  robust?: boolean;
}

/** Rows the brushed list shows. */
const LIST_ROWS = 10;

/** Quantile class labels like 'Q1 ≤ 0.12', 'Q2 ≤ 0.53', … for each value. */
export function quantileClasses(values: readonly number[], k: number): { labels: string[]; classOf: (v: number) => string } {
  const sorted = [...values].filter(Number.isFinite).sort((a, b) => a - b);
  const cuts = Array.from({ length: k }, (_, i) => quantileSorted(sorted, (i + 1) / k));
  const labels = cuts.map((c, i) => `Q${i + 1} ≤ ${round(c, 3)}`);
  return { labels, classOf: (v) => labels[Math.max(0, cuts.findIndex((c) => v <= c))] };
}

/**
 * 2-D embedding (UMAP, t-SNE, PCA) as points, coloured by quantile class of a value or by category.
 * @param data - An Arquero table or an array of row objects (e.g. from {@link embeddingTable}).
 * @param options - `x`, `y` (coordinate columns), `color` (numeric: coloured by quantile class; otherwise by
 *   value), `quantiles` (default 5), `maxPoints` (default 20,000, chosen evenly), `xTitle`, `yTitle`, and
 *   `title`/`width`/`height`.
 * @returns A Vega-Lite spec.
 * @example
 * embeddingScatter(points, { x: 'x', y: 'y', color: 'expression', title: 'UMAP of the last conv layer' });
 */
export function embeddingScatter(data: TableLike, options: EmbeddingScatterOptions): VegaLiteSpec {
  const rows = rowsOf(data);
  requireField(rows, options.x, 'x');
  requireField(rows, options.y, 'y');
  if (options.color !== undefined) requireField(rows, options.color, 'color');
  const max = options.maxPoints ?? 20000;
  const stride = Math.max(1, Math.ceil(rows.length / max));
  const kept = rows.filter((_, i) => i % stride === 0);
  const cf = options.color;
  const numeric = cf !== undefined && kept.every((r) => typeof r[cf] === 'number' || r[cf] == null);
  const q = numeric ? quantileClasses(rows.map((r) => Number(r[cf!])), options.quantiles ?? 5) : undefined;
  const extra = options.tooltip ?? (rows.length && 'id' in rows[0]! ? ['id'] : []);
  for (const f of extra) requireField(rows, f, 'tooltip');
  const all = kept.map((r) => {
    const o: Row = { x: round(Number(r[options.x])), y: round(Number(r[options.y])) };
    if (cf !== undefined) o.group = q ? q.classOf(Number(r[cf])) : String(r[cf]);
    for (const f of extra) o[f] = typeof r[f] === 'number' ? round(r[f] as number) : r[f] ?? null;
    return o;
  });
  const rx = robustDomain(all.map((v) => v.x as number)), ry = robustDomain(all.map((v) => v.y as number));
  const clip = (options.robust ?? true) && (rx.clipped || ry.clipped);
  const inside = (v: Row) => (v.x as number) >= rx.domain[0] && (v.x as number) <= rx.domain[1] && (v.y as number) >= ry.domain[0] && (v.y as number) <= ry.domain[1];
  const values = clip ? all.filter(inside) : all;
  const notes: string[] = [];
  if (options.subtitle) notes.push(options.subtitle);
  if (stride > 1) notes.push(`every ${stride}th of ${rows.length} points drawn`);
  if (clip) notes.push(`axes clipped to the 0.5–99.5 % quantiles: ${all.length - values.length} point${all.length - values.length === 1 ? '' : 's'} outside not drawn`);
  const scale = (d: typeof rx) => (clip ? { domain: d.domain.map((v) => round(v)), nice: false, zero: false } : { zero: false });
  const xTitle = options.xTitle ?? words(options.x), yTitle = options.yTitle ?? words(options.y);
  const colorTitle = cf === undefined ? '' : q ? `${words(cf)} quantile` : words(cf);
  const points = {
    mark: { type: 'circle', size: values.length > 5000 ? 6 : 16 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: xTitle, scale: scale(rx) },
      y: { field: 'y', type: 'quantitative', title: yTitle, scale: scale(ry) },
      ...(cf !== undefined
        ? { color: q ? { field: 'group', type: 'ordinal', title: colorTitle, sort: q.labels, scale: { scheme: SEQUENTIAL_SCHEME } } : { field: 'group', type: 'nominal', title: colorTitle } }
        : {}),
      tooltip: [
        ...extra.map((f) => ({ field: f, title: words(f) })),
        { field: 'x', type: 'quantitative', title: xTitle }, { field: 'y', type: 'quantitative', title: yTitle },
        ...(cf !== undefined ? [{ field: 'group', title: colorTitle }] : []),
      ],
    },
  };
  const figureOptions = { ...options, subtitle: notes.length ? notes.join('; ') : undefined };
  const label = options.label ?? (extra.includes('id') ? 'id' : undefined);
  if (!(options.select ?? label !== undefined) || label === undefined) {
    return figure({ data: { values }, ...points, mark: { ...points.mark, opacity: 0.7 } }, figureOptions, { width: 300, height: 300 });
  }
  if (!extra.includes(label)) throw new OptionError(`label '${label}' must be one of the tooltip columns (${extra.join(', ') || 'none'})`, { option: 'label' });
  // Brushing: drag a rectangle on the points; the view below lists the first LIST_ROWS of them by `label`.
  const width = typeof options.width === 'number' ? options.width : 300, height = options.height ?? 300;
  const brushed = {
    ...points,
    width, height,
    params: [{ name: 'brush', select: { type: 'interval', encodings: ['x', 'y'] } }],
    encoding: { ...points.encoding, opacity: { condition: { param: 'brush', value: 0.8 }, value: 0.15 } },
  };
  const list = brushedList({ field: label, title: `${words(label)} of the brushed points (first ${LIST_ROWS}; drag on the plot to choose)`, width, tooltip: points.encoding.tooltip });
  return figure({ data: { values }, vconcat: [brushed, list], spacing: 12 }, { ...figureOptions, width }, { width, height });
}
