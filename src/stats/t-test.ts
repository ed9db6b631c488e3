/**
 * Student's t-tests with p-values and confidence intervals, following R's `t.test`: one-sample, paired
 * (one-sample on x − y), two-sample with pooled variance (Student) and with unequal variances (Welch, with
 * the Welch–Satterthwaite degrees of freedom).
 */
import * as ss from 'simple-statistics';
import { OptionError } from '../errors';
import { studentTQuantile } from './distributions';
import { checkAlternative, requireLength, requireLevel, requireNoNaN, requireSameLength, type Alternative, type Numbers } from './input';
import { studentTPValue, type TestResult } from './p-value';

export interface TTestOptions {
  alternative?: Alternative | 'two.sided';
  /** Hypothesised mean (one-sample, paired) or difference of means (two-sample); default 0. */
  mu?: number;
  /** Confidence level of the interval (default 0.95). */
  level?: number;
}

export interface TTestResult extends TestResult {
  df: number;
  /** Mean (one-sample), mean difference (paired) or difference of means x̄ − ȳ (two-sample). */
  estimate: number;
  /** Standard error of the estimate. */
  standardError: number;
  /** Confidence interval for the estimate; one-sided alternatives give a half-infinite interval. */
  confInt: [number, number];
  level: number;
}

/** Mean and sample variance (n − 1) from simple-statistics (compensated sums); NaN where undefined. */
function meanAndVariance(values: Numbers): { mean: number; variance: number; n: number } {
  const list = Array.from(values);
  const n = list.length;
  return { mean: n > 0 ? ss.mean(list) : NaN, variance: n > 1 ? ss.sampleVariance(list) : NaN, n };
}

function finish(
  method: string,
  estimate: number,
  standardError: number,
  df: number,
  options: TTestOptions,
  scale: number,
): TTestResult {
  const alternative = checkAlternative(options.alternative);
  const mu = options.mu ?? 0;
  const level = options.level ?? 0.95;
  requireLevel(level);
  // R refuses data whose spread is at rounding level: the t statistic would be noise divided by noise.
  if (!(standardError > 0) || standardError < 10 * Number.EPSILON * scale) {
    throw new OptionError('data are essentially constant; the t statistic is undefined', { option: 'x' });
  }
  const t = (estimate - mu) / standardError;
  let confInt: [number, number];
  if (alternative === 'less') confInt = [-Infinity, estimate + studentTQuantile(level, df) * standardError];
  else if (alternative === 'greater') confInt = [estimate - studentTQuantile(level, df) * standardError, Infinity];
  else {
    const q = studentTQuantile(1 - (1 - level) / 2, df);
    confInt = [estimate - q * standardError, estimate + q * standardError];
  }
  return { statistic: t, pValue: studentTPValue(t, df, alternative), alternative, method, df, estimate, standardError, confInt, level };
}

function checkMu(options: TTestOptions): void {
  if (options.mu !== undefined && !Number.isFinite(options.mu)) {
    throw new OptionError(`expected a finite mu, got ${options.mu}`, { option: 'mu' });
  }
}

function checkSample(values: Numbers, option: string): void {
  requireLength(values, 2, option);
  requireNoNaN(values, option);
}

/**
 * One-sample t-test of mean(x) = mu.
 * @param x - The sample.
 * @param options - `mu` (default 0), `level` of the confidence interval (default 0.95), `alternative`
 *   ('two-sided' (default), 'less', 'greater').
 * @returns t, df, the p-value, the estimate (mean), its standard error and confidence interval.
 * @example
 * oneSampleTTest([5.1, 4.9, 5.6, 5.8, 6.0], { mu: 5 }).pValue;
 */
export function oneSampleTTest(x: Numbers, options: TTestOptions = {}): TTestResult {
  checkMu(options);
  checkSample(x, 'x');
  const { mean, variance, n } = meanAndVariance(x);
  return finish('One-sample t-test', mean, Math.sqrt(variance / n), n - 1, options, Math.abs(mean));
}

/**
 * Paired t-test: one-sample t-test on the differences x − y.
 * @param x - First sample.
 * @param y - Second sample, paired with `x`.
 * @param options - `mu` (default 0), `level` (default 0.95), `alternative` (default 'two-sided').
 * @returns t, df, the p-value, the mean difference, its standard error and confidence interval.
 * @example
 * pairedTTest(after, before, { alternative: 'greater' });
 */
export function pairedTTest(x: Numbers, y: Numbers, options: TTestOptions = {}): TTestResult {
  checkMu(options);
  requireSameLength(x, y);
  checkSample(x, 'x');
  checkSample(y, 'y');
  const d = new Float64Array(x.length);
  for (let i = 0; i < d.length; i++) d[i] = x[i]! - y[i]!;
  const { mean, variance, n } = meanAndVariance(d);
  return finish('Paired t-test', mean, Math.sqrt(variance / n), n - 1, options, Math.abs(mean));
}

/**
 * Two-sample t-test assuming equal variances (pooled variance, df = n_x + n_y − 2).
 * @param x - First sample.
 * @param y - Second sample.
 * @param options - `mu` (default 0), `level` (default 0.95), `alternative` (default 'two-sided').
 * @returns t, df, the p-value, x̄ − ȳ, its standard error and confidence interval.
 * @example
 * studentTTest([1, 2, 3, 4], [3, 4, 5, 6]).confInt;
 */
export function studentTTest(x: Numbers, y: Numbers, options: TTestOptions = {}): TTestResult {
  checkMu(options);
  checkSample(x, 'x');
  checkSample(y, 'y');
  const a = meanAndVariance(x);
  const b = meanAndVariance(y);
  const df = a.n + b.n - 2;
  const pooled = ((a.n - 1) * a.variance + (b.n - 1) * b.variance) / df;
  const se = Math.sqrt(pooled * (1 / a.n + 1 / b.n));
  return finish("Two-sample Student's t-test", a.mean - b.mean, se, df, options, Math.max(Math.abs(a.mean), Math.abs(b.mean)));
}

/**
 * Welch's two-sample t-test (unequal variances, Welch–Satterthwaite df).
 * @param x - First sample.
 * @param y - Second sample.
 * @param options - `mu` (default 0), `level` (default 0.95), `alternative` (default 'two-sided').
 * @returns t, the Welch–Satterthwaite df, the p-value, x̄ − ȳ, its standard error and confidence interval.
 * @example
 * welchTTest([1, 2, 3, 4], [3, 5, 8, 13]).pValue;
 */
export function welchTTest(x: Numbers, y: Numbers, options: TTestOptions = {}): TTestResult {
  checkMu(options);
  checkSample(x, 'x');
  checkSample(y, 'y');
  const a = meanAndVariance(x);
  const b = meanAndVariance(y);
  const vx = a.variance / a.n;
  const vy = b.variance / b.n;
  const se = Math.sqrt(vx + vy);
  const df = (vx + vy) ** 2 / ((vx * vx) / (a.n - 1) + (vy * vy) / (b.n - 1));
  return finish("Welch's two-sample t-test", a.mean - b.mean, se, df, options, Math.max(Math.abs(a.mean), Math.abs(b.mean)));
}
