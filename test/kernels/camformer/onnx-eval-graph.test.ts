// The eval-mode graph's layer outputs and gradients on ONNX Runtime against the tfjs model's own
// (`Model.activations`, `Model.layerGradients`), for every layer name of the tiny, grid-search-like and
// camformer-mini configs, with running statistics moved off their initial values and a partial batch.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/kernels/tensor/tf';
import { initBackend } from '../../../src/kernels/tensor/backend';
import { buildModel, type Model } from '../../../src/kernels/camformer/model';
import { modelWeights } from '../../../src/kernels/camformer/onnx/bridge';
import { onnxRuntime } from '../../../src/kernels/camformer/onnx/runtime';
import { compileEvalGraph, evalOnnx } from '../../../src/kernels/camformer/onnx/eval-graph';
import { encode } from '../../../src/data/encode';
import { createRandom } from '../../../src/stats/random';
import { ModelError } from '../../../src/errors';
import { gradCam, GRADCAM_VARIANTS } from '../../../src/interpret/gradcam';
import { layerActivations } from '../../../src/interpret/activations';
import { TINY } from '../../helpers/models';
import { EVAL_CHECK_CONFIGS, GRID, perturbed, relativeError } from '../../helpers/onnx-training';

const haveOrt = onnxRuntime() !== undefined;
beforeAll(async () => { await initBackend({ backend: 'wasm' }); });

function sequences(n: number, length: number, seed: number): string[] {
  const rng = createRandom(seed);
  return Array.from({ length: n }, () => Array.from({ length }, () => 'ACGT'[rng.int(4)]!).join(''));
}

/** ∂f/∂(pre-pool) from ∂f/∂(pooled), [n, L, C] layouts, each window's gradient added at its first maximum. */
function firstArgmaxScatter(prePool: Float32Array, dPooled: Float32Array, channels: number, pool: { kernel: number; stride: number }): Float32Array {
  const out = new Float32Array(prePool.length);
  const n = 7;
  const length = prePool.length / n / channels;
  const pooled = dPooled.length / n / channels;
  for (let s = 0; s < n; s++) {
    for (let o = 0; o < pooled; o++) {
      for (let c = 0; c < channels; c++) {
        let best = o * pool.stride;
        for (let t = 1; t < pool.kernel; t++) {
          const at = o * pool.stride + t;
          if (prePool[(s * length + at) * channels + c]! > prePool[(s * length + best) * channels + c]!) best = at;
        }
        out[(s * length + best) * channels + c] += dPooled[(s * pooled + o) * channels + c]!;
      }
    }
  }
  return out;
}

/** Batch norm's eval-mode scale γ / sqrt(running variance + ε) of block i. */
function normScale(model: Model, i: number): Float32Array {
  const w = modelWeights(model);
  const variance = w.get(`bn${i}/movingVariance`)!;
  return w.get(`bn${i}/gamma`)!.map((g, c) => g / Math.sqrt(variance[c]! + model.config.batchNormEpsilon));
}

