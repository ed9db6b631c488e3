import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/kernels/tensor/backend';
import { buildModel, type Model } from '../../src/kernels/camformer/model';
import { predict } from '../../src/kernels/camformer/predict';
import type { CnnConfig } from '../../src/kernels/camformer/config';
import { onnxRuntime } from '../../src/kernels/camformer/onnx/runtime';
import { OnnxTrainer } from '../../src/kernels/camformer/onnx/trainer';
import { assignWeights, modelWeights } from '../../src/kernels/camformer/onnx/bridge';
import { compileInference } from '../../src/kernels/camformer/onnx/train-graph';
import { createSession, requireOrt, type OrtTensor } from '../../src/kernels/camformer/onnx/session';
import { paramSpecs, stateSpecs, toGraphLayout } from '../../src/kernels/camformer/onnx/layout';
import { encode, type Encoded } from '../../src/data/encode';
import { ismScores } from '../../src/interpret/ism';
import { fastIsmDense, fastIsmScores, useFastIsm } from '../../src/interpret/ism-fast';
import { ismDense } from '../../src/interpret/ism-dense';
import { sequenceCodes } from '../../src/interpret/ism';
import { ensemble } from '../../src/kernels/camformer/predict';
import { promoters } from '../../src/dsl/promoters';
import { createRandom } from '../../src/stats/random';
import { OptionError } from '../../src/errors';
import { TINY } from '../helpers/models';
import { GRID, relativeError } from '../helpers/onnx-training';

const haveOrt = onnxRuntime() !== undefined;
beforeAll(async () => { await initBackend({ backend: 'wasm' }); });

/** A model with non-trivial running statistics (as after training), and sequences with an N in them. */
function setup(config: Partial<CnnConfig>, n: number): { model: Model; sequences: string[] } {
  const model = buildModel(config, { seed: 2 });
  const rng = createRandom(3);
  for (const [k, v] of model.state) {
    v.assign(tf.tensor(Float32Array.from({ length: v.size }, () => (k.endsWith('Mean') ? 0.1 * rng.normal() : 0.5 + rng.float())), v.shape));
  }
  model.markChanged();
  const sequences = Array.from({ length: n }, (_, i) => Array.from({ length: model.inputLength }, (_, j) => (i === 1 && j === 3 ? 'N' : 'ACGT'[rng.int(4)])).join(''));
  return { model, sequences };
}

/** Full-model predictions in float64 (the double-precision inference graph), as ground truth. */
async function float64Predictor(model: Model): Promise<(b: Encoded) => Promise<Float64Array>> {
  const ort = requireOrt();
  const c = model.config;
  const session = await createSession(compileInference(c, { precision: 'double' }));
  const w = modelWeights(model);
  const feeds: Record<string, OrtTensor> = {};
  for (const p of paramSpecs(c)) feeds[p.name] = new ort.Tensor('float64', Float64Array.from(toGraphLayout(c, p, w.get(p.name)!)), p.graphShape);
  for (const st of stateSpecs(c)) feeds[st.name] = new ort.Tensor('float64', Float64Array.from(w.get(st.name)!), st.shape);
  return async (b) => {
    const out = await session.run({ ...feeds, x: new ort.Tensor('float64', Float64Array.from(b.data), b.shape) });
    return out.y!.data as Float64Array;
  };
}

