/**
 * Heat maps with cell values (e.g. motif pair logic matrices), grouped bars (per-subset scores of several
 * models or a leaderboard) and lines with an error band (training curves over seeds, scores over a sweep).
 */
import { OptionError } from '../errors';
import { CATEGORY_COLORS, DIVERGING_SCHEME, SEQUENTIAL_SCHEME } from './theme';
import { allIntegers, INTEGER_AXIS, LEGEND_TITLE_WIDTH, MAX_PLOT_WIDTH, words, xZoom } from './layout';
import { wrapText } from './text-width';
import { figure, type FigureOptions, type VegaLiteSpec } from './spec';
import { extent, round, rowsOf, requireField, type Row, type TableLike } from './data';

export interface HeatmapOptions extends FigureOptions {
  x: string;
  y: string;
  /** Numeric column giving each cell's colour (and its printed value). */
  value: string;
  /** Print values in the cells (default true when there are at most 400 cells). */
  text?: boolean;
  /** d3-format of printed values (default '.2f'). */
  format?: string;
  /** Centre the colour scale on 0 with a diverging scheme (default: true when values have both signs). */
  diverging?: boolean;
  /** Colour scheme (default viridis, or redblue when diverging). */
  scheme?: string;
  /**
   * Colours instead of a scheme, interpolated: low to high, or, when diverging, [negative, 0, positive] — e.g.
   * Camformer Fig. 8c's `colorRampPalette(c("darkblue", "white", "darkorange"))` with breaks symmetric about 0
   * (manuscript_figures/Figure_8/Figure8bc.R) is `['darkblue', 'white', 'darkorange']`.
   */
  colors?: readonly string[];
  xTitle?: string;
  yTitle?: string;
  /** Colour legend title (default: the value column's name in words). */
  valueTitle?: string;
  /**
   * Category order on both axes. Default: when the x and y columns share categories (a motif × motif matrix)
   * both axes use one order, so the diagonal is the diagonal: by the diagonal's value, highest first, as the
   * Camformer paper orders Fig. 8b (manuscript_figures/Figure_8/Figure8bc.R, `order_real`/`order_pred`), or
   * first seen on x, then y, when the diagonal is missing or constant (Fig. 8c's is 0: pass 8b's order).
   * Otherwise each axis keeps its own first-seen order.
   */
  order?: readonly string[];
}

/** The order of a matrix's two axes: shared when their categories overlap, so row i and column i match. */
export function matrixOrder(xs: readonly string[], ys: readonly string[], order?: readonly string[], diagonal?: ReadonlyMap<string, number>): { x: string[]; y: string[] } {
  const ux = [...new Set(xs)], uy = [...new Set(ys)];
  const rank = (wanted: readonly string[], present: string[]) => [...wanted.filter((c) => present.includes(c)), ...present.filter((c) => !wanted.includes(c))];
  if (order) return { x: rank(order, ux), y: rank(order, uy) };
  const shared = ux.some((c) => uy.includes(c));
  if (!shared) return { x: ux, y: uy };
  let both = [...new Set([...ux, ...uy])];
  const d = diagonal ? both.map((c) => diagonal.get(c)).filter((v): v is number => v !== undefined && Number.isFinite(v)) : [];
  if (d.length === both.length && Math.max(...d) > Math.min(...d)) {
    // Stable: ties keep their first-seen order.
    both = both.map((c, i) => ({ c, i, v: diagonal!.get(c)! })).sort((a, b) => b.v - a.v || a.i - b.i).map((e) => e.c);
  }
  return { x: rank(both, ux), y: rank(both, uy) };
}

/** The heat map's colour scale: a scheme or the caller's colours, centred on 0 when diverging. */
function colorScale(options: HeatmapOptions, diverging: boolean, m: number, finite: boolean): Record<string, unknown> {
  const colors = options.colors;
  if (colors !== undefined && (diverging ? colors.length !== 3 : colors.length < 2)) {
    throw new OptionError(`colors needs ${diverging ? '3 colours (negative, 0, positive) for a diverging map' : 'at least 2 colours (low to high)'}, got ${colors.length}`, { option: 'colors' });
  }
  if (diverging) {
    return colors ? { domain: [-m, 0, m], range: [...colors], interpolate: 'rgb' } : { scheme: options.scheme ?? DIVERGING_SCHEME, domainMid: 0, domain: [-m, m], reverse: true };
  }
  const fallback = finite ? {} : { domain: [0, 1] };
  return colors ? { range: [...colors], interpolate: 'rgb', ...fallback } : { scheme: options.scheme ?? SEQUENTIAL_SCHEME, ...fallback };
}

