// DeepLIFT's rescale rules on ONNX Runtime against the tfjs engine's (deepLiftArrays, which follows tangermeme):
// the same outputs, reference outputs and multipliers on the tiny, grid-search-like (overlapping and strided
// pools, a residual block) and camformer-mini configs, with running statistics that are not the initial ones,
// ties in max-pool windows (runs of one base), references equal to the input at some positions (Δ = 0, the
// ordinary-gradient branches) and partial batches; and completeness, Σ (x − r) · m = f(x) − f(r).
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/kernels/tensor/tf';
import { initBackend } from '../../../src/kernels/tensor/backend';
import { buildModel } from '../../../src/kernels/camformer/model';
import { deepLiftArrays } from '../../../src/kernels/camformer/deeplift';
import { onnxRuntime } from '../../../src/kernels/camformer/onnx/runtime';
import { deepLiftOnnx } from '../../../src/kernels/camformer/onnx/deeplift-graph';
import { differentiable } from '../../../src/interpret/differentiable';
import { encode } from '../../../src/data/encode';
import { createRandom } from '../../../src/stats/random';
import { ModelError } from '../../../src/errors';
import { EVAL_CHECK_CONFIGS, perturbed, relativeError } from '../../helpers/onnx-training';

const haveOrt = onnxRuntime() !== undefined;
beforeAll(async () => { await initBackend({ backend: 'wasm' }); });

/** Inputs (a quarter with a run of one base) and references that share a third of their positions with them. */
function pairs(n: number, length: number, seed: number): { inputs: string[]; references: string[] } {
  const rng = createRandom(seed);
  const inputs = Array.from({ length: n }, (_, i) => {
    const s = Array.from({ length }, () => 'ACGT'[rng.int(4)]!);
    if (i % 4 === 0) s.fill('A', 3, Math.min(length, 15));
    return s.join('');
  });
  const references = inputs.map((s) => Array.from(s, (b) => (rng.float() < 1 / 3 ? b : 'ACGT'[rng.int(4)]!)).join(''));
  return { inputs, references };
}

describe.runIf(haveOrt)('DeepLIFT on ONNX Runtime', () => {
  it.each(EVAL_CHECK_CONFIGS)('equals the tfjs rescale rules and is complete: %s', async (_name, config, length) => {
    const model = perturbed(buildModel(config as never, { seed: 3 }), 4);
    const { inputs, references } = pairs(11, length, 6);
    const [x, r] = [encode(inputs, model.encoding), encode(references, model.encoding)];
    const [xt, rt] = [model.toTensor(x, 'x'), model.toTensor(r, 'references')];
    const theirs = deepLiftArrays(model, xt, rt);
    tf.dispose([xt, rt]);
    const ours = await deepLiftOnnx(model, x, r, 4); // 4, 4, 3: a partial batch
    expect(relativeError(ours.output, theirs.output)).toBeLessThan(1e-5);
    expect(relativeError(ours.referenceOutput, theirs.referenceOutput)).toBeLessThan(1e-5);
    // Measured 4.3e-7 (tiny), 6.2e-7 (grid), 9.6e-6 (camformer-mini): a ReLU's multiplier Δy / Δz for |Δz| just
    // above the 1e-6 threshold carries a float32 rounding error of up to ε · |z| / |Δz|, which the two engines'
    // summation orders move differently.
    expect(relativeError(ours.multipliers, theirs.multipliers)).toBeLessThan(1e-4);
    const row = x.data.length / inputs.length;
    for (let i = 0; i < inputs.length; i++) {
      let sum = 0;
      for (let j = i * row; j < (i + 1) * row; j++) sum += (x.data[j]! - r.data[j]!) * ours.multipliers[j]!;
      const delta = ours.output[i]! - ours.referenceOutput[i]!;
      expect(Math.abs(sum - delta), `pair ${i}`).toBeLessThan(1e-4 * Math.max(1, Math.abs(delta)));
    }
    model.dispose();
  });

  it('is what differentiable() uses on the ONNX engine; mismatched references are refused', async () => {
    const model = perturbed(buildModel(EVAL_CHECK_CONFIGS[0][1] as never, { seed: 5 }), 2);
    const { inputs, references } = pairs(3, EVAL_CHECK_CONFIGS[0][2], 8);
    const [x, r] = [encode(inputs, model.encoding), encode(references, model.encoding)];
    const onnx = await differentiable(model, { engine: 'onnx' }).deepLift!(x, r);
    const tfjs = await differentiable(model, { engine: 'tfjs' }).deepLift!(x, r);
    expect(relativeError(onnx.multipliers, tfjs.multipliers)).toBeLessThan(1e-5);
    await expect(deepLiftOnnx(model, x, encode(references.slice(0, 2), model.encoding))).rejects.toThrow(ModelError);
    model.dispose();
  });
});
