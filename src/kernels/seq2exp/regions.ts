/**
 * Region selection compared at an equal mask ratio (the paper's "learned mask vs MACS3 peaks"): each
 * selector gives a per-base score; in every region the top ratio × length bases are selected; coverage is the
 * fraction of causal bases selected, precision the fraction of selected bases that are causal. Selectors:
 * the Seq2Exp expected mask, the peak caller's per-base −log10 p on each signal track and on their sum, and
 * random selection (coverage = ratio in expectation). `retrainOnSelections` is the paper's other comparison:
 * a predictor retrained on only the top-ratio bases of each selector.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../../errors';
import { createRandom } from '../../stats/random';
import { peakScores, type PeakOptions } from '../../data/tracks/peaks';
import { evaluateSeq2Exp, SEQ2EXP_SUBSETS, trainSeq2Exp, type Seq2ExpData, type TrainSeq2ExpOptions } from './train';

/**
 * Coverage and precision of the top-`ratio` bases per region by `scores` [n × L] against `causal` [n × L].
 * @param scores - Per-base scores, row-major [regions, length] (higher: more likely kept).
 * @param causal - The ground truth, 1 for a causal base, same layout.
 * @param length - Bases per region.
 * @param ratio - Share of each region's bases selected, in (0, 1].
 * @param rows - Regions to score (default all).
 * @returns `coverage` (share of causal bases selected) and `precision` (share of selected bases causal).
 * @example
 * const { coverage, precision } = selectionCoverage(mask, sim.causal, sim.length, 0.05, testRows);
 */
export function selectionCoverage(scores: ArrayLike<number>, causal: ArrayLike<number>, length: number, ratio: number, rows?: readonly number[]): { coverage: number; precision: number } {
  if (!(ratio > 0 && ratio <= 1)) throw new OptionError(`expected a ratio in (0, 1], got ${ratio}`, { option: 'ratio' });
  if (scores.length !== causal.length || scores.length % length !== 0) throw new OptionError('scores and causal must both be [regions × length]', { option: 'scores' });
  const k = Math.max(1, Math.round(ratio * length));
  const regions = rows ?? Array.from({ length: scores.length / length }, (_, r) => r);
  let hit = 0;
  let causalTotal = 0;
  let selectedTotal = 0;
  const order = new Int32Array(length);
  for (const r of regions) {
    for (let i = 0; i < length; i++) order[i] = i;
    const base = r * length;
    // Ties (e.g. runs of equal scores) broken by position, so the selection is deterministic.
    const top = Array.from(order).sort((a, b) => Number(scores[base + b]) - Number(scores[base + a]) || a - b).slice(0, k);
    for (const i of top) if (causal[base + i]) hit++;
    for (let i = 0; i < length; i++) if (causal[base + i]) causalTotal++;
    selectedTotal += k;
  }
  return { coverage: causalTotal ? hit / causalTotal : NaN, precision: hit / selectedTotal };
}

export interface CompareSelectorsOptions {
  /** Mask ratio at which all selectors are compared (default 0.05). */
  ratio?: number;
  /** Regions to score (default all), e.g. the test split. */
  rows?: readonly number[];
  peaks?: PeakOptions;
  seed?: number;
}

/**
 * Table `method, ratio, coverage, precision` for the learned mask and the peak baselines. `mask` is the
 * expected mask [n × L] from predictSeq2Exp; `causal` the simulator's ground truth.
 * @param mask - The learned expected mask, [regions, length].
 * @param data - The data (its tracks feed the peak baselines).
 * @param causal - The ground truth, 1 for a causal base, [regions, length].
 * @param options - `ratio` (default 0.05), `rows` (default all), `peaks` (peak-caller options), `seed` (1, of the
 *   random selector).
 * @returns Table `method, ratio, coverage, precision`, one row per selector.
 * @example
 * compareRegionSelectors(mask, data, sim.causal, { ratio: 0.05 }).objects();
 */
