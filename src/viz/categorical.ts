/**
 * Heat maps with cell values (e.g. motif pair logic matrices), grouped bars (per-subset scores of several
 * models or a leaderboard) and lines with an error band (training curves over seeds, scores over a sweep).
 */
import { OptionError } from '../errors';
import { DIVERGING_SCHEME, SEQUENTIAL_SCHEME } from './theme';
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
  xTitle?: string;
  yTitle?: string;
  valueTitle?: string;
}

/**
 * Heat map of a value over two categorical columns, with the values printed in readable contrast.
 * @param data - An Arquero table or an array of row objects.
 * @param options - `x`, `y` (categorical columns), `value` (numeric column), `text` (print values; default true
 *   up to 400 cells), `format` (default '.2f'), `diverging` (default: true when values have both signs),
 *   `scheme` (default viridis, or redblue when diverging), `xTitle`, `yTitle`, `valueTitle`, and
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
  const order = (f: 'x' | 'y') => [...new Set(values.map((v) => v[f]))];
  const x = { field: 'x', type: 'nominal', sort: order('x'), title: options.xTitle ?? options.x, axis: { labelAngle: order('x').some((s) => s.length > 6) ? -45 : 0 } };
  const y = { field: 'y', type: 'nominal', sort: order('y'), title: options.yTitle ?? options.y };
  const text = options.text ?? values.length <= 400;
  const layers: Record<string, unknown>[] = [{
    mark: { type: 'rect' },
    encoding: {
      x, y,
      color: { field: 'value', type: 'quantitative', title: options.valueTitle ?? options.value,
        scale: diverging ? { scheme: options.scheme ?? DIVERGING_SCHEME, domainMid: 0, domain: [-round(m), round(m)], reverse: true } : { scheme: options.scheme ?? SEQUENTIAL_SCHEME } },
      tooltip: [{ field: 'x', title: options.x }, { field: 'y', title: options.y }, { field: 'value', title: options.value }],
    },
  }];
  if (text) layers.push({ mark: { type: 'text', fontSize: 11 }, encoding: { x, y, text: { field: 'value', type: 'quantitative', format: options.format ?? '.2f' }, color: { condition: { test: "datum.ink === 'white'", value: 'white' }, value: 'black' } } });
  const nx = order('x').length, ny = order('y').length;
  return figure({ data: { values }, layer: layers }, options, { width: Math.max(120, Math.min(600, 40 * nx)), height: Math.max(90, Math.min(600, 30 * ny)) });
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
  const shared = {
    x: { field: 'x', type: 'nominal', sort: xOrder, title: options.xTitle ?? options.x, axis: { labelAngle: xOrder.some((s) => s.length > 6) ? -35 : 0 } },
    xOffset: { field: 'group', type: 'nominal', sort: gOrder },
  };
  const layers: Record<string, unknown>[] = [{
    mark: { type: 'bar' },
    encoding: { ...shared, y: { field: 'y', type: 'quantitative', title: options.yTitle ?? options.y }, color: { field: 'group', type: 'nominal', sort: gOrder, title: options.color },
      tooltip: [{ field: 'x', title: options.x }, { field: 'group', title: options.color }, { field: 'y', title: options.y }] },
  }];
  if (options.yMin !== undefined) layers.push({ mark: { type: 'rule', color: '#333' }, encoding: { ...shared, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } } });
  return figure({ data: { values }, layer: layers }, options, { width: Math.min(700, 30 * xOrder.length * Math.max(1, gOrder.length) + 40), height: 240 });
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
}

/**
 * Mean line with a shaded band: given (yMin/yMax columns) or summarised from repeated rows (e.g. seeds).
 * @param data - An Arquero table or an array of row objects.
 * @param options - `x`, `y`, `color` (one line per value), `yMin`/`yMax` (band columns; without them rows sharing
 *   x are summarised), `band` ('stdev' (default), 'ci' for ± 1.96 SE, 'minmax'), `xTitle`, `yTitle`, and
 *   `title`/`width`/`height`.
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
  const x = { field: 'x', type: 'quantitative', title: options.xTitle ?? options.x, scale: { zero: false } };
  const color = options.color !== undefined ? { color: { field: 'group', type: 'nominal', title: options.color } } : {};
  return figure({
    data: { values },
    layer: [
      { mark: { type: 'area', opacity: 0.25 }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: options.yTitle ?? options.y, scale: { zero: false } }, y2: { field: 'hi' }, ...color } },
      { mark: { type: 'line', strokeWidth: 1.75, point: values.length <= 30 }, encoding: { x, y: { field: 'y', type: 'quantitative' }, ...color, tooltip: [{ field: 'x' }, { field: 'y' }, { field: 'lo' }, { field: 'hi' }, { field: 'n' }] } },
    ],
  }, options);
}
