// Training through the one loop on ONNX Runtime: the first step's loss and update equal the tfjs run's, a
// seeded run repeats exactly, a resumed run (mid-epoch checkpoint, partial last batch) equals the uninterrupted
// one, best-epoch restore and early stopping act as with tfjs, the weights end up in the tfjs Model (saved,
// loaded and predicted unchanged), and the engine option is checked.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OptionError } from '../../../src/errors';
import { initBackend } from '../../../src/kernels/tensor/backend';
import { buildModel, type Model } from '../../../src/kernels/camformer/model';
import { fit, type FitOptions, type ProgressEvent } from '../../../src/kernels/camformer/train';
import { chooseTrainingEngine, type EngineChoice } from '../../../src/kernels/camformer/engine';
import { predict } from '../../../src/kernels/camformer/predict';
import { loadModel, saveModel } from '../../../src/kernels/camformer/persistence';
import { modelWeights } from '../../../src/kernels/camformer/onnx/bridge';
import { pearson, spearman } from '../../../src/stats/correlation';
import { TINY, plantedData } from '../../helpers/models';

beforeAll(async () => { await initBackend({ backend: 'wasm' }); });

// 150 rows, 12 held out: 138 training rows in batches of 16 → 8 full batches and one of 10.
const data = plantedData(150, 1);
const held = plantedData(60, 2);
const NO_DROPOUT = { ...TINY, convs: TINY.convs!.map((l) => ({ ...l, dropout: 0 })) };
const base: FitOptions = { epochs: 2, batchSize: 16, seed: 3, lr: 1e-3, schedule: 'constant' };
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

async function trained(config: typeof TINY, options: FitOptions, modelSeed = 5): Promise<{ model: Model; history: Awaited<ReturnType<typeof fit>> }> {
  const model = buildModel(config, { seed: modelSeed });
  const history = await fit(model, { x: data.x, y: data.y }, options);
  return { model, history };
}

function maxRelativeError(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  let worst = 0;
  for (const [name, x] of a) {
    const y = b.get(name)!;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!) / Math.max(Math.abs(y[i]!), 1e-2));
  }
  return worst;
}

