/**
 * Camformer's preprocessing: keep sequences whose length is within `margin` of `length` (110 ± 3) and with
 * at most `maxN` N letters; pad shorter ones with N at the 3′ end and truncate longer ones to `length`.
 * What was removed, and why, is returned as a table so nothing disappears silently.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { countN } from './alphabet';

/** Options of {@link preprocess}; {@link CAMFORMER_PREPROCESSING} holds the defaults. */
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

/** Camformer's preprocessing: 110-nt target, length margin 3, at most 3 N letters. */
export const CAMFORMER_PREPROCESSING: Required<PreprocessOptions> = { length: 110, margin: 3, maxN: 3 };

/**
 * Filters, pads and truncates the `sequence` column; a row failing both tests is counted under `length`.
 * @param table - A promoter table with a `sequence` column.
 * @param options - `length` (default 110), `margin` (default 3), `maxN` (default 3).
 * @returns `table`: the kept rows, padded with N at the 3′ end or truncated to `length`; `report`: one row per
 *   reason (kept, length, N) with `count` and `detail`.
 * @example
 * const { table, report } = preprocess(readPromoters('train.txt'));
 */
export function preprocess(table: ColumnTable, options: PreprocessOptions = {}): Preprocessed {
  const { length, margin, maxN } = preprocessOptions(options);

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
  const report = preprocessReport({ kept: keep.length, length: badLength, N: tooManyN, padded, truncated }, { length, margin, maxN });
  return { table: kept.assign({ sequence: out }), report };
}

/** What preprocessing did, by reason: the counts `preprocess` and `loadTrainingSet` report. */
export interface PreprocessCounts {
  kept: number;
  /** Dropped: length outside length ± margin. */
  length: number;
  /** Dropped: more than maxN N letters. */
  N: number;
  /** Kept rows padded with N at the 3′ end, and kept rows truncated. */
  padded: number;
  truncated: number;
}

/** The report table of `preprocess`: one row per reason (`kept`, `length`, `N`) with `count` and `detail`. */
export function preprocessReport(counts: PreprocessCounts, options: Required<PreprocessOptions>): ColumnTable {
  const { length, margin, maxN } = options;
  return aq.table({
    reason: ['kept', 'length', 'N'],
    count: [counts.kept, counts.length, counts.N],
    detail: [
      `${counts.padded} padded with N at the 3′ end, ${counts.truncated} truncated to ${length}`,
      `length outside ${length - margin}–${length + margin}`,
      `more than ${maxN} N`,
    ],
  });
}

/** Checks the options and fills in Camformer's defaults. */
export function preprocessOptions(options: PreprocessOptions = {}): Required<PreprocessOptions> {
  const resolved = { ...CAMFORMER_PREPROCESSING, ...options };
  checkCount(resolved.length, 'length', 1);
  checkCount(resolved.margin, 'margin', 0);
  checkCount(resolved.maxN, 'maxN', 0);
  return resolved;
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
