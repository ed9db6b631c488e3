// The wasm conv gradient (forward-convolution formulation) and the fused norm+ReLU gradient must match the
// cpu backend's stock gradients to 1e-4 relative.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../../src/kernels/tensor/backend';
import { buildModel } from '../../../src/kernels/camformer/model';
import { normReluTraining } from '../../../src/kernels/tensor/ops';
import { createRandom } from '../../../src/stats/random';
import { TINY, plantedData } from '../../helpers/models';

beforeAll(async () => { await initBackend({ backend: 'wasm' }); });

function randomArray(n: number, seed: number): Float32Array {
  const rng = createRandom(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

/** Runs f on a backend and returns plain arrays. */
async function on<T>(backend: string, f: () => T): Promise<T> {
  await tf.setBackend(backend);
  try { return f(); } finally { await tf.setBackend('wasm'); }
}

describe('conv gradient on wasm', () => {
  const cases: Array<[string, 'valid' | 'same' | number[][], number]> = [
    ['valid', 'valid', 5], ['same, odd kernel', 'same', 5], ['same, even kernel', 'same', 4],
    ['explicit padding wider than the kernel', [[0, 0], [0, 0], [5, 5], [0, 0]], 4],
  ];
  for (const [label, pad, k] of cases) {
    it(`matches cpu: ${label}`, async () => {
      const xs = randomArray(3 * 17 * 6, 1);
      const ws = randomArray(k * 6 * 7, 2);
      const run = () => tf.tidy(() => {
        const x = tf.tensor4d(xs, [3, 1, 17, 6]);
        const w = tf.tensor4d(ws, [1, k, 6, 7]);
        const f = (a: tf.Tensor4D, b: tf.Tensor4D) => {
          const y = tf.conv2d(a, b, 1, pad as 'valid');
          return tf.sum(tf.mul(y, tf.sin(tf.reshape(tf.range(0, y.size), y.shape))));
        };
        const [dx, dw] = tf.grads(f as (...t: tf.Tensor[]) => tf.Tensor)([x, w]);
        return [dx!.dataSync().slice(), dw!.dataSync().slice()];
      });
      const [cpuDx, cpuDw] = await on('cpu', run);
      const [wasmDx, wasmDw] = run();
      expect(relativeError(wasmDx!, cpuDx!)).toBeLessThan(1e-4);
      expect(relativeError(wasmDw!, cpuDw!)).toBeLessThan(1e-4);
    });
  }

  it('registered tf.batchNorm gradient matches cpu (mean, variance, scale, offset, x)', async () => {
    const run = () => tf.tidy(() => {
      const x = tf.tensor3d(randomArray(4 * 6 * 3, 11), [4, 6, 3]);
      const mean = tf.tensor1d(randomArray(3, 12));
      const variance = tf.abs(tf.tensor1d(randomArray(3, 13))) as tf.Tensor1D;
      const scale = tf.tensor1d(randomArray(3, 14));
      const offset = tf.tensor1d(randomArray(3, 15));
      const w = tf.tensor3d(randomArray(4 * 6 * 3, 16), [4, 6, 3]);
      const f = (...t: tf.Tensor[]) => tf.sum(tf.mul(w, tf.batchNorm(t[0]!, t[1]!, t[2]!, t[4]!, t[3]!, 1e-3)));
      return tf.grads(f)([x, mean, variance, scale, offset]).map((g) => g.dataSync().slice());
    });
    const cpu = await on('cpu', run);
    run().forEach((g, i) => expect(relativeError(g, cpu[i]!)).toBeLessThan(1e-4));
  });

  it('fused norm+ReLU gradient equals autograd of the unfused formula', () => {
    tf.tidy(() => {
      const x = tf.tensor4d(randomArray(4 * 9 * 3, 7), [4, 1, 9, 3]);
      const w = tf.tensor4d(randomArray(4 * 9 * 3, 8), [4, 1, 9, 3]);
      const gamma = tf.tensor1d(randomArray(3, 9));
      const beta = tf.tensor1d(randomArray(3, 10));
      const state = { movingMean: tf.variable(tf.zeros([3])), movingVariance: tf.variable(tf.ones([3])), bias: tf.variable(tf.zeros([3])) };
      const fused = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(w, normReluTraining(a as tf.Tensor4D, { ...state, gamma: g as tf.Variable, beta: b as tf.Variable }, 1e-5, 0.1)));
      const plain = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const { mean, variance } = tf.moments(a, [0, 1, 2]);
        return tf.sum(tf.mul(w, tf.relu(tf.add(tf.mul(tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b))));
      };
      const got = tf.grads(fused)([x, gamma, beta]);
      const want = tf.grads(plain)([x, gamma, beta]);
      got.forEach((g, i) => expect(relativeError(g.dataSync(), want[i]!.dataSync())).toBeLessThan(1e-4));
      Object.values(state).forEach((v) => v.dispose());
    });
  });

  it('whole training step (conv, fused norm+ReLU, pool, residual, dense) matches cpu', async () => {
    const { x, y } = plantedData(16, 3);
    const step = () => {
      const m = buildModel(TINY, { seed: 5 });
      const vars = [...m.params.values()];
      const out = tf.tidy(() => {
        const xt = m.toTensor(x);
        const { grads } = tf.variableGrads(() => tf.mean(tf.abs(tf.sub(m.forward(xt, { training: true, dropoutSeed: 9 }).output, tf.tensor1d(y)))) as tf.Scalar, vars);
        return vars.map((v) => grads[v.name]?.dataSync().slice());
      });
      m.dispose();
      return out;
    };
    const cpu = await on('cpu', step);
    const wasm = step();
    cpu.forEach((g, i) => {
      if (!g) return expect(wasm[i]).toBeUndefined();
      expect(relativeError(wasm[i]!, g)).toBeLessThan(1e-4);
    });
    expect(cpu.filter(Boolean).length).toBeGreaterThan(10);
  });
});
