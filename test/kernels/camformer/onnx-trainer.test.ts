import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/kernels/tensor/backend';
import { buildModel } from '../../../src/kernels/camformer/model';
import { resolveConfig, type CnnConfig } from '../../../src/kernels/camformer/config';
import { batchGradients, trainStep } from '../../../src/kernels/camformer/step';
import { createOptimizer, type OptimizerName } from '../../../src/kernels/tensor/optimizers';
import { dropoutMask } from '../../../src/kernels/tensor/ops';
import { predict } from '../../../src/kernels/camformer/predict';
import { loadModel, saveModel } from '../../../src/kernels/camformer/persistence';
import { onnxRuntime } from '../../../src/kernels/camformer/onnx/runtime';
import { OnnxTrainer } from '../../../src/kernels/camformer/onnx/trainer';
import { assignWeights, modelWeights, trainerFromModel } from '../../../src/kernels/camformer/onnx/bridge';
import { initialWeights } from '../../../src/kernels/camformer/onnx/initial-weights';
import { MaskSource, fillKeepMask, toGraphMaskOrder } from '../../../src/kernels/camformer/onnx/masks';
import { compileInference, compileTraining, maskSpecs } from '../../../src/kernels/camformer/onnx/train-graph';
import { createSession } from '../../../src/kernels/camformer/onnx/session';
import { ModelError, OptionError } from '../../../src/errors';
import { TINY, plantedData } from '../../helpers/models';
import { GRID, arrays, relativeError, tfjsMasks } from '../../helpers/onnx-training';
import { tempDir } from '../../helpers/paths';

const haveOrt = onnxRuntime() !== undefined;
if (process.env.CI && !haveOrt) throw new Error('onnxruntime-node did not install (optional dependency; CI expects it)');

beforeAll(async () => { await initBackend({ backend: 'wasm' }); });

function batch(config: Partial<CnnConfig>, n: number, seed: number) {
  const c = resolveConfig(config);
  const data = plantedData(n, seed);
  if (c.inputLength === 30 && c.encoding === 'onehotWithP') return { x: data.x.data, y: data.y };
  const x = new Float32Array(n * c.inputLength * c.inputChannels);
  for (let i = 0; i < n * c.inputLength; i++) x[i * c.inputChannels + ((i * 7 + seed) % c.inputChannels)] = 1;
  return { x, y: data.y };
}

describe.runIf(haveOrt)('ONNX training step vs the tfjs step (same weights, same masks)', () => {
  it.each([
    ['tiny', 'l1'], ['tiny', 'mse'], ['tiny', 'huber'], ['grid', 'l1'],
  ] as const)('%s config, %s loss: gradients agree to 1e-5, also for a partial batch of 7', async (which, loss) => {
    const config = which === 'tiny' ? TINY : GRID;
    for (const n of [12, 7]) {
      const model = buildModel(config, { seed: 3 });
      const { x, y } = batch(config, n, 5);
      const masks = tfjsMasks(model.config, 77, n);
      const trainer = await OnnxTrainer.create(model.config, { weights: modelWeights(model), gradients: true, loss });
      const ours = await trainer.gradients(x, y, 0, { masks: masks.graph });
      const xt = tf.tensor3d(x, [n, model.inputLength, model.inputChannels]);
      const yt = tf.tensor1d(y);
      const ref = batchGradients(model, xt, yt, { loss, dropoutSeed: 77, microBatch: n });
      expect(Math.abs(ours.loss - ref.loss) / ref.loss).toBeLessThan(1e-5);
      for (const [name, g] of ours.grads) {
        if (name.startsWith('conv') && name.endsWith('/bias')) {
          expect(ref.grads[name]).toBeUndefined(); // neither engine trains conv biases (batch norm cancels them)
          continue;
        }
        expect(relativeError(g, ref.grads[name]!.dataSync()), name).toBeLessThan(1e-5);
      }
      tf.dispose([xt, yt, ...Object.values(ref.grads)]);
      trainer.dispose();
      model.dispose();
    }
  });

  it.each(['adamw', 'lion'] as OptimizerName[])('%s: two full updates (weights, moments, running statistics) agree to 1e-5', async (name) => {
    const model = buildModel(GRID, { seed: 8 });
    const n = 10;
    const { x, y } = batch(GRID, n, 2);
    const trainer = await OnnxTrainer.create(model.config, { weights: modelWeights(model), optimizer: name, weightDecay: 0.01 });
    const optimizer = createOptimizer(name, { weightDecay: 0.01 });
    const xt = tf.tensor3d(x, [n, model.inputLength, model.inputChannels]);
    const yt = tf.tensor1d(y);
    for (const [step, seed] of [[1, 11], [2, 12]] as const) {
      const ref = await trainStep(model, optimizer, xt, yt, { lr: 3e-3, dropoutSeed: seed, microBatch: n });
      const loss = await trainer.step(x, y, 3e-3, 0, { masks: tfjsMasks(model.config, seed, n).graph });
      expect(Math.abs(loss - ref) / ref).toBeLessThan(1e-5);
      expect(trainer.stepCount).toBe(step);
    }
    const ours = trainer.weights();
    for (const [k, v] of modelWeights(model)) expect(relativeError(ours.get(k)!, v), k).toBeLessThan(1e-5);
    const state = trainer.optimizerState();
    const theirs = optimizer.getState();
    expect(state.step).toBe(theirs.step);
    expect([...state.tensors.keys()].sort()).toEqual([...theirs.tensors.keys()].sort());
    for (const [k, v] of arrays(theirs.tensors)) expect(relativeError(state.tensors.get(k)!, v), k).toBeLessThan(1e-5);
    tf.dispose([xt, yt]);
    optimizer.dispose();
    trainer.dispose();
    model.dispose();
  });
});

