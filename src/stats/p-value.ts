/**
 * Shared pieces of the hypothesis tests: the result shape and p-values from a normal or t statistic, with
 * R's conventions for one- and two-sided alternatives.
 */
import type { Alternative } from './input';
import { normalCdf, studentTCdf } from './distributions';

/** What every test returns; tests add their own fields (df, estimate, confidence interval, …). */
export interface TestResult {
  /** The test statistic as R reports it (W, V, t). */
  statistic: number;
  pValue: number;
  alternative: Alternative;
  /** Human-readable name of the test and variant, e.g. 'Wilcoxon rank-sum test (exact)'. */
  method: string;
}

/** p-value of a standard normal statistic `z`; two-sided is 2·min(lower, upper) as in R. */
export function normalPValue(z: number, alternative: Alternative): number {
  if (Number.isNaN(z)) return NaN;
  if (alternative === 'less') return normalCdf(z);
  if (alternative === 'greater') return normalCdf(z, false);
  return Math.min(1, 2 * Math.min(normalCdf(z), normalCdf(z, false)));
}

/** p-value of a t statistic with `df` degrees of freedom. */
export function studentTPValue(t: number, df: number, alternative: Alternative): number {
  if (Number.isNaN(t)) return NaN;
  if (alternative === 'less') return studentTCdf(t, df);
  if (alternative === 'greater') return studentTCdf(t, df, false);
  return Math.min(1, 2 * studentTCdf(-Math.abs(t), df));
}

/**
 * Continuity correction of the rank tests' normal approximation (R's `correct = TRUE`): half a unit
 * towards the null, in the direction the alternative looks.
 */
export function continuityCorrection(centred: number, alternative: Alternative): number {
  if (alternative === 'greater') return 0.5;
  if (alternative === 'less') return -0.5;
  return Math.sign(centred) * 0.5;
}
