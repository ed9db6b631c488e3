// The one training loop: batching, maxSteps, dropLast, early stopping, best-weight restore, checkpoints every N
// steps and exact resume mid-epoch — on a plain-JS linear model (exact arithmetic) and on a tiny Camformer CNN.
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OptionError } from '../../../src/errors';
import { initBackend } from '../../../src/kernels/tensor/backend';
import { trainLoop, type ProgressEvent, type StepSettings, type TrainingRun } from '../../../src/kernels/tensor/loop';
import { CHECKPOINT_FILE, readCheckpointFile, type NamedArray } from '../../../src/kernels/tensor/checkpoint';
import { buildModel } from '../../../src/kernels/camformer/model';
import { fit } from '../../../src/kernels/camformer/train';
import { plantedData, TINY } from '../../helpers/models';
import { tempDir } from '../../helpers/paths';

/** y = 2x + 1 learned by SGD with momentum; validation score = −MSE on a held-out grid. */
function linearRun(n = 40, options: { valScores?: number[] } = {}): TrainingRun & { w: number; b: number; batches: number[][] } {
  const xs = Float32Array.from({ length: n }, (_, i) => i / n);
  const ys = xs.map((x) => 2 * x + 1);
  let epochCalls = 0;
  const run = {
    examples: n, w: 0, b: 0, mw: 0, mb: 0, t: 0, batches: [] as number[][],
    step(rows: Int32Array, { learningRate: lr }: StepSettings) {
      run.batches.push(Array.from(rows));
      let gw = 0, gb = 0, loss = 0;
      for (const r of rows) {
        const e = run.w * xs[r]! + run.b - ys[r]!;
        gw += (2 * e * xs[r]!) / rows.length;
        gb += (2 * e) / rows.length;
        loss += (e * e) / rows.length;
      }
      run.t++;
      // float32 state, as a real engine holds it, so a checkpoint round trip is exact
      run.mw = Math.fround(0.9 * run.mw + gw);
      run.mb = Math.fround(0.9 * run.mb + gb);
      run.w = Math.fround(run.w - lr * run.mw);
      run.b = Math.fround(run.b - lr * run.mb);
      return { loss, metrics: { gw } };
    },
    validate() {
      const scripted = options.valScores?.[epochCalls++];
      let mse = 0;
      for (let i = 0; i < 10; i++) mse += (run.w * (i / 10) + run.b - (2 * (i / 10) + 1)) ** 2 / 10;
      return { loss: mse, score: scripted ?? -mse };
    },
    weights: (): NamedArray[] => [{ name: 'w', shape: [1], data: Float32Array.of(run.w) }, { name: 'b', shape: [1], data: Float32Array.of(run.b) }],
    setWeights(weights: readonly NamedArray[]) {
      run.w = weights.find((a) => a.name === 'w')!.data[0]!;
      run.b = weights.find((a) => a.name === 'b')!.data[0]!;
    },
    optimizerState: () => ({ step: run.t, arrays: [{ name: 'mw', shape: [1], data: Float32Array.of(run.mw) }, { name: 'mb', shape: [1], data: Float32Array.of(run.mb) }] }),
    setOptimizerState(state: { step: number; arrays: readonly NamedArray[] }) {
      run.t = state.step;
      run.mw = state.arrays.find((a) => a.name === 'mw')!.data[0]!;
      run.mb = state.arrays.find((a) => a.name === 'mb')!.data[0]!;
    },
    describe: () => ({ family: 'linear', n }),
  };
  return run;
}

