/**
 * Gradient attributions with known answers on small untrained CNNs (random weights make every ReLU and
 * max-pool path matter): DeepLIFT/SHAP and integrated gradients are complete (Σ attribution = f(x) −
 * f(baseline), within 1 %), integrated gradients equals an independent 10,000-step Riemann sum, saliency is
 * the input gradient, an ensemble's attributions are its members' mean, and results do not depend on
 * batching. Measured values are printed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/kernels/tensor/backend';
import { buildModel, type Model } from '../../src/kernels/camformer/model';
import { ensemble } from '../../src/kernels/camformer/predict';
import { attribute, attributionBatches, type AttributeOptions } from '../../src/interpret/attribute';
import { differentiable } from '../../src/interpret/differentiable';
import { integrationBaseline } from '../../src/interpret/references';
import { encode } from '../../src/data/encode';
import { simulatePromoters } from '../../src/simulate/promoters';
import { quadrature } from '../../src/stats/quadrature';
import { TINY } from '../helpers/models';
import { randomizeBiases } from '../helpers/random-weights';
import type { CnnConfig } from '../../src/kernels/camformer/config';

/** Camformer-shaped: overlapping max-pool (7/2, as Camformer-Mini), a residual block, a dense layer. */
const SMALL: Partial<CnnConfig> = {
  name: 'small', inputLength: 110, convs: [
    { channels: 16, kernel: 6, padding: 'same', dropout: 0.1 },
    { channels: 16, kernel: 5, padding: 'same', dropout: 0.1, pool: { kernel: 7, stride: 2 } },
    { channels: 16, kernel: 3, padding: 'same', dropout: 0 },
  ], residual: [3], dense: [16],
};

interface PerSequence { total: number; prediction: number; baseline: number }

async function sums(model: Model, sequences: string[], options: AttributeOptions): Promise<PerSequence[]> {
  const table = await attribute(model, sequences, options);
  const out = new Map<string, PerSequence>();
  for (const r of table.objects() as { id: string; attribution: number; prediction: number; baseline_prediction: number }[]) {
    const e = out.get(r.id) ?? { total: 0, prediction: r.prediction, baseline: r.baseline_prediction };
    e.total += r.attribution;
    out.set(r.id, e);
  }
  return [...out.values()];
}

function worstRelativeGap(rows: PerSequence[]): number {
  return Math.max(...rows.map((r) => Math.abs(r.total - (r.prediction - r.baseline)) / Math.abs(r.prediction - r.baseline)));
}

describe('attribution completeness', () => {
  const sequences = simulatePromoters({ n: 8, seed: 2 }).table.array('sequence') as string[];
  beforeAll(async () => { await initBackend({ backend: 'wasm' }); });

  it.each(['onehot', 'onehotWithP', 'onehotWithInt'] as const)('DeepLIFT/SHAP sums to f(x) − mean f(references) within 1 %% (%s)', async (encoding) => {
    const model = randomizeBiases(buildModel({ ...SMALL, encoding }, { seed: 3 }), 3);
    const rows = await sums(model, sequences, { method: 'deeplift-shap', references: 10 });
    const gap = worstRelativeGap(rows);
    console.log(`DeepLIFT/SHAP (${encoding}): worst relative completeness gap ${gap.toExponential(2)} over ${rows.length} sequences`);
    expect(gap).toBeLessThan(0.01);
    // The baseline is the mean over the references, which are not the input.
    expect(rows.every((r) => Number.isFinite(r.baseline) && r.baseline !== r.prediction)).toBe(true);
  });

  it("DeepLIFT/SHAP is complete for each reference through overlapping max-pools (Camformer's 10/4 windows)", async () => {
    // Camformer's own pool (10/4) on a net that is mostly pooling, 1 reference per sequence: exact to float error.
    const model = randomizeBiases(buildModel({ name: 'pool', encoding: 'onehot', inputLength: 110, convs: [
      { channels: 8, kernel: 4, padding: 'same', dropout: 0, pool: { kernel: 10, stride: 4 } },
      { channels: 8, kernel: 3, padding: 'same', dropout: 0, pool: { kernel: 3, stride: 1 } },
    ], dense: [8] }, { seed: 5 }), 5);
    const d = differentiable(model);
    for await (const b of attributionBatches(d, sequences.map((sequence, i) => ({ id: `s${i}`, sequence })), { references: 1, region: { start: 1, end: 110 } })) {
      for (let q = 0; q < b.ids.length; q++) expect(b.convergence[q]!).toBeLessThan(1e-4 * Math.max(1, Math.abs(b.prediction[q]!)));
    }
  });

  it('integrated gradients is complete within 1 % at 500 steps; the default 50 Gauss–Legendre steps are reported', async () => {
    const model = randomizeBiases(buildModel({ ...SMALL, encoding: 'onehotWithP' }, { seed: 3 }), 3);
    const at500 = worstRelativeGap(await sums(model, sequences, { method: 'integrated-gradients', steps: 500, batchSize: 512 }));
    const at50 = worstRelativeGap(await sums(model, sequences, { method: 'integrated-gradients' }));
    console.log(`integrated gradients: worst relative completeness gap ${at50.toFixed(4)} at 50 steps, ${at500.toFixed(4)} at 500 (Gauss–Legendre)`);
    expect(at500).toBeLessThan(0.01);
  });
});

