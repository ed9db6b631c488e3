/**
 * Interpretation kernels on a model whose answer is known: one conv filter that fires (value 1) only on an
 * exact ACGT, a second filter that fires on TTTT, and an output that sums filter 1's activations.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { buildModel, type Model } from '../../src/kernels/camformer/model';
import { averageGradCam, gradCam, resample } from '../../src/interpret/gradcam';
import { filterKnockout, filterPwms, layerActivations } from '../../src/interpret/activations';
import { embed2d, embeddingTable, quantileLabels } from '../../src/embed/embedding';
import { encode } from '../../src/data/encode';
import { onnxRuntime } from '../../src/kernels/camformer/onnx/runtime';

const LENGTH = 20;
/** Both engines where onnxruntime-node loads (it is an optional dependency). */
const engines = onnxRuntime() ? (['tfjs', 'onnx'] as const) : (['tfjs'] as const);
const MOTIF = 'ACGT';

function motifModel(): Model {
  const model = buildModel({
    name: 'motif-detector', encoding: 'onehot', inputLength: LENGTH,
    convs: [{ channels: 2, kernel: 4, padding: 'same', dropout: 0 }], dense: [],
  });
  const kernel = new Float32Array(4 * 4 * 2);
  for (let j = 0; j < 4; j++) {
    for (let b = 0; b < 4; b++) {
      kernel[(j * 4 + b) * 2 + 0] = 'ACGT'[b] === MOTIF[j] ? 1 : -1;
      kernel[(j * 4 + b) * 2 + 1] = b === 3 ? 1 : -1; // TTTT
    }
  }
  model.params.get('conv1/kernel')!.assign(tf.tensor4d(kernel, [1, 4, 4, 2]));
  model.params.get('conv1/bias')!.assign(tf.tensor1d([-3, -3]));
  const dense = new Float32Array(LENGTH * 2);
  for (let p = 0; p < LENGTH; p++) dense[p * 2] = 1; // output = Σ_p activation of filter 1
  model.params.get('dense1/kernel')!.assign(tf.tensor2d(dense, [LENGTH * 2, 1]));
  model.markChanged();
  return model;
}

/** Random background (no ACGT, no TTTT) with the motif at 0-based `at`. */
function withMotif(at: number, seed: number): string {
  let s = seed;
  const letters: string[] = [];
  while (letters.length < LENGTH) {
    s = (s * 16807) % 2147483647;
    letters.push('ACG'[s % 3]!); // no T: neither motif can occur by chance
  }
  letters.splice(at, 4, ...MOTIF);
  return letters.join('');
}

