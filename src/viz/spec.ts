/** The Vega-Lite spec type we hand around, and the wrapper that adds schema, theme and size. */
import { THEME_CONFIG, VEGA_LITE_SCHEMA } from './theme';
import { MAX_PLOT_WIDTH, NOTEBOOK_COLUMN_WIDTH } from './layout';
import { wrapText } from './text-width';

/**
 * A plain Vega-Lite spec (JSON). Kept loose on purpose: vega-lite's own types are only reachable through
 * package `exports`, which tslab's TypeScript 5.0 (Node10 resolution) cannot see.
 */
export interface VegaLiteSpec {
  /** The Vega-Lite schema URL. */
  $schema: string;
  [key: string]: unknown;
}

/** Options every builder accepts (Observable-Plot style: flat, optional, with defaults). */
export interface FigureOptions {
  /** Title above the plot; wrapped to the plot's width so it never widens the figure. */
  title?: string;
  /** A caption under the title (smaller, grey), e.g. what a clipped axis leaves out; wrapped like the title. */
  subtitle?: string;
  /**
   * Plot width in pixels, or `'container'` to fill the notebook column (vega-embed resizes it with the page;
   * headless rendering uses the column width, 760 px). Default: the builder's own, at most 520 px.
   */
  width?: number | 'container';
  /** Height in pixels (default: the builder's, usually 240). */
  height?: number;
}

/** Font sizes of the theme's title and subtitle, used to wrap them. */
const TITLE_SIZE = 13, SUBTITLE_SIZE = 11;

/** Plot width a spec lays out to: a number, or for `'container'` the column less room for axis and legend. */
export function plotWidth(width: number | 'container' | undefined, fallback: number): number {
  if (width === 'container') return NOTEBOOK_COLUMN_WIDTH - 240;
  return width ?? fallback;
}

type Inspector = (spec: VegaLiteSpec, depth: number, options: { depth?: number | null }) => unknown;
let specInspector: Inspector | undefined;

/**
 * Lets the notebook layer decide how specs print under `util.inspect` (tslab prints a cell's value that way).
 * viz stays notebook-agnostic: without an inspector, specs print as the plain objects they are.
 */
export function setSpecInspector(inspector: Inspector | undefined): void {
  specInspector = inspector;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

function attachInspector(spec: VegaLiteSpec): VegaLiteSpec {
  // Non-enumerable: invisible to JSON.stringify, spreads and Object.keys, so specs stay plain JSON.
  Object.defineProperty(spec, INSPECT, {
    value(this: VegaLiteSpec, depth: number, options: { depth?: number | null }) {
      return specInspector ? specInspector(this, depth, options) : this;
    },
  });
  return spec;
}

/**
 * Adds `$schema`, the shared theme, title (and subtitle) and size to a spec body. Default widths are capped at
 * `MAX_PLOT_WIDTH` so axis and legend still fit a notebook column; titles wrap to the plot width.
 */
export function figure(body: Record<string, unknown>, options: FigureOptions, defaults = { width: 320, height: 240 }): VegaLiteSpec {
  const spec: VegaLiteSpec = { $schema: VEGA_LITE_SCHEMA };
  const composed = 'facet' in body || 'hconcat' in body || 'vconcat' in body;
  const width = composed ? plotWidth(options.width, defaults.width) : options.width === 'container' ? plotWidth('container', 0) : options.width ?? Math.min(MAX_PLOT_WIDTH, defaults.width);
  const wrapAt = Math.max(160, width);
  if (options.title !== undefined || options.subtitle !== undefined) {
    const title: Record<string, unknown> = { text: options.title === undefined ? '' : wrapText(options.title, wrapAt, TITLE_SIZE) };
    if (options.subtitle !== undefined) title.subtitle = wrapText(options.subtitle, wrapAt, SUBTITLE_SIZE);
    spec.title = title;
  }
  if (!composed) {
    spec.width = options.width === 'container' ? 'container' : width;
    spec.height = options.height ?? defaults.height;
    // 'container' needs fit-x autosizing (vega-embed then tracks the element's width).
    if (options.width === 'container') spec.autosize = { type: 'fit-x', contains: 'padding' };
  }
  Object.assign(spec, body);
  spec.config = THEME_CONFIG;
  return attachInspector(spec);
}

/** Title text of a spec as one string (lines joined by spaces), for tests and captions. */
export function titleText(spec: VegaLiteSpec): string {
  const t = spec.title as string | { text?: string | string[] } | undefined;
  const text = typeof t === 'string' ? t : t?.text;
  return Array.isArray(text) ? text.join(' ') : text ?? '';
}

/**
 * True for anything that looks like a Vega-Lite spec (used by display and the notebook runner).
 * @param x - Any value.
 * @returns True when `x` is an object with a Vega-Lite `$schema`.
 * @example
 * if (isVegaLiteSpec(value)) await saveFigure(value, 'figure.svg');
 */
export function isVegaLiteSpec(x: unknown): x is VegaLiteSpec {
  return typeof x === 'object' && x !== null && typeof (x as { $schema?: unknown }).$schema === 'string' &&
    (x as { $schema: string }).$schema.includes('vega-lite');
}
