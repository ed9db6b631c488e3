/** The Vega-Lite spec type we hand around, and the wrapper that adds schema, theme and size. */
import { THEME_CONFIG, VEGA_LITE_SCHEMA } from './theme';

/**
 * A plain Vega-Lite spec (JSON). Kept loose on purpose: vega-lite's own types are only reachable through
 * package `exports`, which tslab's TypeScript 5.0 (Node10 resolution) cannot see.
 */
export interface VegaLiteSpec {
  $schema: string;
  [key: string]: unknown;
}

/** Options every builder accepts (Observable-Plot style: flat, optional, with defaults). */
export interface FigureOptions {
  title?: string;
  width?: number;
  height?: number;
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
  return spec;
}

/** True for anything that looks like a Vega-Lite spec (used by display and the notebook runner). */
export function isVegaLiteSpec(x: unknown): x is VegaLiteSpec {
  return typeof x === 'object' && x !== null && typeof (x as { $schema?: unknown }).$schema === 'string' &&
    (x as { $schema: string }).$schema.includes('vega-lite');
}
