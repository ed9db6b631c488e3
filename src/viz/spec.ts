/** The Vega-Lite spec type we hand around, and the wrapper that adds schema, theme and size. */
import { THEME_CONFIG, VEGA_LITE_SCHEMA } from './theme';

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
  /** Figure title (default none, or one the builder derives). */
  title?: string;
  /** Width in pixels (default: the builder's, usually 320). */
  width?: number;
  /** Height in pixels (default: the builder's, usually 240). */
  height?: number;
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

/** Adds `$schema`, the shared theme, title and size to a spec body. */
export function figure(body: Record<string, unknown>, options: FigureOptions, defaults = { width: 320, height: 240 }): VegaLiteSpec {
  const spec: VegaLiteSpec = { $schema: VEGA_LITE_SCHEMA };
  if (options.title !== undefined) spec.title = options.title;
  if (!('facet' in body) && !('hconcat' in body) && !('vconcat' in body)) {
    spec.width = options.width ?? defaults.width;
    spec.height = options.height ?? defaults.height;
  }
  Object.assign(spec, body);
  spec.config = THEME_CONFIG;
  return attachInspector(spec);
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
