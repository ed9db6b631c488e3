/**
 * Distribution functions the tests need: normal and Student t (CDF, density, quantile), chi-squared CDF.
 *
 * Every CDF takes `lowerTail` (as R's `lower.tail`): the upper tail is computed directly, never as 1 − CDF,
 * so p-values like 1e-200 keep their digits.
 */
import { OptionError } from '../errors';
import { logGamma, regularizedBeta, regularizedGamma } from './special';

const SQRT_2PI = 2.5066282746310002;

/** Standard normal density. */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / SQRT_2PI;
}

/**
 * Standard normal CDF Φ(z) (or 1 − Φ(z) with `lowerTail = false`), via erfc(x) = Q(1/2, x²), the upper
 * regularized gamma function, which is accurate deep into the tails.
 */
export function normalCdf(z: number, lowerTail = true): number {
  if (Number.isNaN(z)) return NaN;
  const tail = 0.5 * regularizedGamma(0.5, 0.5 * z * z).upper; // P(Z > |z|)
  const below = z < 0 ? tail : 1 - tail;
  const above = z < 0 ? 1 - tail : tail;
  return lowerTail ? below : above;
}

function checkProbability(p: number, option: string): void {
  if (!(p >= 0 && p <= 1)) throw new OptionError(`expected a probability in [0, 1], got ${p}`, { option });
}

/**
 * Standard normal quantile Φ⁻¹(p). Starts from Abramowitz & Stegun 26.2.23 (error < 4.5e-4) and refines
 * with Halley steps on the exact CDF, which reaches full double precision in two or three steps.
 */
export function normalQuantile(p: number): number {
  checkProbability(p, 'p');
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  // Work in the lower tail, where p itself carries all its digits.
  const lower = p < 0.5;
  const q = lower ? p : 1 - p;
  const t = Math.sqrt(-2 * Math.log(q));
  let x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
  for (let i = 0; i < 6; i++) {
    const e = normalCdf(x) - q;
    const u = e / normalPdf(x);
    const step = u / (1 + (x * u) / 2);
    x -= step;
    if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(x))) break;
  }
  return lower ? x : -x;
}

function checkDf(df: number): void {
  if (!(df > 0)) throw new OptionError(`degrees of freedom must be > 0, got ${df}`, { option: 'df' });
}

/** Density of Student's t with `df` degrees of freedom. */
export function studentTPdf(t: number, df: number): number {
  checkDf(df);
  if (df === Infinity) return normalPdf(t);
  return Math.exp(
    logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI) - ((df + 1) / 2) * Math.log1p((t * t) / df),
  );
}

/**
 * CDF of Student's t: P(T ≤ t) (or P(T > t) with `lowerTail = false`), via the tail identity
 * P(|T| > |t|) = I_{ν/(ν+t²)}(ν/2, 1/2). Non-integer `df` (Welch) is fine.
 */
export function studentTCdf(t: number, df: number, lowerTail = true): number {
  checkDf(df);
  if (Number.isNaN(t)) return NaN;
  if (df === Infinity) return normalCdf(t, lowerTail);
  const t2 = t * t;
  const x = df / (df + t2);
  const y = t2 / (df + t2);
  const tail = 0.5 * regularizedBeta(x, df / 2, 0.5, y).lower; // P(T > |t|)
  const below = t < 0 ? tail : 1 - tail;
  const above = t < 0 ? 1 - tail : tail;
  return lowerTail ? below : above;
}

/**
 * Quantile of Student's t. Newton's method on the exact CDF, kept inside a bracket that is bisected
 * whenever a Newton step would leave it (heavy tails at small df make plain Newton overshoot).
 */
export function studentTQuantile(p: number, df: number): number {
  checkProbability(p, 'p');
  checkDf(df);
  if (df === Infinity) return normalQuantile(p);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  // Solve in the upper half for q = max(p, 1 − p) using the upper-tail probability, then mirror.
  const upperTail = p > 0.5 ? 1 - p : p;
  const sign = p > 0.5 ? 1 : -1;
  let lo = 0;
  let hi = Math.max(1, normalQuantile(1 - upperTail));
  while (studentTCdf(hi, df, false) > upperTail) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) break;
  }
  let x = Math.min(Math.max(normalQuantile(1 - upperTail), lo), hi);
  for (let i = 0; i < 200; i++) {
    const f = studentTCdf(x, df, false) - upperTail; // decreasing in x
    if (f > 0) lo = x;
    else hi = x;
    let next = x + f / studentTPdf(x, df);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - x) <= 1e-14 * Math.max(1, Math.abs(x))) {
      x = next;
      break;
    }
    x = next;
  }
  return sign * x;
}

/** CDF of the chi-squared distribution with `df` degrees of freedom. */
export function chiSquaredCdf(x: number, df: number, lowerTail = true): number {
  checkDf(df);
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return lowerTail ? 0 : 1;
  const g = regularizedGamma(df / 2, x / 2);
  return lowerTail ? g.lower : g.upper;
}
