// Shared pieces of the ONNX training-step tests: a grid-search-like config, tfjs's dropout masks in both
// layouts, a relative error, and a model whose running statistics and biases are not the initial ones.
import * as tf from '@tensorflow/tfjs';
import { dropoutMask } from '../../src/kernels/tensor/ops';
import { createRandom } from '../../src/stats/random';
import type { CnnConfig } from '../../src/kernels/camformer/config';
import type { Model } from '../../src/kernels/camformer/model';
import { assignWeights, modelWeights } from '../../src/kernels/camformer/onnx/bridge';
import { TINY } from './models';
import { maskSpecs } from '../../src/kernels/camformer/onnx/train-graph';

/** Grid-search corners: 'same' with an even kernel, pooling in block 1 with overlapping windows (stride 1),
 * no padding, asymmetric padding, padding wider than the kernel, residual add, two dense layers with dropout. */
export const GRID: Partial<CnnConfig> = {
  name: 'grid', encoding: 'onehot', inputLength: 24, inputChannels: 4,
  convs: [
    { channels: 6, kernel: 4, padding: 'same', dropout: 0.2, pool: { kernel: 3, stride: 1 } },
    { channels: 6, kernel: 3, padding: [0, 0], dropout: 0 },
    { channels: 6, kernel: 5, padding: [3, 1], dropout: 0.3 },
    { channels: 5, kernel: 2, padding: [2, 3], dropout: 0.1, pool: { kernel: 2, stride: 2 } },
  ],
  residual: [3], dense: [10, 6], denseDropouts: [0.25, 0],
};

/** The configs (name, config, input length) the eval-mode graphs are checked on: pool + residual, grid corners, a preset. */
export const EVAL_CHECK_CONFIGS = [
  ['tiny (pool, residual)', TINY, 30],
  ['grid-search corners', GRID, 24],
  ['camformer-mini', 'camformer-mini', 110],
] as const;

/**
 * The keep masks model.ts draws for `seed` (tfjs layout [n, L, C] / [n, size]): keyed conv{i} / dense{j}
 * as numbers (for PyTorch), and keyed by the ONNX graph's mask input names as its bool inputs (the same order).
 */
export function tfjsMasks(c: CnnConfig, seed: number, n: number): { graph: Record<string, Uint8Array>; tfjs: Record<string, number[]> } {
  const rng = createRandom(seed);
  const graph: Record<string, Uint8Array> = {};
  const tfjs: Record<string, number[]> = {};
  for (const s of maskSpecs(c)) {
    const conv = s.layer.kind === 'conv';
    const t = dropoutMask(conv ? [n, 1, s.shape[1]!, s.shape[0]!] : [n, s.shape[0]!], s.rate, rng.uint32());
    const v = t.dataSync();
    t.dispose();
    graph[s.name] = Uint8Array.from(v, (x) => (x > 0 ? 1 : 0));
    tfjs[`${s.layer.kind}${s.layer.index}`] = Array.from(v, (x) => (x > 0 ? 1 : 0));
  }
  return { graph, tfjs };
}

/** max |a − b| / max |b|: the error relative to the tensor's scale (0 when both are all zero). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Values of tfjs tensors by name, as Float32Arrays. */
export function arrays(tensors: Record<string, tf.Tensor> | Map<string, tf.Tensor>): Map<string, Float32Array> {
  const entries = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  return new Map(entries.map(([k, t]) => [k, Float32Array.from(t.dataSync() as Float32Array)]));
}

/** Running statistics and biases moved off their initial values, so that folding them matters. */
export function perturbed(model: Model, seed: number): Model {
  const rng = createRandom(seed);
  const w = modelWeights(model);
  for (const [name, v] of w) {
    if (name.endsWith('movingVariance')) v.forEach((_, i) => { v[i] = 0.5 + rng.float(); });
    else if (name.endsWith('movingMean') || name.endsWith('/bias') || name.endsWith('/beta')) v.forEach((_, i) => { v[i] = 0.2 * rng.normal(); });
  }
  assignWeights(model, w);
  return model;
}
