// Seq2Exp as the authors' code (AIRS) runs it: the Kumaraswamy alternative (moments, exact pathwise gradient,
// KL to a Beta by numerical integration), the fixed AIRS signal map, the recipe's numbers, the cross-chromosome
// split and a smoke run of the recipe with its always-kept central window.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRandom } from '../../../src/stats/random';
import { logBeta } from '../../../src/stats/special';
import { kumaraswamyBetaKl, kumaraswamyMean, sampleKumaraswamy } from '../../../src/kernels/seq2exp/beta';
import { airsTrackParameters, createSeq2ExpModel } from '../../../src/kernels/seq2exp/model';
import { seq2ExpRecipe } from '../../../src/kernels/seq2exp/recipe';
import { chromosomeSplit, predictSeq2Exp, pseudoChromosomes, trainSeq2Exp, type Seq2ExpData } from '../../../src/kernels/seq2exp/train';
import { simulateSeq2Exp } from '../../../src/simulate/seq2exp';
import { initBackend } from '../../../src/kernels/tensor/backend';

const values = (t: tf.Tensor) => Array.from(t.dataSync());

beforeAll(async () => {
  await initBackend();
});

describe('Kumaraswamy reparameterisation', () => {
  it('draws have the closed-form mean; the pathwise gradient of the mean is the exact derivative', () => {
    const random = createRandom(3);
    for (const [a, b] of [[2, 3], [0.7, 1.5]] as const) {
      const x = values(sampleKumaraswamy(tf.fill([40000], a), tf.fill([40000], b), random));
      const mean = values(kumaraswamyMean(tf.scalar(a), tf.scalar(b)))[0]!;
      expect(Math.abs(x.reduce((s, v) => s + v, 0) / x.length - mean)).toBeLessThan(0.005);
      // E = b · B(1 + 1/a, b)
      expect(mean).toBeCloseTo(b * Math.exp(logBeta(1 + 1 / a, b)), 5);
      // d E / da: the mean of the pathwise gradients vs a central difference of the closed form.
      const pathwise = tf.grad((t: tf.Tensor) => tf.mean(sampleKumaraswamy(t, tf.fill([40000], b), random)))(tf.fill([40000], a));
      const h = 1e-3;
      const exact = (b * Math.exp(logBeta(1 + 1 / (a + h), b)) - b * Math.exp(logBeta(1 + 1 / (a - h), b))) / (2 * h);
      expect(Math.abs(values(tf.sum(pathwise))[0]! - exact)).toBeLessThan(0.01);
    }
  });

  it('KL(Kumaraswamy ‖ Beta) matches numerical integration', () => {
    const logKuma = (x: number, a: number, b: number) => Math.log(a * b) + (a - 1) * Math.log(x) + (b - 1) * Math.log(1 - x ** a);
    const logBetaPdf = (x: number, a: number, b: number) => (a - 1) * Math.log(x) + (b - 1) * Math.log(1 - x) - logBeta(a, b);
    for (const [a, b, a0, b0] of [[2, 3, 1, 4], [1.5, 6, 10, 90], [3, 1.2, 1, 19]] as const) {
      let numeric = 0;
      const steps = 200000;
      for (let i = 0; i < steps; i++) {
        const x = (i + 0.5) / steps;
        const lq = logKuma(x, a, b);
        numeric += (Math.exp(lq) * (lq - logBetaPdf(x, a0, b0))) / steps;
      }
      const kl = values(kumaraswamyBetaKl(tf.tensor1d([a]), tf.tensor1d([b]), a0, b0))[0]!;
      expect(Math.abs(kl - numeric) / Math.max(1, Math.abs(numeric))).toBeLessThan(2e-3);
    }
  });
});