/**
 * Heat map of a value over two categorical columns, with the values printed in readable contrast.
 * @param data - An Arquero table or an array of row objects.
 * @param options - `x`, `y` (categorical columns), `value` (numeric column), `text` (print values; default true
 *   up to 400 cells), `format` (default '.2f'), `diverging` (default: true when values have both signs),
 *   `scheme` (default viridis, or redblue when diverging), `colors` (instead of a scheme), `xTitle`, `yTitle`,
 *   `valueTitle`, `order`, and
 *   `title`/`width`/`height` (default: 40 px per column, 30 px per row).
 * @returns A Vega-Lite spec.
 * @example
 * heatmap(logic, { x: 'motifB', y: 'motifA', value: 'difference' });
 */
export function heatmap(data: TableLike, options: HeatmapOptions): VegaLiteSpec {
  const rows = rowsOf(data);
  for (const f of ['x', 'y', 'value'] as const) requireField(rows, options[f], f);
  const nums = rows.map((r) => Number(r[options.value])).filter(Number.isFinite);
  const [lo, hi] = nums.length ? extent(nums) : [0, 1];
  const diverging = options.diverging ?? (lo < 0 && hi > 0);
  const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  // Text colour per cell, decided here: white on the dark ends of the scheme, black elsewhere.
  const dark = (v: number) => (diverging ? Math.abs(v) / m > 0.55 : (v - lo) / (hi - lo || 1) < 0.45);
  const values = rows.map((r) => {
    const v = Number(r[options.value]);
    return { x: String(r[options.x]), y: String(r[options.y]), value: Number.isFinite(v) ? round(v) : null, ink: Number.isFinite(v) && dark(v) ? 'white' : 'black' };
  });
  const diagonal = new Map(values.filter((v) => v.x === v.y && v.value !== null).map((v) => [v.x, v.value as number]));
  const order = matrixOrder(values.map((v) => v.x), values.map((v) => v.y), options.order, diagonal);
  const xTitle = options.xTitle ?? words(options.x), yTitle = options.yTitle ?? words(options.y), valueTitle = options.valueTitle ?? words(options.value);
  const x = { field: 'x', type: 'nominal', sort: order.x, scale: { domain: order.x }, title: xTitle, axis: { labelAngle: order.x.some((s) => s.length > 6) ? -45 : 0 } };
  const y = { field: 'y', type: 'nominal', sort: order.y, scale: { domain: order.y }, title: yTitle };
  const text = options.text ?? values.length <= 400;
  const finite = nums.length > 0;
  const layers: Record<string, unknown>[] = [{
    mark: { type: 'rect' },
    encoding: {
      x, y,
      color: { field: 'value', type: 'quantitative', title: wrapText(valueTitle, LEGEND_TITLE_WIDTH, 12, { bold: true }),
        scale: colorScale(options, diverging, round(m), finite) },
      tooltip: [{ field: 'x', title: xTitle }, { field: 'y', title: yTitle }, { field: 'value', title: valueTitle, format: options.format ?? '.3~g' }],
    },
  }];
  if (text) layers.push({ mark: { type: 'text', fontSize: 11 }, encoding: { x, y, text: { field: 'value', type: 'quantitative', format: options.format ?? '.2f' }, color: { condition: { test: "datum.ink === 'white'", value: 'white' }, value: 'black' }, tooltip: [{ field: 'x', title: xTitle }, { field: 'y', title: yTitle }, { field: 'value', title: valueTitle, format: options.format ?? '.3~g' }] } });
  const nx = order.x.length, ny = order.y.length;
  // Square-ish cells when the axes share categories; the plot stays within a notebook column.
  const cell = Math.max(14, Math.min(40, Math.floor(MAX_PLOT_WIDTH / Math.max(1, nx))));
  return figure({ data: { values }, layer: layers }, options, { width: Math.max(120, cell * nx), height: Math.max(90, Math.min(600, (order.x === order.y || nx === ny ? cell : 30) * ny)) });
}