describe('integrated gradients against an independent Riemann sum', () => {
  beforeAll(async () => { await initBackend({ backend: 'wasm' }); });

  it('equals a 10,000-step midpoint Riemann sum of tf.grad to 1e-3', async () => {
    const model = randomizeBiases(buildModel(TINY, { seed: 7 }), 7);
    const sequences = simulatePromoters({ n: 3, seed: 9, variableLength: 30 }).table.array('sequence') as string[];
    const region = { start: 1, end: 30 };
    const short = sequences.map((s) => s.slice(17, 47));
    const x = encode(short, model.encoding);
    const baseline = integrationBaseline(x, region, 'zeros');
    // Reference: the gradient at 10,000 midpoints, averaged, times (x − b), summed over channels per position.
    const steps = 10_000;
    const reference: number[][] = [];
    const [, length, channels] = x.shape;
    const size = length * channels;
    for (let s = 0; s < short.length; s++) {
      const mean = new Float64Array(size);
      for (let first = 0; first < steps; first += 1000) {
        const data = new Float32Array(1000 * size);
        for (let k = 0; k < 1000; k++) {
          const alpha = (first + k + 0.5) / steps;
          for (let i = 0; i < size; i++) data[k * size + i] = baseline.data[s * size + i]! + alpha * (x.data[s * size + i]! - baseline.data[s * size + i]!);
        }
        const input = tf.tensor3d(data, [1000, length, channels]);
        const { output, gradient } = model.inputGradients(input);
        const g = gradient.dataSync();
        for (let k = 0; k < 1000; k++) for (let i = 0; i < size; i++) mean[i]! += g[k * size + i]! / steps;
        tf.dispose([input, output, gradient]);
      }
      reference.push(Array.from({ length }, (_, p) => {
        let v = 0;
        for (let c = 0; c < channels; c++) v += (x.data[s * size + p * channels + c]! - baseline.data[s * size + p * channels + c]!) * mean[p * channels + c]!;
        return v;
      }));
    }
    const scale = Math.max(...reference.flat().map(Math.abs));
    for (const [rule, stepsUsed, tolerance] of [['riemann-middle', 10_000, 1e-5], ['gauss-legendre', 1000, 1e-3]] as const) {
      const table = await attribute(model, short, { method: 'integrated-gradients', region, steps: stepsUsed, integration: rule, batchSize: 1024 });
      const values = table.array('attribution') as Float64Array;
      let worst = 0;
      for (let s = 0; s < short.length; s++) for (let p = 0; p < length; p++) worst = Math.max(worst, Math.abs(values[s * length + p]! - reference[s]![p]!));
      console.log(`integrated gradients (${rule}, ${stepsUsed} steps) vs 10,000-step Riemann sum: max |difference| ${worst.toExponential(2)} (${(worst / scale).toExponential(2)} of the largest attribution)`);
      expect(worst / scale).toBeLessThan(tolerance);
    }
  });
});

