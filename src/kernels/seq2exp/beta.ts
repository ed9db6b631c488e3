/**
 * The probability pieces of the Seq2Exp mask, as differentiable tfjs ops (tfjs has no lgamma, digamma or
 * reparameterised Gamma sampler):
 * - `lgamma`, `digamma`: shifted by 6 with the recurrences, then Stirling / asymptotic series (error < 1e-6
 *   for x > 0.01 in float64; float32 limits what tfjs sees);
 * - `betaKl`: KL(Beta(a, b) ‖ Beta(a0, b0)) in closed form;
 * - `sampleGamma` / `sampleBeta`: reparameterised draws. The Gamma(α) draw uses Marsaglia–Tsang on α + 1
 *   with the boost Gamma(α) = Gamma(α + 1) · U^(1/α); the accepted normal ε and U are drawn in JavaScript
 *   and held fixed, and the sample h(ε, α) = (α + 2/3)(1 + ε / √(9α + 6))³ · U^(1/α) is differentiated in α
 *   (Naesseth et al. 2017's rejection reparameterisation without its score-function correction term, so the
 *   gradient is BIASED: the correction is small after the α + 1 boost but not zero — PyTorch's Beta.rsample, which
 *   the Seq2Exp authors use, has exact implicit gradients instead). Beta(α, β) = Gα / (Gα + Gβ).
 * - `sampleKumaraswamy`, `kumaraswamyMean`, `kumaraswamyBetaKl`: the Kumaraswamy(a, b) alternative, a Beta-like
 *   distribution on (0, 1) whose inverse CDF is closed-form, x = (1 − (1 − u)^(1/b))^(1/a), so its
 *   reparameterised gradient is exact (Nalisnick & Smyth 2017); its KL to a Beta prior is their series, as the
 *   Seq2Exp authors' `kldivergence_kuma` (AIRS OpenBio/Seq2Exp src/models/sequence/GeneExpformer.py L109–137).
 */
import { tf } from '../tensor/tf';
import type { Random } from '../../stats/random';
import { logBeta as logBetaNumber } from '../../stats/special';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

export function lgamma(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    let shiftLog = tf.log(x);
    for (let k = 1; k < 6; k++) shiftLog = tf.add(shiftLog, tf.log(tf.add(x, k)));
    const z = tf.add(x, 6);
    const zi = tf.reciprocal(z);
    const zi2 = tf.square(zi);
    const series = tf.mul(zi, tf.add(1 / 12, tf.mul(zi2, tf.add(-1 / 360, tf.mul(zi2, 1 / 1260)))));
    const stirling = tf.add(tf.sub(tf.mul(tf.sub(z, 0.5), tf.log(z)), z), tf.add(series, HALF_LOG_2PI));
    return tf.sub(stirling, shiftLog);
  });
}

export function digamma(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    let shift = tf.reciprocal(x);
    for (let k = 1; k < 6; k++) shift = tf.add(shift, tf.reciprocal(tf.add(x, k)));
    const z = tf.add(x, 6);
    const zi = tf.reciprocal(z);
    const zi2 = tf.square(zi);
    const series = tf.mul(zi2, tf.add(-1 / 12, tf.mul(zi2, tf.add(1 / 120, tf.mul(zi2, -1 / 252)))));
    return tf.sub(tf.add(tf.sub(tf.log(z), tf.mul(zi, 0.5)), series), shift);
  });
}

function logBeta(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.sub(tf.add(lgamma(a), lgamma(b)), lgamma(tf.add(a, b)));
}

/** Element-wise KL(Beta(a, b) ‖ Beta(a0, b0)). */
export function betaKl(a: tf.Tensor, b: tf.Tensor, a0: number, b0: number): tf.Tensor {
  return tf.tidy(() => {
    const prior = tf.scalar(a0);
    const priorB = tf.scalar(b0);
    const ab = tf.add(a, b);
    return tf.addN([
      tf.sub(logBeta(prior, priorB), logBeta(a, b)),
      tf.mul(tf.sub(a, a0), digamma(a)),
      tf.mul(tf.sub(b, b0), digamma(b)),
      tf.mul(tf.sub(a0 + b0, ab), digamma(ab)),
    ]);
  });
}

