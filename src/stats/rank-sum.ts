/**
 * Wilcoxon rank-sum test (Mann–Whitney U), following R's `wilcox.test(x, y)`:
 * W = Σ ranks of x in the pooled sample − n_x(n_x + 1)/2 (= U of x).
 * Exact p-value from the null distribution of W when both samples have fewer than 50 values and there are
 * no ties; otherwise the normal approximation with the tie-corrected variance and (by default) a continuity
 * correction.
 */
import { OptionError } from '../errors';
import { rankWithTies } from './correlation';
import { checkAlternative, requireLength, requireNoNaN, type Alternative, type Numbers } from './input';
import { continuityCorrection, normalPValue, type TestResult } from './p-value';

export interface RankTestOptions {
  alternative?: Alternative | 'two.sided';
  /** Location shift under the null: tests x − mu against y (default 0). */
  mu?: number;
  /** Force (true) or forbid (false) the exact p-value; default: exact when n < 50 and no ties. */
  exact?: boolean;
  /** Continuity correction of the normal approximation (default true, as R). */
  correct?: boolean;
}

export interface RankSumResult extends TestResult {
  /** True when the p-value comes from the exact null distribution. */
  exact: boolean;
  /** Standardised statistic of the normal approximation (NaN when exact). */
  z: number;
  nx: number;
  ny: number;
}

/**
 * Null distribution of W for sample sizes m and n: probabilities P(W = k), k = 0..m·n. Built with the
 * recursion P_{m,n}(k) = m/(m+n)·P_{m−1,n}(k − n) + n/(m+n)·P_{m,n−1}(k) (the last pooled value belongs to x
 * or to y), which adds only positive terms, so tail probabilities keep full relative precision.
 */
export function rankSumDistribution(m: number, n: number): Float64Array {
  // prev[j] = P_{i−1, j}, cur[j] = P_{i, j} for j = 0..n.
  let prev: Float64Array[] = [];
  for (let j = 0; j <= n; j++) prev.push(Float64Array.of(1)); // P_{0,j}: W = 0 surely.
  for (let i = 1; i <= m; i++) {
    const cur: Float64Array[] = [Float64Array.of(1)]; // P_{i,0}: W = 0 surely.
    for (let j = 1; j <= n; j++) {
      const out = new Float64Array(i * j + 1);
      const fromX = prev[j]!; // P_{i−1,j}, shifted by j
      const fromY = cur[j - 1]!; // P_{i,j−1}
      const wx = i / (i + j);
      const wy = j / (i + j);
      for (let k = 0; k < fromX.length; k++) out[k + j]! += wx * fromX[k]!;
      for (let k = 0; k < fromY.length; k++) out[k]! += wy * fromY[k]!;
      cur.push(out);
    }
    prev = cur;
  }
  return prev[n]!;
}

/** P(W ≤ q) from a distribution table. */
export function lowerTail(dist: Float64Array, q: number): number {
  let s = 0;
  const top = Math.min(Math.floor(q), dist.length - 1);
  for (let k = 0; k <= top; k++) s += dist[k]!;
  return Math.min(1, s);
}

/** P(W > q) from a distribution table, summed from the top so small tails stay exact. */
export function upperTail(dist: Float64Array, q: number): number {
  let s = 0;
  for (let k = dist.length - 1; k > q; k--) s += dist[k]!;
  return Math.min(1, s);
}

/**
 * Wilcoxon rank-sum / Mann–Whitney U test of x against y.
 * @param x - First sample (no NaN).
 * @param y - Second sample (no NaN).
 * @param options - `alternative` ('two-sided' (default), 'less', 'greater'), `mu` (default 0), `exact` (default:
 *   exact when n < 50 and no ties), `correct` (continuity correction, default true, as R's `wilcox.test`).
 * @returns W (R's statistic), the p-value, whether it is exact, z, the sample sizes and the method name.
 * @example
 * wilcoxonRankSum([1.1, 2.3, 3.0, 4.8], [5.2, 6.1, 7.7]).pValue; // exact two-sided p
 */
export function wilcoxonRankSum(x: Numbers, y: Numbers, options: RankTestOptions = {}): RankSumResult {
  const alternative = checkAlternative(options.alternative);
  const mu = options.mu ?? 0;
  if (!Number.isFinite(mu)) throw new OptionError(`expected a finite location shift, got ${mu}`, { option: 'mu' });
  requireLength(x, 1, 'x');
  requireLength(y, 1, 'y');
  requireNoNaN(x, 'x');
  requireNoNaN(y, 'y');
  const nx = x.length;
  const ny = y.length;
  const pooled = new Float64Array(nx + ny);
  for (let i = 0; i < nx; i++) pooled[i] = x[i]! - mu;
  for (let i = 0; i < ny; i++) pooled[nx + i] = y[i]!;
  const { ranks, tieSum, hasTies } = rankWithTies(pooled);
  let rankSumX = 0;
  for (let i = 0; i < nx; i++) rankSumX += ranks[i]!;
  const w = rankSumX - (nx * (nx + 1)) / 2;

  const exact = (options.exact ?? (nx < 50 && ny < 50)) && !hasTies;
  if (exact) {
    const dist = rankSumDistribution(nx, ny);
    let p: number;
    if (alternative === 'less') p = lowerTail(dist, w);
    else if (alternative === 'greater') p = upperTail(dist, w - 1);
    else {
      p = w > (nx * ny) / 2 ? upperTail(dist, w - 1) : lowerTail(dist, w);
      p = Math.min(1, 2 * p);
    }
    return { statistic: w, pValue: p, alternative, method: 'Wilcoxon rank-sum test (exact)', exact: true, z: NaN, nx, ny };
  }

  const n = nx + ny;
  const centred = w - (nx * ny) / 2;
  const sigma = Math.sqrt((nx * ny) / 12 * (n + 1 - tieSum / (n * (n - 1))));
  const correct = options.correct ?? true;
  const z = (centred - (correct ? continuityCorrection(centred, alternative) : 0)) / sigma;
  return {
    statistic: w,
    pValue: normalPValue(z, alternative),
    alternative,
    method: `Wilcoxon rank-sum test (normal approximation${correct ? ', continuity correction' : ''}${hasTies ? ', ties' : ''})`,
    exact: false,
    z,
    nx,
    ny,
  };
}