export function compareRegionSelectors(mask: ArrayLike<number>, data: Seq2ExpData, causal: ArrayLike<number>, options: CompareSelectorsOptions = {}): ColumnTable {
  const { ratio = 0.05, rows, seed = 1 } = options;
  const L = data.length;
  const T = data.trackNames.length;
  const n = data.sequences.length;
  const selectors: [string, ArrayLike<number>][] = [['seq2exp mask', mask]];
  const perTrack = data.trackNames.map((_, t) => {
    const counts = new Float32Array(n * L);
    for (let i = 0; i < n * L; i++) counts[i] = data.tracks[i * T + t]!;
    return peakScores(counts, L, options.peaks);
  });
  data.trackNames.forEach((name, t) => selectors.push([`peaks (${name})`, perTrack[t]!]));
  if (T > 1) selectors.push(['peaks (all tracks)', Float64Array.from({ length: n * L }, (_, i) => perTrack.reduce((a, s) => a + s[i]!, 0))]);
  const random = createRandom(seed).fork('random-selector');
  selectors.push(['random', Float64Array.from({ length: n * L }, () => random.float())]);
  return aq.from(selectors.map(([method, scores]) => ({ method, ratio, ...selectionCoverage(scores, causal, L, ratio, rows) })));
}

/**
 * Retrain-on-selection comparison: for each selector (name → per-base scores [n × L], or 'all' for the whole
 * input), a fresh predictor is trained on the top `ratio` bases of every region (fixed 0/1 mask) and scored on
 * the test split. Table `selection, ratio, mse, mae, pearson`. `onSelection` is told which selector (0-based, of
 * how many) trains next, so that `onProgress`'s events of each run can be placed in the whole.
 */
export async function retrainOnSelections(
  data: Seq2ExpData, selectors: Record<string, ArrayLike<number> | 'all'>,
  options: TrainSeq2ExpOptions & { ratio?: number; onSelection?: (selection: string, index: number, total: number) => void } = {},
): Promise<ColumnTable> {
  const { ratio = 0.1, onSelection, ...train } = options;
  const rows = [];
  const entries = Object.entries(selectors);
  for (const [index, [selection, scores]] of entries.entries()) {
    onSelection?.(selection, index, entries.length);
    const trained = await trainSeq2Exp(data, { ...train, selection: scores, selectionRatio: ratio });
    const test = evaluateSeq2Exp(trained, data).objects()[2] as { mse: number; mae: number; pearson: number };
    rows.push({ selection, ratio: scores === 'all' ? 1 : ratio, mse: test.mse, mae: test.mae, pearson: test.pearson });
    trained.model.dispose();
  }
  return aq.from(rows);
}

/**
 * The selectors the paper compares the learned mask with, for retraining: the full input, the peak caller on
 * all tracks (summed −log10 p per base) and, with a ground truth, the causal bases (an oracle).
 */
export function defaultSelectors(data: Seq2ExpData, causal?: ArrayLike<number>, peaks?: PeakOptions): Record<string, ArrayLike<number> | 'all'> {
  const n = data.sequences.length;
  const L = data.length;
  const T = data.trackNames.length;
  const summed = new Float64Array(n * L);
  for (let t = 0; t < T; t++) {
    const scores = peakScores(Float32Array.from({ length: n * L }, (_, i) => data.tracks[i * T + t]!), L, peaks);
    scores.forEach((s, i) => (summed[i]! += s));
  }
  const selectors: Record<string, ArrayLike<number> | 'all'> = { 'full input': 'all', 'peaks (all tracks)': summed };
  if (causal) selectors['causal (oracle)'] = causal;
  return selectors;
}

/** `compareRegionSelectors` at several ratios, on the regions of one split subset (or all), in one table. */
export function compareRegionsAt(
  mask: Float32Array, data: Seq2ExpData, causal: ArrayLike<number>, split: Uint8Array,
  options: { ratios: readonly number[]; subset?: 'train' | 'validation' | 'test' | 'all'; peaks?: PeakOptions; seed?: number },
): ColumnTable {
  const subset = options.subset ?? 'test';
  const code = SEQ2EXP_SUBSETS.indexOf(subset as (typeof SEQ2EXP_SUBSETS)[number]);
  if (subset !== 'all' && code < 0) throw new OptionError(`expected a subset of ${SEQ2EXP_SUBSETS.join(', ')} or all, got '${subset}'`, { option: 'subset' });
  const rows = subset === 'all' ? undefined : [...split.keys()].filter((i) => split[i] === code);
  const tables = options.ratios.map((ratio) => compareRegionSelectors(mask, data, causal, { ratio, rows, peaks: options.peaks, seed: options.seed }));
  return tables.slice(1).reduce((all, t) => all.concat(t), tables[0]!);
}