describe.runIf(haveOrt)('fastIsmScores', () => {
  it.each([['tiny', TINY], ['grid', GRID]] as const)('%s config: the table of full ISM, every position incl. the edges and an N', async (_, config) => {
    const { model, sequences } = setup(config, 5);
    const region = { start: 1, end: model.inputLength };
    const full = await ismScores((b) => predict(model, b, { engine: 'tfjs' }), sequences, { encoding: model.encoding, region });
    const fast = await fastIsmScores(model, sequences, { region, sequencesPerBatch: 2 });
    expect(fast.numRows()).toBe(full.numRows());
    for (const col of ['id', 'position', 'ref', 'alt']) expect(fast.array(col), col).toEqual(full.array(col));
    for (const col of ['prediction', 'reference', 'effect']) {
      expect(relativeError(fast.array(col) as number[], full.array(col) as number[]), col).toBeLessThan(1e-5);
    }
    model.dispose();
  });

  it('is exact: in float64 it equals float64 full ISM to rounding (1e-10), from a trainer or plain weights', async () => {
    const { model, sequences } = setup(GRID, 3);
    const trainer = await OnnxTrainer.create(model.config, { weights: modelWeights(model) });
    const region = { start: 1, end: model.inputLength };
    const full = await ismScores(await float64Predictor(model), sequences, { encoding: model.encoding, region });
    const fast = await fastIsmScores({ config: model.config, weights: modelWeights(model) }, sequences, { region, precision: 'double' });
    expect(relativeError(fast.array('effect') as number[], full.array('effect') as number[])).toBeLessThan(1e-10);
    const viaTrainer = await fastIsmScores(trainer, sequences.slice(0, 1), { region: { start: 5, end: 9 } });
    expect(viaTrainer.numRows()).toBe(15);
    trainer.dispose();
    model.dispose();
  });

  it('camformer-mini with the running statistics of a batch: equals float64 full ISM to 1e-5', async () => {
    const config = { base: 'camformer-mini' as const, batchNormMomentum: 1 };
    const rng = createRandom(5);
    const batch = Array.from({ length: 32 }, () => Array.from({ length: 110 }, () => 'ACGT'[rng.int(4)]).join(''));
    const trainer = await OnnxTrainer.create(config, { seed: 2 });
    await trainer.step(encode(batch, 'onehotWithP').data, new Float32Array(32), 0, 1); // lr 0: only the statistics move
    const model = buildModel(config);
    assignWeights(model, trainer.weights());
    const region = { start: 40, end: 70 };
    const full = await ismScores(await float64Predictor(model), batch.slice(0, 1), { encoding: model.encoding, region });
    const fast = await fastIsmScores(trainer, batch.slice(0, 1), { region });
    expect(relativeError(fast.array('effect') as number[], full.array('effect') as number[])).toBeLessThan(1e-5);
    trainer.dispose();
    model.dispose();
  });

  it('rejects a region outside the sequences and sequences of another length', async () => {
    const { model, sequences } = setup(TINY, 1);
    await expect(fastIsmScores(model, sequences, { region: { start: 0, end: 5 } })).rejects.toThrow(OptionError);
    await expect(fastIsmScores(model, ['ACGT'])).rejects.toThrow(OptionError);
    model.dispose();
  });

  it('fastIsmDense gives ismDense\'s arrays (what cislab ism streams), N positions included', async () => {
    const { model, sequences } = setup(TINY, 4);
    const region = { start: 2, end: 12 };
    const codes = sequenceCodes(sequences);
    const full = await ismDense((b) => predict(model, b, { engine: 'tfjs' }), codes, model.inputLength, { region, encoding: model.encoding });
    const fast = await fastIsmDense(model, codes, model.inputLength, { region });
    expect(Array.from(fast.refCodes)).toEqual(Array.from(full.refCodes));
    expect(relativeError(Array.from(fast.reference), Array.from(full.reference))).toBeLessThan(1e-5);
    expect(relativeError(Array.from(fast.predictions), Array.from(full.predictions))).toBeLessThan(1e-5);
    model.dispose();
  });

  it('is what the DSL\'s .ism() runs on the default engine; tfjs gives the same table, ensembles run in full', async () => {
    const config = { name: 'dsl', encoding: 'onehot' as const, inputLength: 110, convs: [{ channels: 8, kernel: 6, padding: 'same' as const, dropout: 0 }], residual: [], dense: [8], denseDropouts: [0] };
    const data = promoters.simulate({ n: 3, seed: 2 });
    const model = buildModel(config, { seed: 4 });
    expect(useFastIsm(model)).toBe(true);
    expect(useFastIsm(model, 'tfjs')).toBe(false);
    expect(useFastIsm(ensemble([model, model]))).toBe(false);
    const fast = (await data.model(model, { untrained: true }).ism()).table;
    const full = (await data.model(model, { untrained: true }).ism({ engine: 'tfjs' })).table;
    expect(fast.numRows()).toBe(3 * 240);
    for (const col of ['id', 'position', 'ref', 'alt']) expect(fast.array(col), col).toEqual(full.array(col));
    expect(relativeError(fast.array('effect') as number[], full.array('effect') as number[])).toBeLessThan(1e-5);
    model.dispose();
  });
});
