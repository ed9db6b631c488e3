/**
 * Agreement of predictions with measurements as a one-row table: n, missing, r, r², ρ. Pairs with a NaN on
 * either side are counted and left out, never silently scored.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { pearson, spearman } from './correlation';

/**
 * r, r², ρ and n of measured vs predicted values (pairs with a NaN on either side are counted, then left out).
 * @param measured - Measured values.
 * @param predicted - Predicted values, paired with `measured` (same length, else an OptionError).
 * @returns A one-row table with columns `n` (pairs scored), `missing` (pairs left out), `r`, `r2`, `rho`.
 * @example
 * evaluatePredictions([1.2, 3.4, 2.2, 5.0], [1.0, 3.0, 2.5, 4.1]).objects()[0]; // { n: 4, missing: 0, r, r2, rho }
 */
export function evaluatePredictions(measured: ArrayLike<number>, predicted: ArrayLike<number>): ColumnTable {
  if (measured.length !== predicted.length) {
    throw new OptionError(`${measured.length} measured but ${predicted.length} predicted values`, { option: 'predicted' });
  }
  const keep: number[] = [];
  for (let i = 0; i < measured.length; i++) if (Number.isFinite(measured[i]!) && Number.isFinite(predicted[i]!)) keep.push(i);
  const x = Float64Array.from(keep, (i) => measured[i]!);
  const y = Float64Array.from(keep, (i) => predicted[i]!);
  const r = pearson(x, y);
  return aq.table({ n: [keep.length], missing: [measured.length - keep.length], r: [r], r2: [r * r], rho: [spearman(x, y)] });
}
