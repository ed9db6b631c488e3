/**
 * FIMO's q-values (qvalue.c, cisml.c): Benjamini–Hochberg over every test made (each window on each strand),
 * multiplied by Storey's π0 estimated from a uniform sample of 10,000 p-values of all tests (FIMO keeps a
 * reservoir sample). FIMO's sample and bootstraps use its own random generator, so its π0 — and the q-values,
 * by the same factor — differ from ours by sampling noise only; the BH part is exact.
 */
/** The generator interface used here (src/stats' Random satisfies it). */
export interface UniformSource {
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

export const FIMO_RESERVOIR_SIZE = 10000;
const NUM_BOOTSTRAPS = 100;
const NUM_BOOTSTRAP_SAMPLES = 1000;
const NUM_LAMBDA = 100;
const MAX_LAMBDA = 0.99;
const MIN_SAMPLES = 100;

/** Fraction of p-values ≥ λ, scaled: W(λ) / ((1 − λ) m); +∞ when none is (estimate_pi_zero_fixed_lambda). */
function pi0AtLambda(lambda: number, sortedP: Float64Array): number {
  // First index with p ≥ λ by binary search on the ascending array.
  let lo = 0;
  let hi = sortedP.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sortedP[mid]! >= lambda) hi = mid;
    else lo = mid + 1;
  }
  const pi0 = (sortedP.length - lo) / ((1 - lambda) * sortedP.length);
  return pi0 === 0 ? Infinity : pi0;
}

/**
 * Storey's (2002) bootstrap estimate of π0, as estimate_pi_zero: the λ (of 100 in (0, 0.99]) whose π0(λ)
 * has the least bootstrap mean-squared error around the smallest π0(λ), clamped to [0, 1].
 * Returns 1 when fewer than 101 p-values are given, as FIMO does.
 */
export function estimatePi0(pvalues: ArrayLike<number>, random: UniformSource): number {
  if (pvalues.length <= MIN_SAMPLES) return 1;
  const sorted = Float64Array.from(pvalues).sort();
  const lambdas = Array.from({ length: NUM_LAMBDA }, (_, i) => ((i + 1) / NUM_LAMBDA) * MAX_LAMBDA);
  const pi0s = lambdas.map((l) => pi0AtLambda(l, sorted));
  const minPi0 = Math.min(...pi0s);
  const mse = new Float64Array(NUM_LAMBDA);
  const boot = new Float64Array(NUM_BOOTSTRAP_SAMPLES);
  for (let b = 0; b < NUM_BOOTSTRAPS; b++) {
    for (let k = 0; k < NUM_BOOTSTRAP_SAMPLES; k++) boot[k] = sorted[random.int(sorted.length)]!;
    boot.sort();
    for (let l = 0; l < NUM_LAMBDA; l++) {
      const err = pi0AtLambda(lambdas[l]!, boot) - minPi0;
      mse[l] += err * err;
    }
  }
  let best = 0;
  for (let l = 1; l < NUM_LAMBDA; l++) if (mse[l]! < mse[best]!) best = l;
  return Math.max(Math.min(pi0s[best]!, 1), 0);
}

/**
 * q-values for p-values sorted ascending: q_i = min_{j ≥ i} min(1, π0 · p_j · N / j), with N the number of
 * tests (compute_qvalues; FIMO casts N and the rank to float, which we copy with Math.fround).
 */
export function fimoQValues(sortedP: Float64Array, totalTests: number, pi0: number): Float64Array {
  const q = new Float64Array(sortedP.length);
  const n = Math.fround(totalTests);
  for (let i = 0; i < sortedP.length; i++) q[i] = Math.min(1, (pi0 * sortedP[i]! * n) / Math.fround(i + 1));
  for (let i = sortedP.length - 2; i >= 0; i--) if (q[i + 1]! < q[i]!) q[i] = q[i + 1]!;
  return q;
}
