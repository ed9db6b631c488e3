/**
 * Camformer's preprocessing: keep sequences whose length is within `margin` of `length` (110 ± 3) and with
 * at most `maxN` N letters; pad shorter ones with N at the 3′ end and truncate longer ones to `length`.
 * What was removed, and why, is returned as a table so nothing disappears silently.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { countN } from './alphabet';

export interface PreprocessOptions {
  /** Target length (default 110, the DREAM promoter). */
  length?: number;
  /** Sequences with |length − target| > margin are dropped (default 3). */
  margin?: number;
  /** Sequences with more N letters than this are dropped (default 3); counted before padding. */
  maxN?: number;
}

export interface Preprocessed {
  table: ColumnTable;
  /** One row per reason: `reason` (kept, length, N), `count`, `detail`. */
  report: ColumnTable;
}

export const CAMFORMER_PREPROCESSING: Required<PreprocessOptions> = { length: 110, margin: 3, maxN: 3 };

/** Filters, pads and truncates the `sequence` column; a row failing both tests is counted under `length`. */
export function preprocess(table: ColumnTable, options: PreprocessOptions = {}): Preprocessed {
  const { length, margin, maxN } = { ...CAMFORMER_PREPROCESSING, ...options };
  checkCount(length, 'length', 1);
  checkCount(margin, 'margin', 0);
  checkCount(maxN, 'maxN', 0);

  const sequences = table.array('sequence') as string[];
  const keep: number[] = [];
  const out: string[] = [];
  let badLength = 0;
  let tooManyN = 0;
  let padded = 0;
  let truncated = 0;
  sequences.forEach((sequence, row) => {
    if (Math.abs(sequence.length - length) > margin) return void badLength++;
    if (countN(sequence) > maxN) return void tooManyN++;
    keep.push(row);
    if (sequence.length < length) padded++;
    if (sequence.length > length) truncated++;
    out.push(sequence.length < length ? sequence.padEnd(length, 'N') : sequence.slice(0, length));
  });

  const kept = keep.length === sequences.length ? table : reindex(table, keep);
  const report = aq.table({
    reason: ['kept', 'length', 'N'],
    count: [keep.length, badLength, tooManyN],
    detail: [
      `${padded} padded with N at the 3′ end, ${truncated} truncated to ${length}`,
      `length outside ${length - margin}–${length + margin}`,
      `more than ${maxN} N`,
    ],
  });
  return { table: kept.assign({ sequence: out }), report };
}

/** The report in one line: what was dropped and why, and what was padded or truncated. */
export function preprocessSummary(report: ColumnTable): string {
  const counts = Object.fromEntries((report.objects() as { reason: string; count: number; detail: string }[]).map((r) => [r.reason, r]));
  return `dropped ${counts['length']!.count} by length (${counts['length']!.detail}), ` +
    `${counts['N']!.count} by N (${counts['N']!.detail}); ${counts['kept']!.detail}`;
}

/** The rows of `table` at the given indices, in that order. */
export function reindex(table: ColumnTable, rows: readonly number[]): ColumnTable {
  const columns: Record<string, unknown[]> = {};
  for (const name of table.columnNames()) {
    const values = table.array(name) as ArrayLike<unknown>;
    columns[name] = rows.map((row) => values[row]);
  }
  return aq.table(columns);
}

function checkCount(value: number, option: string, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new OptionError(`expected an integer ≥ ${min}, got ${value}`, { option });
  }
}