export interface GroupedBarsOptions extends FigureOptions {
  /** Category on the axis (e.g. the DREAM subset). */
  x: string;
  /** Bar height (e.g. the score). */
  y: string;
  /** Group within each category (e.g. the model); one colour per group. */
  color: string;
  /** Optional columns with the error bar ends (e.g. a bootstrap CI). */
  yMin?: string;
  yMax?: string;
  xTitle?: string;
  yTitle?: string;
}

/**
 * Bars grouped side by side per category (xOffset), optionally with error bars.
 * @param data - An Arquero table or an array of row objects.
 * @param options - `x` (category on the axis), `y` (bar height), `color` (group within a category), `yMin`/`yMax`
 *   (optional error-bar columns), `xTitle`, `yTitle`, and `title`/`width`/`height`.
 * @returns A Vega-Lite spec.
 * @example
 * groupedBars(evaluation.table, { x: 'subset', y: 'r2', color: 'model' });
 */
export function groupedBars(data: TableLike, options: GroupedBarsOptions): VegaLiteSpec {
  const rows = rowsOf(data);
  for (const f of ['x', 'y', 'color'] as const) requireField(rows, options[f], f);
  if ((options.yMin === undefined) !== (options.yMax === undefined)) throw new OptionError('give both yMin and yMax, or neither', { option: options.yMin ? 'yMax' : 'yMin' });
  const values = rows.map((r) => {
    const o: Row = { x: String(r[options.x]), group: String(r[options.color]), y: round(Number(r[options.y])) };
    if (options.yMin !== undefined) { o.lo = round(Number(r[options.yMin])); o.hi = round(Number(r[options.yMax!])); }
    return o;
  });
  const xOrder = [...new Set(values.map((v) => v.x as string))];
  const gOrder = [...new Set(values.map((v) => v.group as string))];
  const xTitle = options.xTitle ?? words(options.x), yTitle = options.yTitle ?? words(options.y), colorTitle = words(options.color);
  const shared = {
    x: { field: 'x', type: 'nominal', sort: xOrder, title: xTitle, axis: { labelAngle: xOrder.some((s) => s.length > 6) ? -35 : 0 } },
    xOffset: { field: 'group', type: 'nominal', sort: gOrder },
  };
  const tooltip = [{ field: 'x', title: xTitle }, { field: 'group', title: colorTitle }, { field: 'y', title: yTitle },
    ...(options.yMin !== undefined ? [{ field: 'lo', title: 'lower' }, { field: 'hi', title: 'upper' }] : [])];
  const layers: Record<string, unknown>[] = [{
    mark: { type: 'bar' },
    encoding: { ...shared, y: { field: 'y', type: 'quantitative', title: yTitle }, color: { field: 'group', type: 'nominal', sort: gOrder, title: colorTitle, ...(gOrder.length > CATEGORY_COLORS.length ? { scale: { scheme: 'tableau20' } } : {}) }, tooltip },
  }];
  if (options.yMin !== undefined) layers.push({ mark: { type: 'rule', color: '#333' }, encoding: { ...shared, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, tooltip } });
  return figure({ data: { values }, layer: layers }, options, { width: Math.min(MAX_PLOT_WIDTH, 30 * xOrder.length * Math.max(1, gOrder.length) + 40), height: 240 });
}

export interface LineBandOptions extends FigureOptions {
  x: string;
  y: string;
  /** One line per value of this column. */
  color?: string;
  /** Columns with the band's ends; if absent, rows sharing x (and colour) are summarised. */
  yMin?: string;
  yMax?: string;
  /** Band when summarising repeated rows: ± one standard deviation (default), ± 1.96 SE ('ci'), or min–max. */
  band?: 'stdev' | 'ci' | 'minmax';
  xTitle?: string;
  yTitle?: string;
  /**
   * Zoom on x: drag to pan, Ctrl (⌘) + wheel or a trackpad pinch to zoom, double-click to reset (default: on when `x` is 'position',
   * a track along a sequence). The plain wheel still scrolls the page. A static image shows the full range.
   */
  zoom?: boolean;
}

