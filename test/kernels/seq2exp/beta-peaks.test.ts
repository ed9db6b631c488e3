import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { logGamma } from '../../../src/stats/special';
import { createRandom } from '../../../src/stats/random';
import { betaKl, digamma, lgamma, sampleBeta, sampleGamma } from '../../../src/kernels/seq2exp/beta';
import { callPeaks, peakScores, poissonUpperLog10 } from '../../../src/data/tracks/peaks';
import { selectionCoverage } from '../../../src/kernels/seq2exp/regions';

tf.setBackend('cpu');

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('Beta pieces in tfjs', () => {
  it('lgamma and digamma match reference values', () => {
    const xs = [0.1, 0.5, 1, 2.5, 10, 100];
    values(lgamma(tf.tensor1d(xs))).forEach((v, i) => expect(v).toBeCloseTo(logGamma(xs[i]!), 4));
    // ψ(1) = −γ, ψ(1/2) = −γ − 2 ln 2, ψ(10) = H_9 − γ
    const [d1, dHalf, d10] = values(digamma(tf.tensor1d([1, 0.5, 10])));
    expect(d1).toBeCloseTo(-0.5772157, 5);
    expect(dHalf).toBeCloseTo(-1.9635100, 5);
    expect(d10).toBeCloseTo(2.2517526, 5);
  });

  it('KL(Beta ‖ Beta) is 0 for equal parameters and matches numerical integration', () => {
    expect(values(betaKl(tf.tensor1d([1, 3]), tf.tensor1d([19, 0.7]), 1, 19))[0]).toBeCloseTo(0, 5);
    const logPdf = (x: number, a: number, b: number) => (a - 1) * Math.log(x) + (b - 1) * Math.log(1 - x) - (logGamma(a) + logGamma(b) - logGamma(a + b));
    let numeric = 0;
    const steps = 200000;
    for (let i = 0; i < steps; i++) {
      const x = (i + 0.5) / steps;
      const lp = logPdf(x, 2, 3);
      numeric += Math.exp(lp) * (lp - logPdf(x, 1, 19)) / steps;
    }
    expect(values(betaKl(tf.tensor1d([2]), tf.tensor1d([3]), 1, 19))[0]).toBeCloseTo(numeric, 3);
  });

  it('reparameterised Gamma and Beta draws have the right moments and a pathwise gradient', () => {
    const random = createRandom(5);
    for (const alpha of [0.5, 3]) {
      const a = tf.fill([20000], alpha);
      const z = values(sampleGamma(a, random));
      const mean = z.reduce((s, v) => s + v, 0) / z.length;
      const variance = z.reduce((s, v) => s + (v - mean) ** 2, 0) / z.length;
      expect(mean).toBeCloseTo(alpha, 1);
      expect(variance / alpha).toBeGreaterThan(0.9);
      expect(variance / alpha).toBeLessThan(1.1);
      // d E[z] / dα = 1 for Gamma(α, 1): the mean pathwise gradient estimates it.
      const grad = tf.grad((x: tf.Tensor) => tf.mean(sampleGamma(x, random)))(a);
      expect(tf.sum(grad).dataSync()[0]!).toBeCloseTo(1, 1);
    }
    const b = values(sampleBeta(tf.fill([20000], 2), tf.fill([20000], 6), random));
    expect(b.reduce((s, v) => s + v, 0) / b.length).toBeCloseTo(0.25, 2);
  });
});

describe('MACS-like peak calling', () => {
  it('Poisson upper tail matches a direct sum', () => {
    const mu = 3.2;
    let tail = 0;
    let term = Math.exp(-mu);
    for (let k = 0; k < 60; k++) {
      if (k >= 9) tail += term;
      term *= mu / (k + 1);
    }
    expect(poissonUpperLog10(9, mu)).toBeCloseTo(-Math.log10(tail), 8);
    expect(poissonUpperLog10(0, mu)).toBe(0);
  });

  it('finds a planted enrichment and nothing in flat background', () => {
    const L = 1000;
    const random = createRandom(3);
    const counts = new Float32Array(2 * L);
    for (let i = 0; i < 2 * L; i++) counts[i] = random.float() < 0.3 ? 1 : 0;
    for (let i = 480; i < 520; i++) counts[i] += 6; // region 0 only
    const peaks = callPeaks(counts, L);
    expect(peaks.numRows()).toBe(1);
    const peak = peaks.object(0) as { region: number; start: number; end: number; summit: number };
    expect(peak.region).toBe(0);
    expect(peak.start).toBeLessThanOrEqual(490);
    expect(peak.end).toBeGreaterThanOrEqual(510);
    expect(peak.summit).toBeGreaterThan(470);
    expect(peak.summit).toBeLessThan(530);
    expect(Math.max(...peakScores(counts, L).subarray(L))).toBeLessThan(5);
  });

  it('selection coverage counts causal bases in the top-ratio bases per region', () => {
    const scores = [5, 4, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9];
    const causal = [1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    expect(selectionCoverage(scores, causal, 10, 0.2)).toEqual({ coverage: 2 / 3, precision: 2 / 4 });
  });
});
