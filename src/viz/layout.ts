/**
 * The figure standard's layout rules, shared by every builder: how wide a notebook column is and how wide a
 * plot may be inside it, field names turned into words for titles, integer axes for integer fields, and
 * robust (quantile-clipped) domains for data with far outliers.
 *
 * Why these numbers: JupyterLab and Notebook 6 give an output about 760 CSS px at a 1024-px window. Wider
 * charts are clipped by JupyterLab's output area and shrunk to unreadable letters by Notebook 6's PNG fallback.
 * A plot of at most 520 px leaves room for a y axis (~60 px) and a legend on the right (~160 px).
 */
import { quantileSorted } from './data';
import { CATEGORY_COLORS } from './theme';

/** Width of a notebook output column in CSS pixels: every chart's full width (axes, legend, padding) fits it. */
export const NOTEBOOK_COLUMN_WIDTH = 760;

/** Widest plot area a builder chooses by itself (an explicit `width` is the caller's call). */
export const MAX_PLOT_WIDTH = 520;

/** Width legend titles wrap to (vega's default legend title limit is 180 px). */
export const LEGEND_TITLE_WIDTH = 150;

/**
 * A field name as words for a title or legend: `predicted_difference` → 'predicted difference',
 * `log2OddsRatio` → 'log2 odds ratio'. Names that already contain spaces are kept as given.
 *
 * @example
 * words('measured_mean') // → 'measured mean'
 */
export function words(field: string): string {
  if (/\s/.test(field)) return field;
  return field
    .replace(/[_]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])(?=[a-z])/g, (_, a: string, b: string) => `${a} ${b.toLowerCase()}`)
    .trim();
}

/** True when every finite value is an integer (so axes should tick at integers only). */
export function allIntegers(values: Iterable<unknown>): boolean {
  let any = false;
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    if (!Number.isInteger(v)) return false;
    any = true;
  }
  return any;
}

/** Axis properties for an integer field: ticks at whole numbers, printed without decimals. */
export const INTEGER_AXIS = { tickMinStep: 1, format: 'd' } as const;

/** A domain clipped to quantiles so a few far outliers do not squeeze the rest into a corner. */
export interface RobustDomain {
  domain: [number, number];
  /** True when the clipped domain is narrower than the data's full range. */
  clipped: boolean;
}

/**
 * The [q, 1 − q] quantile range of `values`, padded by 5 % on each side, when the full range is more than
 * `ratio` times wider than it (default 1.5); otherwise the full range. `q` defaults to 0.005.
 *
 * @example
 * robustDomain([...Array(99).keys(), 10000]).clipped // → true
 */
export function robustDomain(values: readonly number[], options: { q?: number; ratio?: number } = {}): RobustDomain {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return { domain: [0, 1], clipped: false };
  const lo = s[0]!, hi = s[s.length - 1]!;
  const q = options.q ?? 0.005;
  const qlo = quantileSorted(s, q), qhi = quantileSorted(s, 1 - q);
  const pad = (qhi - qlo) * 0.05;
  if (qhi > qlo && hi - lo > (options.ratio ?? 1.5) * (qhi - qlo + 2 * pad)) {
    return { domain: [qlo - pad, qhi + pad], clipped: true };
  }
  return { domain: [lo, hi], clipped: false };
}

/**
 * Sort and scale of a categorical colour: categories in the given (first-seen) order take the theme's colours
 * in order, so the same categories get the same colours in every figure (not vega's alphabetical order).
 * `colors` names a colour for some categories (a paper's palette, e.g. Camformer Fig. 6's per-model colours);
 * the others keep the theme colour of their place in the order.
 *
 * @example
 * categoryColors(['LegNet', 'Camformer'], { Camformer: '#B276B2' }).scale.range // → ['#4C78A8', '#B276B2']
 */
export function categoryColors(order: readonly string[], colors?: Readonly<Record<string, string>>): { sort: string[]; scale: { domain: string[]; range: string[] } } {
  const domain = [...order];
  const range = domain.map((c, i) => colors?.[c] ?? CATEGORY_COLORS[i % CATEGORY_COLORS.length]!);
  return { sort: domain, scale: { domain, range } };
}

/**
 * A Vega-Lite parameter that pans (drag) and zooms (Ctrl or ⌘ + wheel; a trackpad pinch sends Ctrl + wheel) the
 * x scale, reset by double-click. Zooming needs the key so the plain wheel still scrolls the notebook past the
 * chart (vega consumes only the wheel events that pass the filter). Not Shift: browsers turn Shift + wheel into
 * a horizontal scroll (deltaY 0), which vega-lite's zoom reads as no zoom at all. Param names must be unique in
 * a spec: wrapped logos number theirs per row.
 */
export function xZoom(name: string): Record<string, unknown> {
  return { name, select: { type: 'interval', encodings: ['x'], zoom: 'wheel![event.ctrlKey || event.metaKey]' }, bind: 'scales' };
}