/**
 * Mean line with a shaded band: given (yMin/yMax columns) or summarised from repeated rows (e.g. seeds).
 * @param data - An Arquero table or an array of row objects.
 * @param options - `x`, `y`, `color` (one line per value), `yMin`/`yMax` (band columns; without them rows sharing
 *   x are summarised), `band` ('stdev' (default), 'ci' for ± 1.96 SE, 'minmax'), `zoom` (pan and zoom on x;
 *   default on for x = 'position'), `xTitle`, `yTitle`, and `title`/`width`/`height`.
 * @returns A Vega-Lite spec.
 * @example
 * lineBand(history, { x: 'epoch', y: 'valLoss', color: 'preset', band: 'ci' });
 */
export function lineBand(data: TableLike, options: LineBandOptions): VegaLiteSpec {
  const rows = rowsOf(data);
  for (const f of ['x', 'y'] as const) requireField(rows, options[f], f);
  const groups = new Map<string, { x: number; group: string; ys: number[]; lo?: number; hi?: number }>();
  for (const r of rows) {
    const x = Number(r[options.x]), yv = Number(r[options.y]);
    const group = options.color === undefined ? '' : String(r[options.color]);
    const key = `${group}\u0000${x}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { x, group, ys: [] }));
    if (Number.isFinite(yv)) g.ys.push(yv);
    if (options.yMin !== undefined && options.yMax !== undefined) { g.lo = Number(r[options.yMin]); g.hi = Number(r[options.yMax]); }
  }
  const band = options.band ?? 'stdev';
  const values = [...groups.values()].sort((a, b) => a.x - b.x).map((g) => {
    const n = g.ys.length, mean = g.ys.reduce((s, v) => s + v, 0) / (n || 1);
    const sd = n > 1 ? Math.sqrt(g.ys.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
    let lo = g.lo, hi = g.hi;
    if (lo === undefined || hi === undefined) {
      if (band === 'minmax') [lo, hi] = n ? extent(g.ys) : [mean, mean];
      else { const h = band === 'ci' ? (1.96 * sd) / Math.sqrt(n || 1) : sd; lo = mean - h; hi = mean + h; }
    }
    const o: Row = { x: round(g.x), y: round(mean), lo: round(lo), hi: round(hi), n };
    if (options.color !== undefined) o.group = g.group;
    return o;
  });
  const xTitle = options.xTitle ?? words(options.x), yTitle = options.yTitle ?? words(options.y);
  const integerX = allIntegers(values.map((v) => v.x));
  const x = { field: 'x', type: 'quantitative', title: xTitle, scale: { zero: false }, ...(integerX ? { axis: { ...INTEGER_AXIS } } : {}) };
  const groupNames = [...new Set(values.map((v) => v.group as string))];
  // One colour per group from the theme on both layers, and one legend drawn as opaque strokes: its symbols are
  // the lines' colours, not the pale band's (vega-lite merges the two layers' legends into this one).
  const scale = { domain: groupNames, range: CATEGORY_COLORS.slice(0, Math.max(1, groupNames.length)) };
  const colorTitle = options.color === undefined ? '' : words(options.color);
  const legend = { symbolType: 'stroke', symbolStrokeWidth: 2.5, symbolOpacity: 1 };
  const lineColor = options.color !== undefined ? { color: { field: 'group', type: 'nominal', scale, title: colorTitle, legend } } : {};
  const bandColor = lineColor;
  const spread = band === 'ci' ? '± 1.96 SE' : band === 'minmax' ? 'min–max' : '± 1 sd';
  const tooltip = [
    ...(options.color !== undefined ? [{ field: 'group', title: colorTitle }] : []),
    { field: 'x', title: xTitle }, { field: 'y', title: `${yTitle} (mean)` },
    { field: 'lo', title: options.yMin !== undefined ? 'band from' : `${spread} from` }, { field: 'hi', title: 'to' }, { field: 'n', title: 'rows' },
  ];
  const zoom = options.zoom ?? options.x === 'position';
  // clip: a zoomed-in line and band stop at the plot's edge instead of running over the axes.
  const clip = zoom ? { clip: true } : {};
  return figure({
    data: { values },
    layer: [
      { mark: { type: 'area', opacity: 0.25, ...clip }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: yTitle, scale: { zero: false } }, y2: { field: 'hi' }, ...bandColor, tooltip } },
      {
        ...(zoom ? { params: [xZoom('zoom')] } : {}),
        mark: { type: 'line', strokeWidth: 1.75, point: values.length <= 30, ...clip },
        encoding: { x, y: { field: 'y', type: 'quantitative' }, ...lineColor, tooltip },
      },
    ],
  }, options);
}
