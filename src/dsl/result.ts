/**
 * A result is an Arquero table that also knows how to draw itself: `result.plot()` returns a Vega-Lite spec
 * built from the table. The plot function is attached non-enumerably, so the table stays an ordinary table
 * for every Arquero verb (a derived table is a plain table again).
 */
import type { ColumnTable } from 'arquero';
import type { VegaLiteSpec } from '../viz/spec';

export type Result<Extra extends object = {}> = ColumnTable & Extra & {
  /** The result's figure as a Vega-Lite spec. */
  plot(options?: Record<string, unknown>): VegaLiteSpec;
};

export function withPlot<Extra extends object = {}>(
  table: ColumnTable,
  plot: (table: ColumnTable, options?: Record<string, unknown>) => VegaLiteSpec,
  extra?: Extra,
): Result<Extra> {
  Object.defineProperty(table, 'plot', { value: (options?: Record<string, unknown>) => plot(table, options), configurable: true });
  for (const [key, value] of Object.entries(extra ?? {})) Object.defineProperty(table, key, { value, configurable: true, enumerable: false });
  return table as Result<Extra>;
}
