/**
 * What every DSL step that computes something returns: a small object with named fields — `table` (the tidy
 * Arquero table), `plot()` (its figure as a Vega-Lite spec) and any further named results (scores, extra
 * tables). Nothing hides in a table's properties, so nothing is lost when a user applies Arquero verbs to
 * `result.table`. In a notebook a result displays as its table, through its own display hook (no prototype
 * is patched for it).
 */
import type { ColumnTable } from 'arquero';
import { DISPLAY, displayBundle, inspectAsDisplay, type DisplayOptions } from '../notebook/display';
import type { VegaLiteSpec } from '../viz/spec';

/** Options every `plot()` accepts; each builder documents more (title, width, colours, …). */
export type PlotOptions = Record<string, unknown>;

/** A DSL step's result: `table`, `plot()` and named extras. */
export type Result<Extra extends object = {}> = {
  /** The tidy table: one observation per row. */
  readonly table: ColumnTable;
  /** The result's figure as a Vega-Lite spec. */
  plot(options?: PlotOptions): VegaLiteSpec;
} & Readonly<Extra>;

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * A result from a table, the function that draws it, and named extras.
 * @example result(scores, (t) => groupedBars(t, { x: 'subset', y: 'r2', color: 'model' }), { scores: { pearson: 0.41 } })
 * @param table - The tidy table.
 * @param draw - Draws the table as a Vega-Lite spec (with the options `plot()` is given).
 * @param extra - Named extras (scores, other tables), default none.
 * @returns The result; in a notebook it displays as its table.
 */
export function result<Extra extends object = {}>(
  table: ColumnTable,
  draw: (table: ColumnTable, options?: PlotOptions) => VegaLiteSpec,
  extra?: Extra,
): Result<Extra> {
  const out = { table, plot: (options?: PlotOptions) => draw(table, options), ...extra } as Result<Extra>;
  Object.defineProperty(out, DISPLAY, { value: (options?: DisplayOptions) => displayBundle(table, options), enumerable: false });
  Object.defineProperty(out, INSPECT, {
    value: (depth: number, options: { depth?: number | null }) => inspectAsDisplay(table, depth, options),
    enumerable: false,
  });
  return out;
}

/**
 * True for a DSL result.
 * @param x - Any value.
 * @returns True when `x` has a `table` and a `plot` function.
 * @example
 * if (isResult(value)) show(value.plot());
 */
export function isResult(x: unknown): x is Result {
  return typeof x === 'object' && x !== null && 'table' in x && typeof (x as { plot?: unknown }).plot === 'function';
}
