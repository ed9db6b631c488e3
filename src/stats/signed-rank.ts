/**
 * Wilcoxon signed-rank test, following R's `wilcox.test(x, mu = …)` and `wilcox.test(x, y, paired = TRUE)`:
 * V = Σ ranks of |d| over the positive differences d = x − y − mu. Zero differences are dropped (R's
 * default), and n counts the remaining ones. Exact p-value when n < 50 and there are neither ties nor
 * zeros; otherwise the normal approximation with tie-corrected variance and (by default) a continuity
 * correction.
 */
import { OptionError } from '../errors';
import { rankWithTies } from './correlation';
import { checkAlternative, requireLength, requireNoNaN, requireSameLength, type Numbers } from './input';
import { continuityCorrection, normalPValue, type TestResult } from './p-value';
import { lowerTail, upperTail, type RankTestOptions } from './rank-sum';

export interface SignedRankResult extends TestResult {
  exact: boolean;
  /** Standardised statistic of the normal approximation (NaN when exact). */
  z: number;
  /** Non-zero differences used. */
  n: number;
  /** Zero differences dropped. */
  zeros: number;
}

/**
 * Null distribution of V for n non-zero untied differences: P(V = k), k = 0..n(n+1)/2. Each rank i enters
 * with probability 1/2, so adding rank i maps P to (P + P shifted by i)/2: only positive terms, no loss of
 * precision in the tails.
 */
export function signedRankDistribution(n: number): Float64Array {
  const max = (n * (n + 1)) / 2;
  const dist = new Float64Array(max + 1);
  dist[0] = 1;
  let top = 0;
  for (let i = 1; i <= n; i++) {
    top += i;
    for (let k = top; k >= 0; k--) dist[k] = 0.5 * (dist[k]! + (k >= i ? dist[k - i]! : 0));
  }
  return dist;
}

/**
 * Wilcoxon signed-rank test of x (one sample, against `mu`) or of the paired differences x − y.
 * @param x - The sample (or the first of a pair of samples).
 * @param y - Optional paired sample: the test is then on x − y.
 * @param options - `alternative` ('two-sided' (default), 'less', 'greater'), `mu` (default 0), `exact` (default:
 *   exact when n < 50 and no ties), `correct` (continuity correction, default true).
 * @returns V (R's statistic), the p-value, whether it is exact, z, the non-zero differences used and the zeros dropped.
 * @example
 * wilcoxonSignedRank([0.9, 1.4, 2.1, 0.3, 1.7], undefined, { alternative: 'greater' }).pValue;
 */
export function wilcoxonSignedRank(x: Numbers, y?: Numbers, options: RankTestOptions = {}): SignedRankResult {
  const alternative = checkAlternative(options.alternative);
  const mu = options.mu ?? 0;
  if (!Number.isFinite(mu)) throw new OptionError(`expected a finite location, got ${mu}`, { option: 'mu' });
  requireLength(x, 1, 'x');
  requireNoNaN(x, 'x');
  if (y !== undefined) {
    requireSameLength(x, y);
    requireNoNaN(y, 'y');
  }
  const diffs: number[] = [];
  let zeros = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - (y ? y[i]! : 0) - mu;
    if (d === 0) zeros++;
    else diffs.push(d);
  }
  const n = diffs.length;
  if (n === 0) {
    throw new OptionError(`all ${zeros} differences are zero; the signed-rank test needs at least one non-zero difference`, {
      option: y ? 'y' : 'x',
    });
  }
  const abs = Float64Array.from(diffs, Math.abs);
  const { ranks, tieSum, hasTies } = rankWithTies(abs);
  let v = 0;
  for (let i = 0; i < n; i++) if (diffs[i]! > 0) v += ranks[i]!;

  const exact = (options.exact ?? n < 50) && !hasTies && zeros === 0;
  if (exact) {
    const dist = signedRankDistribution(n);
    let p: number;
    if (alternative === 'less') p = lowerTail(dist, v);
    else if (alternative === 'greater') p = upperTail(dist, v - 1);
    else {
      p = v > (n * (n + 1)) / 4 ? upperTail(dist, v - 1) : lowerTail(dist, v);
      p = Math.min(1, 2 * p);
    }
    return { statistic: v, pValue: p, alternative, method: 'Wilcoxon signed-rank test (exact)', exact: true, z: NaN, n, zeros };
  }
  const centred = v - (n * (n + 1)) / 4;
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieSum / 48);
  const correct = options.correct ?? true;
  const z = (centred - (correct ? continuityCorrection(centred, alternative) : 0)) / sigma;
  return {
    statistic: v,
    pValue: normalPValue(z, alternative),
    alternative,
    method: `Wilcoxon signed-rank test (normal approximation${correct ? ', continuity correction' : ''}${
      hasTies || zeros ? ', ties/zeros' : ''
    })`,
    exact: false,
    z,
    n,
    zeros,
  };
}