describe.runIf(haveOrt)('layer outputs and gradients on ONNX Runtime', () => {
  it.each(EVAL_CHECK_CONFIGS)('equal the tfjs model\'s for every layer: %s', async (_name, config, length) => {
    const model = perturbed(buildModel(config as never, { seed: 3 }), 4);
    const encoded = encode(sequences(7, length, 5), model.encoding);
    const layers = model.layerNames();
    const ours = await evalOnnx(model, encoded, { activations: layers, gradients: layers }, 4); // 4 + 3: a partial batch
    const x = model.toTensor(encoded, 'x');
    for (const layer of layers) {
      const theirs = model.layerGradients(x, layer);
      const activation = theirs.activation.dataSync() as Float32Array;
      const gradient = theirs.gradient.dataSync() as Float32Array;
      expect(ours.activations[layer]!.length, layer).toBe(activation.length);
      expect(relativeError(ours.activations[layer]!, activation), `${layer} output`).toBeLessThan(1e-5);
      const k = /^(relu|conv)(\d+)$/.exec(layer);
      const block = k ? Number(k[2]) : 0;
      const pool = k ? model.config.convs[block - 1]!.pool : undefined;
      // A pool window with equal maxima (all-zero ReLU outputs, or equal positive ones where a conv sees only
      // padding) routes its gradient to the first of them on ONNX Runtime, as PyTorch's max_pool1d does; tfjs's
      // maxPool gradient picks the last and drops some windows' gradients entirely. So below a pool the
      // reference is block{i}'s gradient scattered into the first argmax (then, for conv{i}, through the ReLU
      // and batch norm's scale).
      let expected = gradient;
      if (pool) {
        const channels = model.config.convs[block - 1]!.channels;
        const relu = k![1] === 'relu' ? activation : (ours.activations[`relu${block}`]!);
        expected = firstArgmaxScatter(relu, ours.gradients[`block${block}`]!, channels, pool);
        if (k![1] === 'conv') {
          const scale = normScale(model, block);
          expected = expected.map((v, i) => (relu[i]! > 0 ? v * scale[i % channels]! : 0));
        }
      }
      expect(relativeError(ours.gradients[layer]!, expected), `${layer} gradient`).toBeLessThan(1e-5);
      tf.dispose([theirs.activation, theirs.gradient, theirs.output]);
    }
    expect(ours.gradients.block1!.some((v) => v !== 0)).toBe(true);
    const predicted = model.apply(x);
    expect(relativeError(ours.output, predicted.dataSync() as Float32Array)).toBeLessThan(1e-5);
    tf.dispose([x, predicted]);
    model.dispose();
  });

  it('builds only what is asked: activations alone are a forward graph, and a gradient stops at its layer', async () => {
    const model = buildModel(TINY, { seed: 2 });
    const forward = compileEvalGraph(model.config, { activations: ['block2'] });
    const toBlock2 = compileEvalGraph(model.config, { gradients: ['block2'] });
    const toInput = compileEvalGraph(model.config, { gradients: ['block2'], inputGradient: true });
    expect(forward.length).toBeLessThan(toBlock2.length);
    expect(toBlock2.length).toBeLessThan(toInput.length);
    const encoded = encode(sequences(3, 30, 1), model.encoding);
    const a = await evalOnnx(model, encoded, { gradients: ['block2'] });
    const b = await evalOnnx(model, encoded, { gradients: ['block2'], inputGradient: true });
    expect(Array.from(a.gradients.block2!)).toEqual(Array.from(b.gradients.block2!));
    expect(b.inputGradient!.length).toBe(3 * 30 * model.inputChannels);
    model.dispose();
  });

  it.each(GRADCAM_VARIANTS)('Grad-CAM (%s) and layer activations agree between the engines', async (variant) => {
    const model = perturbed(buildModel(GRID, { seed: 5 }), 6);
    const encoded = encode(sequences(9, 24, 8), model.encoding);
    const [onnx, tfjs] = await Promise.all((['onnx', 'tfjs'] as const).map((engine) => gradCam(model, encoded, { variant, engine, batchSize: 4 })));
    expect(onnx.numRows()).toBe(9 * 24 * 4);
    expect(onnx.array('layer')).toEqual(tfjs.array('layer'));
    expect(relativeError(onnx.array('value') as number[], tfjs.array('value') as number[])).toBeLessThan(1e-4);
    expect((onnx.array('value') as number[]).some((v) => v !== 0)).toBe(true);
    const [a, b] = await Promise.all((['onnx', 'tfjs'] as const).map((engine) => layerActivations(model, encoded, 'sum3', { engine, batchSize: 4 })));
    expect(a.shape).toEqual(b.shape);
    expect(relativeError(a.data, b.data)).toBeLessThan(1e-5);
    model.dispose();
  });

  it('names the layers when one does not exist', () => {
    const model = buildModel(TINY, { seed: 2 });
    expect(() => compileEvalGraph(model.config, { activations: ['block9'] })).toThrow(ModelError);
    expect(() => compileEvalGraph(model.config, { gradients: ['nope'] })).toThrow(/no layer 'nope'; layers are conv1, relu1, block1/);
    model.dispose();
  });
});
