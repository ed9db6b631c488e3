/**
 * Radar (spider) charts, e.g. per-category scores of several models (the Camformer paper's Fig. S7). Vega-Lite
 * has no polar line mark, so the polar layout is computed here: every (axis, value) becomes an x/y point on its
 * spoke, series are closed polylines (`line` with an `order` channel, first vertex repeated), the grid is rings
 * of the same kind, spokes are `rule`s and labels `text` — plain Cartesian marks on a square, axis-less plot.
 */
import { OptionError } from '../errors';
import { categoryColors } from './layout';
import { figure, type FigureOptions, type VegaLiteSpec } from './spec';
import { extent, round, rowsOf, requireField, type Row, type TableLike } from './data';

/** Plot coordinates to 1e-4 of the radius (sin π is 1e-16, not 0); −0 becomes 0. */
const coordinate = (v: number) => Math.round(v * 1e4) / 1e4 + 0;

export interface RadarOptions extends FigureOptions {
  /** Categorical column: one spoke per value, clockwise from the top in first-seen order (or `order`). */
  axis: string;
  /** Numeric column: the distance from the centre. */
  value: string;
  /** Categorical column: one closed outline per value (default: a single outline). */
  series?: string;
  /** Numeric column drawn as a radial error bar ± this much (e.g. the sd over replicates). */
  error?: string;
  /** Spoke order (default: order of first appearance). */
  order?: readonly string[];
  /** Value at the centre and at the rim (default: the data's range, padded by 5 %). */
  domain?: [number, number];
  /** Grid rings, labelled with their values (default 4). */
  rings?: number;
  /** Colours of named series (e.g. the paper's), the rest take the theme's in order of appearance. */
  colors?: Readonly<Record<string, string>>;
}

/**
 * A radar chart: one spoke per `axis` value, one outline per `series`, radius linear in `value` over `domain`.
 *
 * @example
 * radar(scores, { axis: 'subset', value: 'rho', series: 'model', title: 'ρ per test subset' })
 * @param data - An Arquero table or an array of row objects.
 * @param options - `axis` (spoke column), `value` (radius column), `series` (one outline per value; default one
 *   outline), `error` (± column), `order` (default first appearance), `domain` (default the data's range padded by
 *   5 %), `rings` (default 4), and `title`/`width`/`height` (default 320 × 320).
 * @returns A Vega-Lite spec.
 */