/** Reparameterised Gamma(α, 1) draws, differentiable in α (see the module comment). */
export function sampleGamma(alpha: tf.Tensor, random: Random): tf.Tensor {
  const values = alpha.dataSync();
  const eps = new Float32Array(values.length);
  const logU = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const d = values[i]! + 1 - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = random.normal();
      const v = (1 + c * x) ** 3;
      if (v <= 0) continue;
      const u = random.float();
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        eps[i] = x;
        break;
      }
    }
    logU[i] = Math.log(Math.max(random.float(), 1e-30));
  }
  return tf.tidy(() => {
    const d = tf.add(alpha, 2 / 3);
    const cubic = tf.pow(tf.add(1, tf.div(tf.tensor(eps, alpha.shape), tf.sqrt(tf.mul(d, 9)))), 3);
    const boost = tf.exp(tf.div(tf.tensor(logU, alpha.shape), alpha));
    return tf.mul(tf.mul(d, cubic), boost);
  });
}

/** Reparameterised Beta(α, β) draws, clipped away from 0 and 1 for float32 safety. */
export function sampleBeta(alpha: tf.Tensor, beta: tf.Tensor, random: Random): tf.Tensor {
  return tf.tidy(() => {
    const ga = tf.add(sampleGamma(alpha, random), 1e-12);
    const gb = tf.add(sampleGamma(beta, random), 1e-12);
    return tf.clipByValue(tf.div(ga, tf.add(ga, gb)), 1e-6, 1 - 1e-6);
  });
}

const EULER_GAMMA = 0.5772156649015329;

/** Reparameterised Kumaraswamy(a, b) draws, exact pathwise gradients in a and b; clipped away from 0 and 1. */
export function sampleKumaraswamy(a: tf.Tensor, b: tf.Tensor, random: Random): tf.Tensor {
  const u = new Float32Array(a.size);
  for (let i = 0; i < u.length; i++) u[i] = Math.min(Math.max(random.float(), 1e-7), 1 - 1e-7);
  return tf.tidy(() => {
    // x = (1 − (1 − u)^(1/b))^(1/a), in logs: log(1 − u)/b, then log1p(−exp(·))/a.
    const inner = tf.div(tf.log(tf.sub(1, tf.tensor(u, a.shape))), b);
    const x = tf.exp(tf.div(tf.log(tf.clipByValue(tf.sub(1, tf.exp(inner)), 1e-12, 1)), a));
    return tf.clipByValue(x, 1e-6, 1 - 1e-6);
  });
}

/** E[Kumaraswamy(a, b)] = b · B(1 + 1/a, b) (the mask used at inference). */
export function kumaraswamyMean(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const shifted = tf.add(tf.reciprocal(a), 1);
    return tf.exp(tf.add(tf.log(b), logBeta(shifted, b)));
  });
}

/**
 * Element-wise KL(Kumaraswamy(a, b) ‖ Beta(α0, β0)) (Nalisnick & Smyth 2017, as AIRS GeneExpformer.py
 * L109–137, with exact digamma instead of its Taylor form):
 *   (a − α0)/a · (−γ − ψ(b) − 1/b) + log(ab) + log B(α0, β0) − (b − 1)/b + (β0 − 1) · b · Σ_{m≥1} B(m/a, b) / (m + ab).
 * The series converges only like m^−(1+b): the authors' cut after 10 terms underestimates it (by 1 % at a = 2,
 * b = 3 and 10 % at a = 3, b = 1.2, which the factor (β0 − 1) · b — 89 · b for Beta(10, 90) — makes a large error in
 * the KL). Here `terms` exact terms (default 30) are followed by the tail in closed form from B(m/a, b) ≈
 * Γ(b) (m/a)^−b: Σ_{m>M} ≈ Γ(b) a^b (M + ½ + ab/2)^−b / b, within 0.1 % for b ≥ 1 and a ≤ 3 and within 1 % up to
 * a = b = 40 (checked against 400,000 terms).
 */
export function kumaraswamyBetaKl(a: tf.Tensor, b: tf.Tensor, a0: number, b0: number, terms = 30): tf.Tensor {
  return tf.tidy(() => {
    const ab = tf.mul(a, b);
    let series: tf.Tensor = tf.zerosLike(a);
    for (let m = 1; m <= terms; m++) {
      series = tf.add(series, tf.div(tf.exp(logBeta(tf.div(m, a), b)), tf.add(ab, m)));
    }
    const tail = tf.div(tf.exp(tf.sub(tf.add(lgamma(b), tf.mul(b, tf.log(a))), tf.mul(b, tf.log(tf.add(tf.mul(ab, 0.5), terms + 0.5))))), b);
    series = tf.add(series, tail);
    const parts = [
      tf.mul(tf.div(tf.sub(a, a0), a), tf.sub(tf.sub(-EULER_GAMMA, digamma(b)), tf.reciprocal(b))),
      tf.add(tf.log(ab), logBetaNumber(a0, b0)),
      tf.neg(tf.div(tf.sub(b, 1), b)),
      tf.mul(tf.mul(series, b), b0 - 1),
    ];
    return tf.addN(parts);
  });
}
