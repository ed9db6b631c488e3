/**
 * DREAM2022 evaluation: `evaluateDream` joins predictions on the test set by test index and scores the nine
 * subsets and the two weighted scores (score.ts). Missing predictions are an error, never silently skipped.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { InputError, OptionError } from '../../errors';
import { readDream2022, readDream2022Pairs } from './read';
import { dreamScore, type DreamScore } from './score';

/** What {@link evaluateDream} returns: the scores of {@link dreamScore} plus a per-subset table. */
export interface DreamEvaluation extends DreamScore {
  /** One row per subset: `subset`, `kind`, `weight`, `n`, `r`, `r2`, `rho`. */
  table: ColumnTable;
}

/** Options of {@link evaluateDream}. */
export interface EvaluateDreamOptions {
  /** Which leaderboard split to score (default `private`, the official final leaderboard). */
  split?: 'private' | 'public' | 'all';
  /** Data folder (default: see {@link resolveDataDir}). */
  dataDir?: string;
  /** Already-loaded test set and pairs (from `readDream2022('test')`, `readDream2022Pairs()`), to avoid re-reading. */
  test?: ColumnTable;
  /** The pairs table from `readDream2022Pairs()` (default: read). */
  pairs?: ColumnTable;
  /** Names the predictions' source in errors (a file path, say). */
  source?: string;
}

/**
 * Scores predictions of the DREAM2022 test set. `idx` are 0-based test indices, `predicted` the values in
 * the same order. Every sequence of the scored split must have a prediction.
 * @param idx - 0-based DREAM2022 test indices.
 * @param predicted - Predictions in the order of `idx`.
 * @param options - `split` ('private' (default), 'public', 'all'), `dataDir`, `test`/`pairs` (already-read tables;
 *   default read), `source` (names the predictions in errors; default 'predictions').
 * @returns Per-subset n, r, r², ρ in `table` and `subsets`, and the weighted `pearsonScore` and `spearmanScore`.
 * @example
 * const test = readDream2022('test');
 * const scores = evaluateDream(test.array('idx') as Int32Array, predictions, { test });
 */
export function evaluateDream(
  idx: ArrayLike<number>,
  predicted: ArrayLike<number>,
  options: EvaluateDreamOptions = {},
): DreamEvaluation {
  const { split = 'private', dataDir, source = 'predictions' } = options;
  if (!['private', 'public', 'all'].includes(split)) {
    throw new OptionError(`expected private, public or all, got '${split}'`, { option: 'split' });
  }
  if (idx.length !== predicted.length) {
    throw new OptionError(`${idx.length} indices but ${predicted.length} predictions`, { option: 'predictions' });
  }
  const test = options.test ?? readDream2022('test', { dataDir });
  const pairs = options.pairs ?? readDream2022Pairs({ dataDir });

  const testIdx = test.array('idx') as ArrayLike<number>;
  const size = Math.max(...Array.from(testIdx)) + 1;
  const measured = new Float64Array(size).fill(NaN);
  const categories: string[] = new Array(size).fill('');
  const splits: string[] = new Array(size).fill('none');
  const measuredColumn = test.array('expression') as ArrayLike<number>;
  const categoryColumn = test.array('categories') as string[];
  const splitColumn = test.array('split') as string[];
  for (let row = 0; row < testIdx.length; row++) {
    const i = testIdx[row]!;
    measured[i] = measuredColumn[row]!;
    categories[i] = categoryColumn[row]!;
    splits[i] = splitColumn[row]!;
  }

  const byIdx = new Float64Array(size).fill(NaN);
  for (let row = 0; row < idx.length; row++) {
    const i = idx[row]!;
    if (!Number.isInteger(i) || i < 0 || i >= size) {
      throw new InputError(`idx ${i} is not a DREAM2022 test index (0–${size - 1})`, { file: source, line: row + 2, field: 'idx' });
    }
    if (!Number.isFinite(predicted[row]!)) {
      throw new InputError(`prediction for idx ${i} is not a finite number`, { file: source, line: row + 2 });
    }
    byIdx[i] = predicted[row]!;
  }
  const missing: number[] = [];
  for (let i = 0; i < size; i++) {
    if (categories[i] && (split === 'all' || splits[i] === split) && Number.isNaN(byIdx[i]!)) missing.push(i);
  }
  if (missing.length) {
    throw new InputError(
      `${missing.length} sequences of the ${split} split have no prediction (first: idx ${missing.slice(0, 5).join(', ')})`,
      { file: source, field: 'idx' },
    );
  }

  // A partial test table (a filtered or head() pipeline) scores the pairs whose two members it holds.
  const present = (i: number) => i < size && categories[i] !== '';
  const pairRows = (pairs.objects() as { pair_type: string; alt_idx: number; ref_idx: number; split: string }[])
    .filter((p) => present(p.alt_idx) && present(p.ref_idx));
  const score = dreamScore(
    {
      measured,
      predicted: byIdx,
      categories,
      split: splits,
      pairs: pairRows.map((p) => ({ pairType: p.pair_type, altIdx: p.alt_idx, refIdx: p.ref_idx, split: p.split })),
    },
    { split },
  );
  return { ...score, table: aq.from(score.subsets) };
}