describe('trainLoop', () => {
  it('visits every example once per epoch in seeded batches, keeping the last partial batch', async () => {
    const run = linearRun(10);
    const history = await trainLoop(run, { epochs: 2, batchSize: 4, learningRate: 0.05, seed: 1 });
    expect(history).toHaveLength(2);
    expect(run.batches.map((b) => b.length)).toEqual([4, 4, 2, 4, 4, 2]);
    expect([...run.batches.slice(0, 3).flat()].sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    expect(run.batches.slice(0, 3).flat()).not.toEqual(run.batches.slice(3).flat()); // reshuffled per epoch
    expect(history[1]!.step).toBe(6);
    expect(history[0]!.gw).toBeTypeOf('number'); // step metrics become history columns
  });

  it('drops the last partial batch with dropLast, and stops after maxSteps with a row for the partial epoch', async () => {
    const dropped = linearRun(10);
    await trainLoop(dropped, { epochs: 1, batchSize: 4, learningRate: 0.05, dropLast: true });
    expect(dropped.batches.map((b) => b.length)).toEqual([4, 4]);

    const events: ProgressEvent[] = [];
    const limited = linearRun(40);
    const history = await trainLoop(limited, { epochs: 5, batchSize: 8, learningRate: 0.05, maxSteps: 7, onProgress: (e) => events.push(e) });
    expect(limited.batches).toHaveLength(7);
    expect(history.map((r) => r.step)).toEqual([5, 7]);
    const end = events.at(-1)!;
    expect(end).toMatchObject({ type: 'end', stopped: 'max-steps', step: 7, steps: 7 });
    expect(events.filter((e) => e.type === 'batch').every((e) => e.steps === 7 && e.etaSeconds >= 0)).toBe(true);
  });

  it('stops early after `patience` epochs without a better score and puts the best weights back', async () => {
    const run = linearRun(20, { valScores: [1, 3, 2, 2, 2, 2] });
    let atBest: number | undefined;
    const history = await trainLoop(run, {
      epochs: 6, batchSize: 5, learningRate: 0.05, patience: 2,
      callbacks: [{ onEpoch: (e) => { if (e.epoch === 2) atBest = run.w; } }],
    });
    expect(history).toHaveLength(4); // epochs 3 and 4 are not better than epoch 2
    expect(run.w).toBe(atBest);
  });

  it('resumes from a checkpoint written mid-epoch exactly as the uninterrupted run continues', async () => {
    const whole = linearRun(30);
    const reference = await trainLoop(whole, { epochs: 3, batchSize: 4, learningRate: 0.05, seed: 2 });

    const dir = tempDir('cislab-loop-');
    const first = linearRun(30);
    await trainLoop(first, { epochs: 3, batchSize: 4, learningRate: 0.05, seed: 2, checkpointDir: dir, checkpointEvery: 3, maxSteps: 11 });
    const saved = readCheckpointFile(join(dir, CHECKPOINT_FILE));
    expect((saved.info['loop'] as { step: number; batch: number }).step).toBe(11);
    expect((saved.info['loop'] as { history: unknown[] }).history).toHaveLength(1); // the partial epoch is not recorded

    const second = linearRun(30);
    const resumed = await trainLoop(second, { epochs: 3, batchSize: 4, learningRate: 0.05, seed: 2, checkpointDir: dir, resume: true });
    expect(second.w).toBe(whole.w);
    expect(second.b).toBe(whole.b);
    expect(resumed.map((r) => [r.epoch, r.step, r.trainLoss, r.valLoss])).toEqual(reference.map((r) => [r.epoch, r.step, r.trainLoss, r.valLoss]));
    expect([...first.batches, ...second.batches]).toEqual(whole.batches);
  });

  it('refuses a checkpoint of another run, and bad options by name', async () => {
    const dir = tempDir('cislab-loop-');
    await trainLoop(linearRun(10), { epochs: 1, batchSize: 4, learningRate: 0.05, checkpointDir: dir });
    await expect(trainLoop(linearRun(12), { epochs: 1, batchSize: 4, learningRate: 0.05, checkpointDir: dir, resume: true }))
      .rejects.toThrow(/different model or data set/);
    await expect(trainLoop(linearRun(10), { epochs: 0, batchSize: 4, learningRate: 0.05 })).rejects.toMatchObject({ option: 'epochs' });
    await expect(trainLoop(linearRun(3), { epochs: 1, batchSize: 4, learningRate: 0.05, dropLast: true })).rejects.toBeInstanceOf(OptionError);
    await expect(trainLoop(linearRun(10), { epochs: 1, batchSize: 4, learningRate: 0.05, resume: true })).rejects.toMatchObject({ option: 'resume' });
  });
});

describe('Camformer fit through the loop', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('resumes a checkpoint taken mid-epoch to the same weights as an uninterrupted run', async () => {
    const data = plantedData(300, 5);
    const options = { epochs: 2, batchSize: 32, seed: 9, lr: 1e-2 };
    const whole = buildModel(TINY, { seed: 2 });
    await fit(whole, { x: data.x, y: data.y }, options);

    const dir = tempDir('cislab-fit-');
    const interrupted = buildModel(TINY, { seed: 2 });
    await fit(interrupted, { x: data.x, y: data.y }, { ...options, checkpointDir: dir, checkpointEvery: 4, maxSteps: 13 });
    expect(existsSync(join(dir, CHECKPOINT_FILE))).toBe(true);
    const resumed = buildModel(TINY, { seed: 77 }); // other initial weights: the checkpoint must replace them all
    const history = await fit(resumed, { x: data.x, y: data.y }, { ...options, checkpointDir: dir, resume: true });
    expect(history.map((r) => r.epoch)).toEqual([1, 2]);
    for (const [name, v] of whole.params) {
      expect(Array.from(resumed.params.get(name)!.dataSync())).toEqual(Array.from(v.dataSync()));
    }
    for (const m of [whole, interrupted, resumed]) m.dispose();
  });
});
