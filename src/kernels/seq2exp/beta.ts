/**
 * The probability pieces of the Seq2Exp mask, as differentiable tfjs ops (tfjs has no lgamma, digamma or
 * reparameterised Gamma sampler):
 * - `lgamma`, `digamma`: shifted by 6 with the recurrences, then Stirling / asymptotic series (error < 1e-6
 *   for x > 0.01 in float64; float32 limits what tfjs sees);
 * - `betaKl`: KL(Beta(a, b) ‖ Beta(a0, b0)) in closed form;
 * - `sampleGamma` / `sampleBeta`: reparameterised draws. The Gamma(α) draw uses Marsaglia–Tsang on α + 1
 *   with the boost Gamma(α) = Gamma(α + 1) · U^(1/α); the accepted normal ε and U are drawn in JavaScript
 *   and held fixed, and the sample h(ε, α) = (α + 2/3)(1 + ε / √(9α + 6))³ · U^(1/α) is differentiated in α
 *   (Naesseth et al. 2017's rejection reparameterisation without its small score-function correction).
 *   Beta(α, β) = Gα / (Gα + Gβ).
 */
import { tf } from '../tensor/tf';
import type { Random } from '../../stats/random';

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