describe('interpretation kernels on a known motif detector', () => {
  let model: Model;
  const starts = [2, 7, 13];
  const sequences = starts.map((at, i) => withMotif(at, i + 1));
  const encoded = encode(sequences, 'onehot');
  beforeAll(() => {
    model = motifModel();
  });

  it('the detector predicts 1 per motif occurrence', () => {
    const x = model.toTensor(encoded);
    expect(Array.from(model.apply(x).dataSync()).map((v) => Math.round(v * 1000) / 1000)).toEqual([1, 1, 1]);
  });

  it.each(engines.flatMap((engine) => (['standard', 'gradient-input'] as const).map((variant) => [variant, engine] as const)))('%s Grad-CAM peaks inside the planted motif (%s)', async (variant, engine) => {
    const reports: [number, number][] = [];
    const maps = await gradCam(model, encoded, { variant, engine, batchSize: 2, onProgress: (done, total) => reports.push([done, total]) });
    expect(maps.numRows()).toBe(3 * LENGTH);
    expect(reports).toEqual([[2, 3], [3, 3]]);
    sequences.forEach((_, s) => {
      const rows = maps.filter(`d => d.id === 'seq_${s + 1}'`).objects() as { position: number; value: number }[];
      const top = rows.reduce((a, b) => (b.value > a.value ? b : a));
      expect(top.value).toBeGreaterThan(0);
      expect(top.position).toBeGreaterThanOrEqual(starts[s]! + 1);
      expect(top.position).toBeLessThanOrEqual(starts[s]! + 4);
      expect(rows.filter((r) => r.value > 1e-6).length).toBeLessThanOrEqual(4);
    });
    const mean = averageGradCam(maps);
    expect(mean.numRows()).toBe(LENGTH);
  });

  it.each(engines)('camformer Grad-CAM is the channel-mean conv output times the mean input gradient over the bases (%s)', async (engine) => {
    const maps = await gradCam(model, encoded, { variant: 'camformer', engine });
    expect(new Set(maps.array('layer') as string[])).toEqual(new Set(['conv1'])); // the authors hook the Conv
    const x = model.toTensor(encoded);
    const { gradient } = model.inputGradients(x);
    const conv = model.activations(x, ['conv1'])['conv1']!;
    const meanAct = tf.mean(conv, 2).arraySync() as number[][];
    const grads = gradient.arraySync() as number[][][];
    const values = maps.array('value') as ArrayLike<number>;
    grads.forEach((seq, s) => seq.forEach((g, p) => {
      const expected = meanAct[s]![p]! * (g[0]! + g[1]! + g[2]! + g[3]!) / 4;
      expect(values[s * LENGTH + p]).toBeCloseTo(expected, 5);
    }));
    tf.dispose([x, gradient, conv]);
    await expect(gradCam(model, encoded, { variant: 'saliency' as never })).rejects.toThrow(/expected standard, camformer, gradient-input/);
    await expect(gradCam(model, encoded, { layers: ['flatten'], engine })).rejects.toThrow(/option 'layers': layer 'flatten' is not a convolutional layer/);
    await expect(gradCam(model, encoded, { layers: ['block7'], engine })).rejects.toThrow(/option 'layers': no layer 'block7'; layers are conv1, relu1, block1/);
  });

  it('knocking out the motif filter removes the prediction; knocking out the other changes nothing', () => {
    const table = filterKnockout(model, encoded, [1, 2]);
    const rows = table.objects() as { filter: number; prediction: number; knockout: number; change: number }[];
    for (const r of rows.filter((r) => r.filter === 1)) expect(r.knockout).toBeCloseTo(0, 5);
    for (const r of rows.filter((r) => r.filter === 2)) expect(r.change).toBeCloseTo(0, 6);
    expect(() => filterKnockout(model, encoded, [3])).toThrow(/option 'filters': filter 3 is not in 1–2/);
  });

  it('filter → PWM counts the motif from the top activating windows', () => {
    const [first, second] = filterPwms(model, encoded, sequences, 100);
    expect(first!.sites).toBe(3);
    for (let j = 0; j < 4; j++) expect(first!.counts[j * 4 + 'ACGT'.indexOf(MOTIF[j]!)]).toBe(3);
    expect(second!.sites).toBe(0); // no TTTT anywhere: nothing activates filter 2
  });

  it.each(engines)('layer activations are flattened per sequence (%s)', async (engine) => {
    const acts = await layerActivations(model, encoded, 'relu1', { engine });
    expect(acts.shape).toEqual([3, LENGTH * 2]);
    expect(acts.data.reduce((a, b) => a + b, 0)).toBeCloseTo(3, 4);
    await expect(layerActivations(model, encoded, 'conv9', { engine })).rejects.toThrow(/no layer 'conv9'/);
  });
});

describe('embeddings', () => {
  it('t-SNE and UMAP separate two clusters, seeded and repeatable', async () => {
    const n = 60;
    const features = 8;
    const data = new Float32Array(n * features);
    for (let i = 0; i < n; i++) for (let f = 0; f < features; f++) data[i * features + f] = (i < n / 2 ? 0 : 5) + Math.sin(i * 7.1 + f * 3.3);
    for (const method of ['tsne', 'umap'] as const) {
      const a = await embed2d(data, [n, features], { method, seed: 3, iterations: 200 });
      const b = await embed2d(data, [n, features], { method, seed: 3, iterations: 200 });
      expect(Array.from(a.x)).toEqual(Array.from(b.x));
      const centre = (from: number, to: number) => [a.x, a.y].map((v) => v.slice(from, to).reduce((s, x) => s + x, 0) / (to - from));
      const [c1, c2] = [centre(0, n / 2), centre(n / 2, n)];
      const spread = Math.sqrt(a.x.reduce((s, x, i) => s + (x - c1![0]!) ** 2 + (a.y[i]! - c1![1]!) ** 2, 0) / n);
      expect(Math.hypot(c1![0]! - c2![0]!, c1![1]! - c2![1]!)).toBeGreaterThan(spread * 0.5);
    }
  });

  it('labels quantiles Q1…Q6 and builds the coloured table', () => {
    expect(quantileLabels([5, 1, 3, 2, 4, 6])).toEqual(['Q5', 'Q1', 'Q3', 'Q2', 'Q4', 'Q6']);
    const table = embeddingTable(['a', 'b'], { x: new Float64Array([0, 1]), y: new Float64Array([1, 0]) }, { measured: [1, 2], predicted: [1.5, 2] }, 2);
    expect(table.objects()).toEqual([
      { id: 'a', x: 0, y: 1, expression_quantile: 'Q1', error: 0.5, error_quantile: 'Q2' },
      { id: 'b', x: 1, y: 0, expression_quantile: 'Q2', error: 0, error_quantile: 'Q1' },
    ]);
  });

  it('resamples coarse maps onto input positions', () => {
    expect(Array.from(resample([0, 1], 4))).toEqual([0, 0.25, 0.75, 1]);
    expect(Array.from(resample([2, 3, 4], 3))).toEqual([2, 3, 4]);
  });
});
