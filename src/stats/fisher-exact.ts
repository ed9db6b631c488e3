/**
 * Fisher's exact test of a 2×2 table, following R's `fisher.test`:
 *
 *              | in column 1 | in column 2
 *   row 1      |      a      |      b
 *   row 2      |      c      |      d
 *
 * Conditional on the margins, a is hypergeometric. The two-sided p-value sums the probabilities of all
 * tables no more likely than the observed one, with R's relative tolerance 1e-7 so that tables equally
 * likely up to rounding count too. Probabilities are computed in log space (no factorial overflow), then
 * scaled by the most likely table. The odds ratio is R's conditional maximum-likelihood estimate (the
 * ψ whose noncentral hypergeometric mean equals a), not the sample ratio ad/bc, which is also returned.
 */
import { OptionError } from '../errors';
import { checkAlternative, type Alternative } from './input';
import type { TestResult } from './p-value';
import { logChoose } from './special';

export interface FisherExactResult extends TestResult {
  /** Conditional maximum-likelihood odds ratio (R's `estimate`); 0 or Infinity at the support's ends. */
  oddsRatio: number;
  /** Sample odds ratio ad / (bc) (Infinity or NaN when a zero cell makes it undefined). */
  sampleOddsRatio: number;
  table: [number, number, number, number];
}

const RELATIVE_TOLERANCE = 1 + 1e-7;

/** Hypergeometric support of a and its probabilities under odds ratio 1. */
function nullDistribution(a: number, b: number, c: number, d: number): { lo: number; probs: Float64Array; logs: Float64Array } {
  const m = a + c; // column 1 total
  const n = b + d; // column 2 total
  const k = a + b; // row 1 total
  const lo = Math.max(0, k - n);
  const hi = Math.min(k, m);
  const logs = new Float64Array(hi - lo + 1);
  let max = -Infinity;
  for (let x = lo; x <= hi; x++) {
    const v = logChoose(m, x) + logChoose(n, k - x);
    logs[x - lo] = v;
    if (v > max) max = v;
  }
  const probs = new Float64Array(logs.length);
  let total = 0;
  for (let i = 0; i < logs.length; i++) {
    probs[i] = Math.exp(logs[i]! - max);
    total += probs[i]!;
  }
  for (let i = 0; i < logs.length; i++) probs[i] = probs[i]! / total;
  // Log probabilities stay unnormalised: the odds-ratio estimate needs only their differences, and they
  // keep tables whose probability underflows in linear space.
  return { lo, probs, logs };
}

/** Mean of a under the noncentral hypergeometric distribution with log odds ratio `logPsi`. */
function noncentralMean(lo: number, logProbs: Float64Array, logPsi: number): number {
  let max = -Infinity;
  for (let i = 0; i < logProbs.length; i++) max = Math.max(max, logProbs[i]! + logPsi * (lo + i));
  let s = 0;
  let sx = 0;
  for (let i = 0; i < logProbs.length; i++) {
    const w = Math.exp(logProbs[i]! + logPsi * (lo + i) - max);
    s += w;
    sx += w * (lo + i);
  }
  return sx / s;
}

function conditionalMle(a: number, lo: number, logProbs: Float64Array): number {
  const hi = lo + logProbs.length - 1;
  if (a === lo) return 0;
  if (a === hi) return Infinity;
  // The mean increases monotonically in log ψ: bisect, widening the bracket until it contains a.
  let left = -1;
  let right = 1;
  while (noncentralMean(lo, logProbs, left) > a) left *= 2;
  while (noncentralMean(lo, logProbs, right) < a) right *= 2;
  for (let i = 0; i < 200 && right - left > 1e-13 * Math.max(1, Math.abs(left)); i++) {
    const mid = 0.5 * (left + right);
    if (noncentralMean(lo, logProbs, mid) < a) left = mid;
    else right = mid;
  }
  return Math.exp(0.5 * (left + right));
}

function checkCount(value: number, option: string): void {
  if (!(Number.isInteger(value) && value >= 0)) {
    throw new OptionError(`expected a non-negative integer count, got ${value}`, { option });
  }
}

/**
 * Fisher's exact test of the 2×2 table [[a, b], [c, d]].
 * @param a - Count in row 1, column 1.
 * @param b - Count in row 1, column 2.
 * @param c - Count in row 2, column 1.
 * @param d - Count in row 2, column 2.
 * @param alternative - 'two-sided' (default; 'two.sided' also accepted), 'less' or 'greater'.
 * @returns The p-value, the conditional maximum-likelihood odds ratio (R's estimate), the sample odds ratio and the table.
 * @example
 * fisherExact(8, 2, 1, 5).pValue; // R: fisher.test(matrix(c(8, 1, 2, 5), 2))
 */
export function fisherExact(
  a: number,
  b: number,
  c: number,
  d: number,
  alternative: Alternative | 'two.sided' = 'two-sided',
): FisherExactResult {
  checkCount(a, 'a');
  checkCount(b, 'b');
  checkCount(c, 'c');
  checkCount(d, 'd');
  const alt = checkAlternative(alternative);
  const { lo, probs, logs } = nullDistribution(a, b, c, d);
  const observed = probs[a - lo]!;
  let p = 0;
  if (alt === 'less') for (let i = 0; i <= a - lo; i++) p += probs[i]!;
  else if (alt === 'greater') for (let i = probs.length - 1; i >= a - lo; i--) p += probs[i]!;
  else for (let i = 0; i < probs.length; i++) if (probs[i]! <= observed * RELATIVE_TOLERANCE) p += probs[i]!;
  return {
    statistic: a,
    pValue: Math.min(1, p),
    alternative: alt,
    method: "Fisher's exact test",
    oddsRatio: conditionalMle(a, lo, logs),
    sampleOddsRatio: (a * d) / (b * c),
    table: [a, b, c, d],
  };
}
