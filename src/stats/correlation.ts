/**
 * Pearson and Spearman correlation, and ranks with ties averaged (the convention of R's `rank`, scipy's
 * `rankdata` and the DREAM2022 evaluation code).
 *
 * Missing values are an error by default, because a silently shorter correlation is a wrong result that
 * looks right; `{ omitNaN: true }` drops incomplete pairs explicitly. A constant input has no defined
 * correlation and gives NaN (as numpy and R do), not an error: a model that predicts a constant is a valid,
 * if useless, model.
 */
import { dropNaNPairs, requireLength, requireNoNaN, requireSameLength, type Numbers } from './input';

export interface CorrelationOptions {
  /** Drop pairs where x or y is NaN instead of throwing. */
  omitNaN?: boolean;
}

function prepare(x: Numbers, y: Numbers, options: CorrelationOptions): { x: Numbers; y: Numbers } {
  requireLength(x, 0, 'x');
  requireLength(y, 0, 'y');
  requireSameLength(x, y);
  let px = x;
  let py = y;
  if (options.omitNaN) ({ x: px, y: py } = dropNaNPairs(x, y));
  else {
    requireNoNaN(x, 'x');
    requireNoNaN(y, 'y');
  }
  requireLength(px, 2, 'x');
  return { x: px, y: py };
}

/**
 * Pearson r of two already-checked arrays. Two passes (means, then centred sums) rather than the one-pass
 * Σxy − n·x̄ȳ formula, which cancels catastrophically when the means are large relative to the spread.
 */
export function pearsonUnchecked(x: Numbers, y: Numbers): number {
  const n = x.length;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += x[i]!;
    sy += y[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  if (sxx === 0 || syy === 0) return NaN;
  const r = sxy / Math.sqrt(sxx * syy);
  // Rounding can push |r| a hair above 1 for perfectly correlated data.
  return r > 1 ? 1 : r < -1 ? -1 : r;
}

/**
 * Pearson correlation coefficient r of paired samples.
 * @param x - First sample (any array of numbers).
 * @param y - Second sample, paired with `x` (same length).
 * @param options - `omitNaN` (default false): drop pairs with a NaN instead of throwing an OptionError.
 * @returns r in [−1, 1]; NaN when either sample is constant.
 * @example
 * pearson([1, 2, 3, 4], [2, 4, 5, 9]); // ≈ 0.96
 */
export function pearson(x: Numbers, y: Numbers, options: CorrelationOptions = {}): number {
  const p = prepare(x, y, options);
  return pearsonUnchecked(p.x, p.y);
}

/**
 * Squared Pearson correlation r², the "Pearson" metric of the DREAM2022 challenge and Camformer.
 * @param x - First sample.
 * @param y - Second sample, paired with `x` (same length).
 * @param options - `omitNaN` (default false): drop pairs with a NaN instead of throwing.
 * @returns r², in [0, 1]; NaN when either sample is constant.
 * @example
 * rSquared(measured, predicted); // the DREAM "Pearson" subset metric
 */
export function rSquared(x: Numbers, y: Numbers, options: CorrelationOptions = {}): number {
  const r = pearson(x, y, options);
  return r * r;
}

/** Ranks together with Σ(t³ − t) over tie groups of size t, which the rank tests' variances need. */
export interface RankResult {
  ranks: Float64Array;
  /** Σ (t³ − t) over groups of tied values; 0 when there are no ties. */
  tieSum: number;
  /** True when at least two values are equal. */
  hasTies: boolean;
}

/** 1-based ranks with ties averaged, plus tie statistics. Values must not be NaN (checked by callers). */
export function rankWithTies(values: Numbers): RankResult {
  const n = values.length;
  const v = Float64Array.from(values as ArrayLike<number>);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => v[a]! - v[b]!);
  const ranks = new Float64Array(n);
  let tieSum = 0;
  let i = 0;
  while (i < n) {
    let j = i + 1;
    const value = v[order[i]!]!;
    while (j < n && v[order[j]!] === value) j++;
    // Positions i..j-1 (0-based) hold equal values: each gets the mean of ranks i+1..j.
    const average = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) ranks[order[k]!] = average;
    const t = j - i;
    if (t > 1) tieSum += t * t * t - t;
    i = j;
  }
  return { ranks, tieSum, hasTies: tieSum > 0 };
}

/**
 * 1-based ranks with ties given their average rank (R's `rank(x)`, scipy's `rankdata(x)`).
 * @param values - Values to rank (no NaN).
 * @returns 1-based ranks, ties averaged, in input order.
 * @example
 * rank([10, 30, 20, 20]); // Float64Array [1, 4, 2.5, 2.5]
 */
export function rank(values: Numbers): Float64Array {
  requireLength(values, 0, 'values');
  requireNoNaN(values, 'values');
  return rankWithTies(values).ranks;
}

/**
 * Spearman rank correlation ρ: Pearson r of the average ranks, so ties are handled exactly.
 * @param x - First sample.
 * @param y - Second sample, paired with `x` (same length).
 * @param options - `omitNaN` (default false): drop pairs with a NaN instead of throwing.
 * @returns ρ in [−1, 1]; NaN when either sample is constant.
 * @example
 * spearman([1, 2, 3, 4], [1, 8, 27, 64]); // 1
 */
export function spearman(x: Numbers, y: Numbers, options: CorrelationOptions = {}): number {
  const p = prepare(x, y, options);
  return pearsonUnchecked(rankWithTies(p.x).ranks, rankWithTies(p.y).ranks);
}