describe.runIf(haveOrt)('OnnxTrainer', () => {
  it('compiles every preset and both graphs load in ONNX Runtime', async () => {
    for (const name of ['camformer-mini', 'camformer-small', 'camformer'] as const) {
      const c = resolveConfig(name);
      const compiled = compileTraining(c);
      expect(compiled.params.length).toBe(6 * 4 + 2 * (c.dense.length + 1));
      await (await createSession(compiled.model)).release();
      await (await createSession(compileInference(c))).release();
    }
  });

  it('starts from the same weights as buildModel for a seed', () => {
    const model = buildModel(GRID, { seed: 21 });
    const fresh = initialWeights(model.config, 21);
    for (const [k, v] of modelWeights(model)) expect(Array.from(fresh.get(k)!), k).toEqual(Array.from(v));
    model.dispose();
  });

  it('draws the tfjs engine\'s xorshift stream for its masks (same bits, same rate)', () => {
    for (const size of [1000, 1001]) {
      const out = new Uint8Array(size);
      fillKeepMask(out, 0.3, 12345);
      const t = dropoutMask([size], 0.3, 12345);
      expect(Array.from(out)).toEqual(Array.from(t.dataSync(), (v) => (v > 0 ? 1 : 0)));
      t.dispose();
    }
    const big = new Uint8Array(200_000);
    fillKeepMask(big, 0.25, 7);
    expect(big.reduce((s, v) => s + v, 0) / big.length).toBeCloseTo(0.75, 2);
  });

  // TINY's 8 channels and batches of 16 and 8 take the word-wise transposition, GRID's 6 and 5 the byte-wise one.
  it.each([['grid', GRID], ['tiny', TINY]] as const)('%s: drops exactly the units the tfjs engine drops for a step seed (conv and dense layers, any batch size)', (_, config) => {
    const c = resolveConfig(config);
    const source = new MaskSource(maskSpecs(c));
    for (const [seed, n] of [[77, 5], [123456, 16], [9, 3], [4, 70], [31, 8]] as const) {
      const ours = source.draw(seed, n);
      const theirs = tfjsMasks(c, seed, n).graph;
      expect(Object.keys(ours)).toEqual(Object.keys(theirs));
      for (const spec of maskSpecs(c)) {
        // graph layout [C, Lo, n] / [size, n]: element (c, l, s) is tfjs's (s, l, c)
        const tfjsOrder = theirs[spec.name]!;
        const [channels, length] = spec.shape.length === 2 ? spec.shape : [spec.shape[0]!, 1];
        const expected = Array.from({ length: tfjsOrder.length }, (_, g) => {
          const s = g % n, l = Math.floor(g / n) % length!, ch = Math.floor(g / n / length!);
          return tfjsOrder[(s * length! + l) * channels! + ch]!;
        });
        expect(Array.from(ours[spec.name]!), `${spec.name} seed ${seed} n ${n}`).toEqual(expected);
        expect(Array.from(toGraphMaskOrder(tfjsOrder, new Uint8Array(tfjsOrder.length), spec, n))).toEqual(expected);
        expect(Array.from(toGraphMaskOrder(tfjsOrder, new Uint8Array(tfjsOrder.length), spec, n, true))).toEqual(expected);
      }
    }
  });

  it('repeats a seeded run exactly; another seed gives another run', async () => {
    const { x, y } = batch(TINY, 16, 4);
    const run = async (seeds: number[]) => {
      const trainer = await OnnxTrainer.create(TINY, { seed: 5 });
      const losses = [];
      for (const s of seeds) losses.push(await trainer.step(x, y, 1e-2, s));
      const w = trainer.weights();
      trainer.dispose();
      return { losses, w };
    };
    const a = await run([1, 2, 3]);
    const b = await run([1, 2, 3]);
    const c = await run([1, 2, 4]);
    expect(b.losses).toEqual(a.losses);
    for (const [k, v] of a.w) expect(Array.from(b.w.get(k)!), k).toEqual(Array.from(v));
    expect(c.losses[2]).not.toBe(a.losses[2]);
  });

  it('resumes from weights and optimiser state exactly as the uninterrupted run continues', async () => {
    const { x, y } = batch(TINY, 9, 6);
    const whole = await OnnxTrainer.create(TINY, { seed: 2 });
    for (const s of [1, 2, 3, 4]) await whole.step(x, y, 5e-3, s);
    const first = await OnnxTrainer.create(TINY, { seed: 2 });
    for (const s of [1, 2]) await first.step(x, y, 5e-3, s);
    const resumed = await OnnxTrainer.create(TINY, { weights: first.weights() });
    resumed.setOptimizerState(first.optimizerState());
    for (const s of [3, 4]) await resumed.step(x, y, 5e-3, s);
    const a = whole.weights();
    for (const [k, v] of resumed.weights()) expect(Array.from(v), k).toEqual(Array.from(a.get(k)!));
    for (const t of [whole, first, resumed]) t.dispose();
  });

  it('writes its weights into a tfjs Model: same predictions, and the saved model loads with them', async () => {
    const data = plantedData(40, 9);
    const trainer = await OnnxTrainer.create(TINY, { seed: 3 });
    for (let s = 0; s < 3; s++) await trainer.step(data.x.data, data.y, 1e-2, s); // non-trivial running statistics
    const ours = await trainer.predict(data.x.data);
    const model = buildModel(TINY, { seed: 99 });
    assignWeights(model, trainer.weights());
    const viaTfjs = await predict(model, data.x, { engine: 'tfjs' });
    expect(relativeError(ours, viaTfjs)).toBeLessThan(1e-5);
    const dir = `${tempDir()}/model`;
    saveModel(model, dir);
    const loaded = loadModel(dir);
    const back = await trainerFromModel(loaded);
    expect(Array.from(await back.predict(data.x.data))).toEqual(Array.from(ours));
    for (const t of [trainer, back]) t.dispose();
    model.dispose();
    loaded.dispose();
  });

  it('rejects inputs that do not fit, masks of the wrong size, and gradients() without the flag', async () => {
    const trainer = await OnnxTrainer.create(TINY, { seed: 1 });
    const { x, y } = batch(TINY, 4, 1);
    await expect(trainer.step(x.subarray(1), y, 1e-3, 0)).rejects.toThrow(ModelError);
    await expect(trainer.step(x, y, 1e-3, 0, { masks: { mask1: new Uint8Array(3) } })).rejects.toThrow(OptionError);
    await expect(trainer.gradients(x, y, 0)).rejects.toThrow(OptionError);
    expect(() => trainer.setWeights(new Map())).toThrow(ModelError);
    trainer.dispose();
    await expect(trainer.predict(x)).rejects.toThrow(ModelError);
  });
});

describe.runIf(haveOrt)('OnnxTrainer concurrency', () => {
  it('runs steps and predictions one at a time in call order, even when not awaited in between', async () => {
    const data = plantedData(24, 2);
    const a = await OnnxTrainer.create(TINY, { seed: 4 });
    const b = await OnnxTrainer.create(TINY, { seed: 4 });
    const [, p1, , p2] = await Promise.all([a.step(data.x.data, data.y, 1e-2, 1), a.predict(data.x.data), a.step(data.x.data, data.y, 1e-2, 2), a.predict(data.x.data)]);
    await b.step(data.x.data, data.y, 1e-2, 1);
    const q1 = await b.predict(data.x.data);
    await b.step(data.x.data, data.y, 1e-2, 2);
    const q2 = await b.predict(data.x.data);
    expect(Array.from(p1)).toEqual(Array.from(q1));
    expect(Array.from(p2)).toEqual(Array.from(q2));
    a.dispose();
    b.dispose();
  });
});