describe('saliency, input × gradient, ensembles, batching', () => {
  const sequences = simulatePromoters({ n: 5, seed: 4 }).table.array('sequence') as string[];
  beforeAll(async () => { await initBackend({ backend: 'wasm' }); });

  it('saliency is the input gradient at every base; input × gradient its value at the base present', async () => {
    const model = randomizeBiases(buildModel({ ...SMALL, encoding: 'onehot' }, { seed: 1 }), 1);
    const x = encode(sequences, 'onehot');
    const input = tf.tensor3d(x.data, x.shape);
    const { output, gradient } = model.inputGradients(input);
    const g = gradient.dataSync();
    const saliency = await attribute(model, sequences, { method: 'saliency' });
    expect(saliency.numRows()).toBe(5 * 80 * 4);
    for (const r of saliency.objects().filter((_, i) => i % 37 === 0) as { id: string; position: number; base: string; attribution: number }[]) {
      const s = Number(r.id.slice(4)) - 1;
      expect(r.attribution).toBeCloseTo(g[(s * 110 + r.position - 1) * 4 + 'ACGT'.indexOf(r.base)]!, 5);
    }
    const ixg = await attribute(model, sequences, { method: 'input-gradient' });
    expect(ixg.numRows()).toBe(5 * 80);
    for (const r of ixg.objects().filter((_, i) => i % 13 === 0) as { id: string; position: number; base: string; attribution: number }[]) {
      const s = Number(r.id.slice(4)) - 1;
      expect(r.base).toBe(sequences[s]![r.position - 1]);
      expect(r.attribution).toBeCloseTo(g[(s * 110 + r.position - 1) * 4 + 'ACGT'.indexOf(r.base)]!, 5);
    }
    const corrected = await attribute(model, sequences.slice(0, 1), { method: 'saliency', correctGradient: true });
    const first = (corrected.objects() as { attribution: number }[]).slice(0, 4).reduce((t, r) => t + r.attribution, 0);
    expect(Math.abs(first)).toBeLessThan(1e-6);
    tf.dispose([input, output, gradient]);
  });

  it("an ensemble's DeepLIFT/SHAP attributions are its members' mean", async () => {
    const a = randomizeBiases(buildModel({ ...SMALL, encoding: 'onehotWithP' }, { seed: 1 }), 1);
    const b = randomizeBiases(buildModel({ ...SMALL, encoding: 'onehotWithP' }, { seed: 2 }), 2);
    const options: AttributeOptions = { method: 'deeplift-shap', references: 4, seed: 3 };
    const [ta, tb, te] = await Promise.all([attribute(a, sequences, options), attribute(b, sequences, options), attribute(ensemble([a, b]), sequences, options)]);
    const [va, vb, ve] = [ta, tb, te].map((t) => t.array('attribution') as Float64Array);
    for (let i = 0; i < ve!.length; i += 7) expect(ve![i]!).toBeCloseTo((va![i]! + vb![i]!) / 2, 5);
  });

  it('does not depend on batch size (references are seeded per sequence), and differs with the seed', async () => {
    const model = randomizeBiases(buildModel({ ...SMALL, encoding: 'onehot' }, { seed: 1 }), 1);
    const small = (await attribute(model, sequences, { references: 5, batchSize: 3 })).array('attribution') as Float64Array;
    const large = (await attribute(model, sequences, { references: 5, batchSize: 500 })).array('attribution') as Float64Array;
    const other = (await attribute(model, sequences, { references: 5, seed: 99 })).array('attribution') as Float64Array;
    for (let i = 0; i < small.length; i++) expect(small[i]!).toBeCloseTo(large[i]!, 5);
    expect(other.some((v, i) => Math.abs(v - small[i]!) > 1e-4)).toBe(true);
  });

  it('leaves no tensors behind', async () => {
    const model = randomizeBiases(buildModel({ ...SMALL, encoding: 'onehotWithP' }, { seed: 1 }), 1);
    await attribute(model, sequences.slice(0, 1), { method: 'saliency' }); // builds the cached folded weights once
    const before = tf.memory().numTensors;
    for (const method of ['saliency', 'input-gradient', 'integrated-gradients', 'deeplift-shap'] as const) await attribute(model, sequences, { method, references: 3, steps: 4 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad options and inputs with typed errors', async () => {
    const model = randomizeBiases(buildModel({ ...SMALL, encoding: 'onehot' }, { seed: 1 }), 1);
    await expect(attribute(model, sequences, { method: 'grad-cam' as never })).rejects.toThrow(/option 'method': unknown method 'grad-cam'/);
    await expect(attribute(model, sequences, { region: { start: 100, end: 120 } })).rejects.toThrow(/option 'region'/);
    await expect(attribute(model, sequences, { references: 0 })).rejects.toThrow(/option 'references'/);
    await expect(attribute(model, ['ACGT'])).rejects.toThrow(/has length 4; the model reads 110-nt/);
    await expect(attribute(model, sequences, { ids: ['a'] })).rejects.toThrow(/option 'ids'/);
  });
});

describe('quadrature', () => {
  it('Gauss–Legendre integrates polynomials of degree 2n − 1 exactly and matches numpy.polynomial.legendre.leggauss(3)', () => {
    const { points, weights } = quadrature('gauss-legendre', 3);
    // leggauss(3): nodes ±sqrt(3/5), 0; weights 5/9, 8/9, 5/9 on [−1, 1].
    expect(points[0]).toBeCloseTo((1 - Math.sqrt(0.6)) / 2, 14);
    expect(weights[1]).toBeCloseTo(4 / 9, 14);
    const q = quadrature('gauss-legendre', 50);
    const integral = q.points.reduce((t, a, k) => t + q.weights[k]! * a ** 99, 0);
    expect(integral).toBeCloseTo(1 / 100, 12);
    expect(quadrature('riemann-trapezoid', 3).weights).toEqual(Float64Array.from([0.25, 0.5, 0.25]));
    expect(() => quadrature('simpson' as never, 3)).toThrow(/option 'integration'/);
  });
});
