// The input-gradient graph on ONNX Runtime against the tfjs engine's gradient (the one saliency, input ×
// gradient and integrated gradients used so far): same outputs and gradients on the tiny, grid-search-like
// and camformer-mini configs, with running statistics that are not the initial ones, ties in max-pool windows
// (runs of one base), partial batches, and a weight change picked up.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/kernels/tensor/tf';
import { initBackend } from '../../../src/kernels/tensor/backend';
import { buildModel, type Model } from '../../../src/kernels/camformer/model';
import { inputGradientArrays } from '../../../src/kernels/camformer/deeplift';
import { onnxRuntime } from '../../../src/kernels/camformer/onnx/runtime';
import { inputGradientsOnnx } from '../../../src/kernels/camformer/onnx/eval-graph';
import { encode } from '../../../src/data/encode';
import { createRandom } from '../../../src/stats/random';
import { TINY } from '../../helpers/models';
import { EVAL_CHECK_CONFIGS, perturbed, relativeError } from '../../helpers/onnx-training';

const haveOrt = onnxRuntime() !== undefined;
beforeAll(async () => { await initBackend({ backend: 'wasm' }); });

/** Random sequences, a quarter of them with a long run of one base (equal maxima in pool windows). */
function sequences(n: number, length: number, seed: number): string[] {
  const rng = createRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const s = Array.from({ length }, () => 'ACGT'[rng.int(4)]!);
    if (i % 4 === 0) s.fill('A', 3, Math.min(length, 15));
    return s.join('');
  });
}

function tfjsGradients(model: Model, seqs: string[]) {
  const x = model.toTensor(encode(seqs, model.encoding), 'x');
  try {
    return inputGradientArrays(model, x);
  } finally {
    tf.dispose(x);
  }
}

describe.runIf(haveOrt)('input gradients on ONNX Runtime', () => {
  it.each(EVAL_CHECK_CONFIGS)('equal the tfjs gradients: %s', async (_name, config, length) => {
    const model = perturbed(buildModel(config as never, { seed: 3 }), 4);
    const seqs = sequences(13, length, 5);
    const theirs = tfjsGradients(model, seqs);
    const ours = await inputGradientsOnnx(model, encode(seqs, model.encoding), 5); // 5, 5, 3: a partial batch
    expect(relativeError(ours.output, theirs.output)).toBeLessThan(1e-5);
    expect(relativeError(ours.gradient, theirs.gradient)).toBeLessThan(1e-5); // measured 2e-7 (tiny) to 1.4e-6 (camformer-mini)
    expect(ours.gradient.some((v) => v !== 0)).toBe(true);
    model.dispose();
  });

  it('follows a change of the weights', async () => {
    const model = buildModel(TINY, { seed: 1 });
    const seqs = sequences(4, 30, 2);
    const before = await inputGradientsOnnx(model, encode(seqs, model.encoding));
    perturbed(model, 9);
    const after = await inputGradientsOnnx(model, encode(seqs, model.encoding));
    expect(relativeError(after.gradient, before.gradient)).toBeGreaterThan(1e-3);
    expect(relativeError(after.gradient, tfjsGradients(model, seqs).gradient)).toBeLessThan(1e-4);
    model.dispose();
  });
});