export function radar(data: TableLike, options: RadarOptions): VegaLiteSpec {
  const rows = rowsOf(data);
  requireField(rows, options.axis, 'axis');
  requireField(rows, options.value, 'value');
  if (options.series !== undefined) requireField(rows, options.series, 'series');
  if (options.error !== undefined) requireField(rows, options.error, 'error');
  const axes = options.order ? [...options.order] : [...new Set(rows.map((r) => String(r[options.axis])))];
  if (axes.length < 3) throw new OptionError(`a radar needs at least 3 spokes, got ${axes.length}`, { option: 'axis' });
  const values = rows.map((r) => Number(r[options.value])).filter(Number.isFinite);
  const [lo, hi] = values.length ? extent(values) : [0, 1];
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.05;
  const [d0, d1] = options.domain ?? [lo - pad, hi + pad];
  if (!(d1 > d0)) throw new OptionError(`domain must be increasing, got [${d0}, ${d1}]`, { option: 'domain' });
  const rings = options.rings ?? 4;
  const angle = (i: number) => (2 * Math.PI * i) / axes.length;
  const at = (i: number, v: number) => {
    const radius = Math.max(0, (v - d0) / (d1 - d0));
    return { x: coordinate(radius * Math.sin(angle(i))), y: coordinate(radius * Math.cos(angle(i))) };
  };

  const grid: Row[] = [];
  for (let k = 1; k <= rings; k++) {
    const v = d0 + ((d1 - d0) * k) / rings;
    for (let i = 0; i <= axes.length; i++) grid.push({ ring: k, order: i, ...at(i % axes.length, v) });
  }
  const spokes = axes.map((name, i) => ({ name, x: 0, y: 0, ...Object.fromEntries(Object.entries(at(i, d1)).map(([k, v]) => [`${k}2`, v])) }));
  const labels = axes.map((name, i) => ({ name, ...at(i, d1 + (d1 - d0) * 0.14) }));
  const ringLabels = Array.from({ length: rings }, (_, k) => ({ label: String(round(d0 + ((d1 - d0) * (k + 1)) / rings, 3)), ...at(0, d0 + ((d1 - d0) * (k + 1)) / rings) }));

  const seriesOf = (r: Row) => (options.series === undefined ? options.value : String(r[options.series]));
  const points: Row[] = [];
  const bars: Row[] = [];
  const seriesNames = [...new Set(rows.map(seriesOf))];
  for (const s of seriesNames) {
    const mine = rows.filter((r) => seriesOf(r) === s);
    const byAxis = new Map(mine.map((r) => [String(r[options.axis]), r]));
    const vertices = axes.map((name, i) => ({ name, i, r: byAxis.get(name) })).filter((v) => v.r && Number.isFinite(Number(v.r[options.value])));
    vertices.forEach(({ name, i, r }, k) => {
      const v = Number(r![options.value]);
      points.push({ series: s, axis: name, value: round(v), order: k, ...at(i, v) });
      if (options.error !== undefined) {
        const e = Number(r![options.error]);
        if (Number.isFinite(e)) {
          const a = at(i, v - e), b = at(i, v + e);
          bars.push({ series: s, axis: name, error: round(e), x: a.x, y: a.y, x2: b.x, y2: b.y });
        }
      }
    });
    // Close the outline only when every spoke has a value (a gap would draw a false edge).
    if (vertices.length === axes.length) points.push({ ...points[points.length - vertices.length]!, order: vertices.length, closing: true });
  }

  const scale = { domain: [-1.35, 1.35], nice: false, zero: false };
  const x = { field: 'x', type: 'quantitative', scale, axis: null };
  const y = { field: 'y', type: 'quantitative', scale, axis: null };
  const color = { field: 'series', type: 'nominal', title: options.series ?? '', scale: categoryColors(seriesNames, options.colors).scale };
  const layers: Record<string, unknown>[] = [
    { data: { values: grid }, mark: { type: 'line', color: '#ddd', strokeWidth: 1, tooltip: null }, encoding: { x, y, detail: { field: 'ring', type: 'nominal' }, order: { field: 'order', type: 'quantitative' } } },
    { data: { values: spokes }, mark: { type: 'rule', color: '#ccc', strokeWidth: 1, tooltip: null }, encoding: { x, y, x2: { field: 'x2' }, y2: { field: 'y2' } } },
    { data: { values: ringLabels }, mark: { type: 'text', color: '#888', fontSize: 9, dx: 4, align: 'left', tooltip: null }, encoding: { x, y, text: { field: 'label', type: 'nominal' } } },
    { data: { values: labels }, mark: { type: 'text', fontSize: 11, tooltip: null }, encoding: { x, y, text: { field: 'name', type: 'nominal' } } },
    { data: { values: points }, mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y, color, order: { field: 'order', type: 'quantitative' }, tooltip: [{ field: 'series', title: options.series ?? 'series' }] } },
    {
      data: { values: points.filter((p) => !p['closing']) },
      mark: { type: 'point', filled: true, size: 30 },
      encoding: { x, y, color, tooltip: [{ field: 'series', title: options.series ?? 'series' }, { field: 'axis', title: options.axis }, { field: 'value', title: options.value }] },
    },
  ];
  if (bars.length) layers.push({ data: { values: bars }, mark: { type: 'rule', strokeWidth: 1 }, encoding: { x, y, x2: { field: 'x2' }, y2: { field: 'y2' }, color, tooltip: [{ field: 'series', title: options.series ?? 'series' }, { field: 'axis', title: options.axis }, { field: 'error', title: `± ${options.error}` }] } });
  return figure({ layer: layers }, options, { width: 320, height: 320 });
}
