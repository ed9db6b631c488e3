/**
 * Seeded nonparametric bootstrap with percentile confidence intervals (Efron & Tibshirani 1993, §13.3).
 *
 * Data are one array or several equally long arrays resampled together by row (paired data: measured and
 * predicted values of the same sequences), so `bootstrap(pearson, [measured, predicted])` gives the CI of r.
 * Each replicate draws row indices with a seeded xoshiro128** stream; the same seed always gives the same
 * replicates. Resampled rows are written into buffers reused across replicates (no allocation per
 * replicate), so the statistic must not keep references to its arguments.
 */
import { OptionError } from '../errors';
import { requireLength, requireLevel, requireSameLength, type Numbers } from './input';
import { createRandom, type Seed } from './random';

/** Options of {@link bootstrap}. */
export interface BootstrapOptions {
  /** Number of replicates (default 10,000). */
  n?: number;
  /** Seed of the resampling stream (default 0): results are reproducible with or without it. */
  seed?: Seed;
  /** Confidence level of the percentile interval (default 0.95). */
  level?: number;
}

/** What {@link bootstrap} returns: the estimate, its percentile interval, standard error, bias and the replicates. */
export interface BootstrapResult {
  /** The statistic on the original data. */
  estimate: number;
  /** Percentile interval [lower, upper] at `level`, from the replicates that are not NaN. */
  lower: number;
  /** Upper end of the percentile interval. */
  upper: number;
  /** Confidence level of the interval. */
  level: number;
  /** Standard deviation of the (non-NaN) replicates. */
  standardError: number;
  /** Mean of the replicates minus the estimate. */
  bias: number;
  /** Every replicate, in draw order (NaN where the statistic was undefined on a resample). */
  replicates: Float64Array;
  /** Replicates whose statistic was NaN (e.g. a resample with constant values); excluded from the CI. */
  nanReplicates: number;
  /** The seed used, as a 32-bit integer. */
  seed: number;
}

/** Sample quantile with linear interpolation between order statistics (R's default, type 7). */
export function sampleQuantile(sorted: Numbers, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

function isColumnList(data: Numbers | ReadonlyArray<Numbers>): data is ReadonlyArray<Numbers> {
  return Array.isArray(data) && data.length > 0 && typeof data[0] === 'object' && data[0] !== null;
}

/**
 * Bootstraps `stat` over `data`: one array (`stat(sample)`) or a list of equally long arrays resampled by
 * row (`stat(col0, col1, …)`), e.g. `bootstrap(pearson, [measured, predicted], { seed: 1 })`.
 * @param stat - The statistic, called with one resampled array (or one array per column of `data`).
 * @param data - One array, or a list of equally long arrays resampled together by row.
 * @param options - `n` replicates (default 10,000), `seed` (default 0), `level` (default 0.95).
 * @returns The estimate on the original data, the percentile interval, standard error, bias and every replicate.
 * @example
 * const ci = bootstrap(pearson, [measured, predicted], { n: 2000, seed: 1 });
 * console.log(ci.estimate, ci.lower, ci.upper);
 */
export function bootstrap(stat: (sample: Float64Array) => number, data: Numbers, options?: BootstrapOptions): BootstrapResult;
export function bootstrap(
  stat: (x: Float64Array, y: Float64Array) => number,
  data: readonly [Numbers, Numbers],
  options?: BootstrapOptions,
): BootstrapResult;
export function bootstrap(
  stat: (...samples: Float64Array[]) => number,
  data: ReadonlyArray<Numbers>,
  options?: BootstrapOptions,
): BootstrapResult;
export function bootstrap(
  stat: (...samples: Float64Array[]) => number,
  data: Numbers | ReadonlyArray<Numbers>,
  options: BootstrapOptions = {},
): BootstrapResult {
  const columns: ReadonlyArray<Numbers> = isColumnList(data) ? data : [data as Numbers];
  const replicateCount = options.n ?? 10000;
  const level = options.level ?? 0.95;
  if (!(Number.isInteger(replicateCount) && replicateCount >= 1)) {
    throw new OptionError(`expected a positive integer number of replicates, got ${replicateCount}`, { option: 'n' });
  }
  requireLevel(level);
  columns.forEach((c, k) => requireLength(c, 1, `data[${k}]`));
  for (let k = 1; k < columns.length; k++) requireSameLength(columns[0]!, columns[k]!, 'data[0]', `data[${k}]`);
  const rows = columns[0]!.length;
  const original = columns.map((c) => Float64Array.from(c as ArrayLike<number>));
  const estimate = stat(...original);

  const rng = createRandom(options.seed ?? 0);
  const buffers = original.map(() => new Float64Array(rows));
  const replicates = new Float64Array(replicateCount);
  const k = original.length;
  for (let b = 0; b < replicateCount; b++) {
    if (k === 1) {
      const src = original[0]!;
      const dst = buffers[0]!;
      for (let i = 0; i < rows; i++) dst[i] = src[rng.int(rows)]!;
    } else if (k === 2) {
      const s0 = original[0]!;
      const s1 = original[1]!;
      const d0 = buffers[0]!;
      const d1 = buffers[1]!;
      for (let i = 0; i < rows; i++) {
        const j = rng.int(rows);
        d0[i] = s0[j]!;
        d1[i] = s1[j]!;
      }
    } else {
      for (let i = 0; i < rows; i++) {
        const j = rng.int(rows);
        for (let c = 0; c < k; c++) buffers[c]![i] = original[c]![j]!;
      }
    }
    replicates[b] = stat(...buffers);
  }

  let valid = 0;
  for (let b = 0; b < replicateCount; b++) if (!Number.isNaN(replicates[b]!)) valid++;
  const sorted = new Float64Array(valid);
  let j = 0;
  let sum = 0;
  for (let b = 0; b < replicateCount; b++) {
    const v = replicates[b]!;
    if (!Number.isNaN(v)) {
      sorted[j++] = v;
      sum += v;
    }
  }
  sorted.sort();
  const mean = sum / valid;
  let ss = 0;
  for (let i = 0; i < valid; i++) ss += (sorted[i]! - mean) * (sorted[i]! - mean);
  const alpha = (1 - level) / 2;
  return {
    estimate,
    lower: sampleQuantile(sorted, alpha),
    upper: sampleQuantile(sorted, 1 - alpha),
    level,
    standardError: valid > 1 ? Math.sqrt(ss / (valid - 1)) : NaN,
    bias: mean - estimate,
    replicates,
    nanReplicates: replicateCount - valid,
    seed: rng.seed,
  };
}