describe('fit on ONNX Runtime', () => {
  it('takes the same first step as tfjs (loss and updated weights)', async () => {
    const options: FitOptions = { ...base, epochs: 1, maxSteps: 1, validation: 0.08 };
    const onnx = await trained(NO_DROPOUT, { ...options, engine: 'onnx' });
    const tfjs = await trained(NO_DROPOUT, { ...options, engine: 'tfjs', workers: 1 });
    expect(onnx.history[0]!.trainLoss).toBeCloseTo(tfjs.history[0]!.trainLoss, 5);
    expect(Math.abs(onnx.history[0]!.trainLoss - tfjs.history[0]!.trainLoss) / tfjs.history[0]!.trainLoss).toBeLessThan(1e-5);
    // One AdamW step from equal weights moves each weight by about lr: compare at a scale of 1e-2.
    expect(maxRelativeError(modelWeights(onnx.model), modelWeights(tfjs.model))).toBeLessThan(1e-4);
    expect(onnx.history[0]!.valPearson).toBeCloseTo(tfjs.history[0]!.valPearson!, 4);
    onnx.model.dispose();
    tfjs.model.dispose();
  });

  it('trains the same model as tfjs with dropout on (same masks per step seed): weights and predictions after 3 epochs', async () => {
    const options: FitOptions = { ...base, epochs: 3, validation: 0.08, patience: 10 };
    const onnx = await trained(TINY, { ...options, engine: 'onnx' });
    const tfjs = await trained(TINY, { ...options, engine: 'tfjs', workers: 1 });
    // 27 AdamW steps through dropout: float32 rounding alone separates the two (measured ~1e-6).
    for (let e = 0; e < 3; e++) expect(onnx.history[e]!.trainLoss).toBeCloseTo(tfjs.history[e]!.trainLoss, 5);
    expect(maxRelativeError(modelWeights(onnx.model), modelWeights(tfjs.model))).toBeLessThan(1e-4);
    const a = await predict(onnx.model, held.x);
    const b = await predict(tfjs.model, held.x);
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-4);
    onnx.model.dispose();
    tfjs.model.dispose();
  });

  it('repeats from a seed, reports its engine, and resumes mid-epoch exactly (partial last batch, dropout on)', async () => {
    const events: ProgressEvent[] = [];
    const choices: EngineChoice[] = [];
    const options: FitOptions = { ...base, epochs: 3, engine: 'onnx', restoreBest: false };
    const a = await trained(TINY, { ...options, onProgress: (e) => events.push(e), onEngine: (c) => choices.push(c) });
    const b = await trained(TINY, options);
    expect(choices).toEqual([{ engine: 'onnx', reason: 'asked for' }]);
    expect(new Set(events.map((e) => e.engine))).toEqual(new Set(['onnx']));
    expect(events.filter((e) => e.type === 'batch')).toHaveLength(27);
    expect(b.history.map((r) => r.trainLoss)).toEqual(a.history.map((r) => r.trainLoss));
    const pa = await predict(a.model, held.x, { engine: 'tfjs' });
    expect(Array.from(await predict(b.model, held.x, { engine: 'tfjs' }))).toEqual(Array.from(pa));

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cislab-onnx-run-'));
    dirs.push(dir);
    const ckpt = path.join(dir, 'ckpt');
    // Stop after 13 steps (epoch 2, batch 4, with a checkpoint every 5 steps), then resume to the end.
    await trained(TINY, { ...options, maxSteps: 13, checkpointDir: ckpt, checkpointEvery: 5 });
    const resumed = await trained(TINY, { ...options, checkpointDir: ckpt, resume: true });
    expect(resumed.history.map((r) => [r.epoch, r.step, r.trainLoss, r.valLoss])).toEqual(a.history.map((r) => [r.epoch, r.step, r.trainLoss, r.valLoss]));
    expect(Array.from(await predict(resumed.model, held.x, { engine: 'tfjs' }))).toEqual(Array.from(pa));
    for (const m of [a, b, resumed]) m.model.dispose();
  });

  it('restores the best epoch, stops early, and the trained model saves, loads and predicts unchanged', async () => {
    const { model, history } = await trained(TINY, {
      ...base, epochs: 20, lr: 2e-2, patience: 1, engine: 'onnx', validation: { x: held.x, y: held.y },
    }, 4); // a start from which this tiny net learns at lr 2e-2 (from some, its dense ReLUs die on both engines)
    const scores = history.map((r) => r.score);
    const best = Math.max(...scores);
    // Patience 1: the run stops at the first epoch that does not improve, so the best is the one before it,
    // and the weights kept are not the last epoch's.
    expect(history.length).toBeGreaterThanOrEqual(3);
    expect(history.length).toBeLessThan(20);
    expect(scores.indexOf(best)).toBe(history.length - 2);
    expect(scores.at(-1)!).toBeLessThan(best);
    // The model holds the best epoch's weights: its validation r + ρ is the best score (tfjs predicting).
    const p = await predict(model, held.x, { engine: 'tfjs' });
    expect(pearson(p, held.y) + spearman(p, held.y)).toBeCloseTo(best, 4);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cislab-onnx-save-'));
    dirs.push(dir);
    saveModel(model, path.join(dir, 'model'));
    const loaded = loadModel(path.join(dir, 'model'));
    expect(Array.from(await predict(loaded, held.x, { engine: 'tfjs' }))).toEqual(Array.from(p));
    const viaOnnx = await predict(loaded, held.x, { engine: 'onnx' });
    for (let i = 0; i < p.length; i++) expect(viaOnnx[i]).toBeCloseTo(p[i]!, 4);
    model.dispose();
    loaded.dispose();
  });

  it('resumes a tfjs checkpoint on ONNX Runtime (one checkpoint format, optimiser state included)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cislab-cross-'));
    dirs.push(dir);
    const ckpt = path.join(dir, 'ckpt');
    const options: FitOptions = { ...base, epochs: 2, restoreBest: false, checkpointDir: ckpt };
    const tfjs = await trained(NO_DROPOUT, { ...options, engine: 'tfjs', workers: 1, maxSteps: 12 });
    const resumed = await trained(NO_DROPOUT, { ...options, engine: 'onnx', resume: true });
    expect(resumed.history.map((r) => [r.epoch, r.step])).toEqual([[1, 9], [2, 18]]);
    expect(resumed.history[0]!.trainLoss).toBe(tfjs.history[0]!.trainLoss); // epoch 1 was done on tfjs
    // The continued run took its moments from the checkpoint: its first ONNX step equals a tfjs continuation's.
    const both = await trained(NO_DROPOUT, { ...options, checkpointDir: path.join(dir, 'ref'), engine: 'tfjs', workers: 1 });
    expect(Math.abs(resumed.history[1]!.trainLoss - both.history[1]!.trainLoss)).toBeLessThan(1e-4);
    for (const m of [tfjs, resumed, both]) m.model.dispose();
  });

  it('scores validation as tfjs does with the recipe\'s Huber δ and dropped last validation batch', async () => {
    // 45 validation rows in batches of 16: the 32 rows of this epoch's two full batches are scored, on both engines.
    const options: FitOptions = { ...base, epochs: 1, maxSteps: 1, validation: 0.3, loss: 'huber', huberDelta: 0.9, validationDropLast: true };
    const onnx = await trained(NO_DROPOUT, { ...options, engine: 'onnx' });
    const tfjs = await trained(NO_DROPOUT, { ...options, engine: 'tfjs', workers: 1 });
    expect(Math.abs(onnx.history[0]!.trainLoss - tfjs.history[0]!.trainLoss) / tfjs.history[0]!.trainLoss).toBeLessThan(1e-5);
    expect(onnx.history[0]!.valLoss).toBeCloseTo(tfjs.history[0]!.valLoss, 5);
    expect(onnx.history[0]!.valPearson).toBeCloseTo(tfjs.history[0]!.valPearson!, 4);
    onnx.model.dispose();
    tfjs.model.dispose();
  });

  it('sends a schedule that cycles β₁ (the paper-large recipe) to tfjs', async () => {
    expect(chooseTrainingEngine({ engine: 'auto', optimizer: 'adamw', cyclesMomentum: true }).engine).toBe('tfjs');
    expect(() => chooseTrainingEngine({ engine: 'onnx', optimizer: 'adamw', cyclesMomentum: true })).toThrow(/cycles β₁/);
    const model = buildModel(TINY, { seed: 1 });
    const onecycle: FitOptions = { ...base, schedule: 'onecycle', scheduleOptions: { cycleMomentum: true } };
    await expect(fit(model, { x: data.x, y: data.y }, { ...onecycle, engine: 'onnx' })).rejects.toThrow(OptionError);
    const choices: EngineChoice[] = [];
    await fit(model, { x: data.x, y: data.y }, { ...onecycle, epochs: 1, maxSteps: 2, workers: 1, onEngine: (c) => choices.push(c) });
    expect(choices.map((c) => c.engine)).toEqual(['tfjs']);
    model.dispose();
  });

  it('checks the engine option', async () => {
    const model = buildModel(TINY, { seed: 1 });
    await expect(fit(model, { x: data.x, y: data.y }, { ...base, engine: 'gpu' as never })).rejects.toThrow(OptionError);
    await expect(fit(model, { x: data.x, y: data.y }, { ...base, engine: 'gpu' as never })).rejects.toThrow(/unknown training engine 'gpu'; expected auto, onnx, tfjs/);
    await expect(fit(model, { x: data.x, y: data.y }, { ...base, engine: 'onnx', optimizer: 'sgd' })).rejects.toThrow(/no compiled ONNX update/);
    expect(chooseTrainingEngine({ engine: 'auto', optimizer: 'sgd' }).engine).toBe('tfjs');
    expect(chooseTrainingEngine({ engine: 'auto', optimizer: 'adamw' }).engine).toBe('onnx');
    expect(chooseTrainingEngine({ engine: 'tfjs', optimizer: 'adamw' })).toEqual({ engine: 'tfjs', reason: 'asked for' });
    model.dispose();
  });
});