describe('the AIRS signal map and recipe', () => {
  it('per-track β and weights by name; the soft and hard priors', () => {
    expect(airsTrackParameters(['dnase', 'h3k27ac', 'HiC', 'other'])).toEqual({ betas: [0.2, 1.5, 1, 1], weights: [2, 2, 1, 1] });
    const soft = seq2ExpRecipe('soft', 500);
    expect(soft).toMatchObject({ prior: [10, 90], klWeight: 0.01, signalScale: 10, betaMin: 1, loss: 'smooth-l1', optimizer: 'adamw', learningRate: 5e-4, beta2: 0.95, centerLength: 5 });
    const hard = seq2ExpRecipe('hard', 500);
    expect(hard.prior![0]).toBeCloseTo(0.1, 12);
    expect(hard.prior![1]).toBeCloseTo(0.55 / 0.45 * 0.1, 12);
    expect(hard).toMatchObject({ signalScale: 1, betaMin: 0 });
  });

  it('signals enter α as Σ w_i (s_i + βmin) k, with fixed β; the sequence part is the same for both', () => {
    const model = createSeq2ExpModel({ length: 40, tracks: 2, signalMap: 'airs', trackBetas: [0.2, 1.5], trackWeights: [2, 2], signalScale: 10, betaMin: 1 });
    const onehot = tf.expandDims(tf.cast(tf.oneHot(tf.tensor1d(Array.from({ length: 40 }, (_, i) => i % 4), 'int32'), 4), 'float32'), 0) as tf.Tensor3D;
    const quiet = tf.zeros([1, 40, 2]) as tf.Tensor3D;
    const loud = tf.concat([tf.fill([1, 40, 1], 0.8), tf.fill([1, 40, 1], 0.4)], 2) as tf.Tensor3D;
    const a = model.betaParameters(onehot, quiet);
    const b = model.betaParameters(onehot, loud);
    values(tf.sub(b.alpha, a.alpha)).forEach((d) => expect(d).toBeCloseTo((0.5 * 0.8 + 0.5 * 0.4) * 10, 4));
    values(tf.sub(b.beta, a.beta)).forEach((d) => expect(d).toBeCloseTo(0, 5));
    // β = softplus + βmin + Σ w_i (b_i + βmin) k ≥ 1 + (0.5 · 1.2 + 0.5 · 2.5) · 10.
    values(a.beta).forEach((v) => expect(v).toBeGreaterThan(1 + 18.5));
    model.dispose();
  });

  it('the cross-chromosome split: chr3 and chr21 validate, chr22 and chrX test; 23 pseudo-chromosomes in order', () => {
    const names = pseudoChromosomes(230);
    expect(names[0]).toBe('chr1');
    expect(names[229]).toBe('chrX');
    expect(new Set(names).size).toBe(23);
    const split = chromosomeSplit(names);
    expect([0, 1, 2].map((s) => split.filter((v) => v === s).length)).toEqual([190, 20, 20]);
    expect(Array.from(chromosomeSplit(['chr3', 'chr5', 'chrX', 'chr21']))).toEqual([1, 0, 2, 1]);
  });

  it('trains with the recipe: cosine warm-up from 1e-5, the central window always kept, best epoch by validation MSE', async () => {
    const sim = simulateSeq2Exp({ n: 120, length: 300, seed: 2 });
    const data: Seq2ExpData = {
      sequences: sim.table.array('sequence') as string[], expression: sim.table.array('expression') as Float64Array,
      tracks: sim.tracks, trackNames: sim.trackNames, length: sim.length,
    };
    const events: number[] = [];
    const trained = await trainSeq2Exp(data, { recipe: 'airs', epochs: 2, batchSize: 16, seed: 1, onProgress: (e) => { if (e.type === 'batch') events.push(e.learningRate); } });
    expect(trained.model.config).toMatchObject({ signalMap: 'airs', prior: [10, 90], centerLength: 3, trackBetas: [0.2, 1.5], trackWeights: [2, 2] });
    expect(events[0]).toBeCloseTo(1e-5, 10);
    expect(Math.max(...events)).toBeCloseTo(5e-4, 6);
    expect(Array.from(trained.split).filter((s) => s === 2).length).toBeGreaterThan(0);
    expect(Array.from(trained.split.subarray(0, 5))).toEqual([0, 0, 0, 0, 0]); // chr1 trains
    const { mask, prediction } = predictSeq2Exp(trained.model, data);
    expect(prediction.every(Number.isFinite)).toBe(true);
    for (let r = 0; r < 120; r++) for (let i = 148; i < 151; i++) expect(mask[r * 300 + i]).toBe(1);
    const kumaraswamy = await trainSeq2Exp(data, { recipe: 'airs', sampler: 'kumaraswamy', epochs: 1, batchSize: 16 });
    expect(predictSeq2Exp(kumaraswamy.model, data).prediction.every(Number.isFinite)).toBe(true);
    trained.model.dispose();
    kumaraswamy.model.dispose();
  });
});
