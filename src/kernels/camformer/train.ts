/**
 * The training loop: seeded validation split, shuffled mini-batches, loss, optimiser, schedule, early stopping
 * on validation r + ρ (best weights restored), progress events, a checkpoint per epoch and `resume`.
 * Every random choice (split, shuffle order, dropout masks) derives from one seed and the epoch/batch number,
 * so a resumed run continues exactly as the uninterrupted one would (same backend).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { OptionError } from '../../errors';
import type { Encoded } from '../../data/encode';
import { pearson, spearman } from '../../stats/correlation';
import { createRandom, deriveSeed } from '../../stats/random';
import { loss as lossOf, LOSSES, type LossName } from '../tensor/losses';
import { createOptimizer, type OptimizerName } from '../tensor/optimizers';
import { Schedule, type ScheduleName, type ScheduleOptions } from '../tensor/schedules';
import type { CnnConfig, PresetName } from './config';
import { buildModel, type BuildOptions, type HistoryRow, type Model } from './model';
import { loadModelWithExtras, saveModel } from './persistence';
import { ensemble, type Ensemble } from './predict';
import { parallelTrainStep, trainStep } from './step';
import { predictTensorBatches } from './tfjs-predict';
import { ModelWorker } from './workers/pool';

export interface TrainingData {
  x: Encoded;
  y: ArrayLike<number>;
}

export interface ProgressEvent {
  type: 'batch' | 'epoch' | 'end';
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Mean training loss of the epoch so far. */
  loss: number;
  learningRate: number;
  seqPerSecond: number;
  /** Seconds until the last epoch ends at the current rate (validation excluded). */
  etaSeconds: number;
  valLoss?: number;
  valPearson?: number;
  valSpearman?: number;
  /** Epoch event: whether this epoch is the best so far; end event: whether training stopped early. */
  best?: boolean;
  stoppedEarly?: boolean;
}

export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  loss?: LossName;
  optimizer?: OptimizerName;
  lr?: number;
  weightDecay?: number;
  schedule?: ScheduleName;
  scheduleOptions?: ScheduleOptions;
  /** Held-out data, or the fraction of the training data to hold out (seeded; default 0.08). */
  validation?: TrainingData | number;
  /** Epochs without improvement of validation r + ρ before stopping (default 5; Infinity: never). */
  patience?: number;
  /** Seed of split, shuffling and dropout (default 0). */
  seed?: number;
  /** Put the best epoch's weights back at the end (default true). */
  restoreBest?: boolean;
  /** Directory for the per-epoch checkpoint (a model directory with optimiser state). */
  checkpointDir?: string;
  /** Continue from checkpointDir if it holds a checkpoint. */
  resume?: boolean;
  onProgress?: (event: ProgressEvent) => void;
  /**
   * Threads that share each batch (default 1). With 2, half of every batch runs in a worker thread with its
   * own wasm backend and the gradients are averaged (data parallel); batch-norm statistics are then per half
   * batch, as in PyTorch's DistributedDataParallel without SyncBatchNorm. Needs the compiled worker (npm run build).
   */
  workers?: number;
}

const DEFAULTS = { epochs: 20, batchSize: 256, loss: 'l1' as LossName, optimizer: 'adamw' as OptimizerName, lr: 1e-3, weightDecay: 1e-3, schedule: 'plateau' as ScheduleName, patience: 5, seed: 0 };

/** Rows `indices[start..end)` of an encoded batch as one tensor-ready array. */
export function gatherRows(x: Encoded, indices: ArrayLike<number>, start = 0, end = indices.length): Float32Array {
  const row = x.shape[1] * x.shape[2];
  const out = new Float32Array((end - start) * row);
  for (let i = start; i < end; i++) out.set(x.data.subarray(indices[i]! * row, indices[i]! * row + row), (i - start) * row);
  return out;
}

function subset(d: TrainingData, indices: ArrayLike<number>): TrainingData {
  const y = new Float32Array(indices.length);
  for (let i = 0; i < indices.length; i++) y[i] = d.y[indices[i]!]!;
  return { x: { data: gatherRows(d.x, indices), shape: [indices.length, d.x.shape[1], d.x.shape[2]], encoding: d.x.encoding }, y };
}

/** The seeded hold-out of `fit`: indices of the validation rows, then of the training rows. */
export function validationIndices(n: number, fraction: number, seed: number): { validation: Int32Array; train: Int32Array } {
  const order = createRandom(deriveSeed(seed, 'validation-split')).shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const nVal = Math.round(fraction * n);
  return { validation: order.subarray(0, nVal), train: order.subarray(nVal) };
}

/** Splits off a seeded validation fraction. */
export function splitValidation(d: TrainingData, fraction: number, seed: number): { train: TrainingData; validation: TrainingData } {
  const { validation, train } = validationIndices(d.x.shape[0], fraction, seed);
  return { validation: subset(d, validation), train: subset(d, train) };
}

/** Trains `model` in place; resolves to the history (one row per epoch, also kept in model.history). */
export async function fit(model: Model, data: TrainingData, options: FitOptions = {}): Promise<HistoryRow[]> {
  const o = { ...DEFAULTS, ...options };
  model.checkInput(data.x.shape, 'x');
  if (data.y.length !== data.x.shape[0]) throw new OptionError(`${data.y.length} targets for ${data.x.shape[0]} sequences`, { option: 'y' });
  if (!LOSSES.includes(o.loss)) throw new OptionError(`unknown loss '${o.loss}'; expected ${LOSSES.join(', ')}`, { option: 'loss' });
  if (!(o.batchSize >= 1)) throw new OptionError(`expected a positive batch size, got ${o.batchSize}`, { option: 'batchSize' });
  const { train, validation } = typeof o.validation === 'object'
    ? { train: data, validation: o.validation }
    : splitValidation(data, o.validation ?? 0.08, o.seed);
  if (validation.x.shape[0] > 0) model.checkInput(validation.x.shape, 'validation');
  const n = train.x.shape[0];
  const batches = Math.ceil(n / o.batchSize);
  const optimizer = createOptimizer(o.optimizer, { weightDecay: o.weightDecay });
  const schedule = new Schedule(o.schedule, o.lr, o.epochs * batches, o.scheduleOptions);
  let best = { score: -Infinity, epoch: 0, weights: undefined as Map<string, tf.Tensor> | undefined, bad: 0 };
  let firstEpoch = 1;
  let history: HistoryRow[] = [];

  if (o.resume && o.checkpointDir && fs.existsSync(path.join(o.checkpointDir, 'config.json'))) {
    const restored = restoreCheckpoint(model, o.checkpointDir);
    optimizer.setState(restored.optimizer);
    schedule.setState(restored.schedule);
    best = { ...restored.best };
    firstEpoch = restored.epoch + 1;
    history = restored.history;
  }

  const yTrain = Float32Array.from(train.y);
  let stoppedEarly = false;
  const helper = (o.workers ?? 1) > 1 ? new ModelWorker(model) : undefined;
  try {
    for (let epoch = firstEpoch; epoch <= o.epochs && !stoppedEarly; epoch++) {
      const order = createRandom(deriveSeed(o.seed, 'shuffle', epoch)).shuffle(Int32Array.from({ length: n }, (_, i) => i));
      const started = performance.now();
      let lossSum = 0;
      let lr = o.lr;
      for (let b = 0; b < batches; b++) {
        const start = b * o.batchSize;
        const end = Math.min(n, start + o.batchSize);
        lr = schedule.rate((epoch - 1) * batches + b);
        const xb = tf.tensor3d(gatherRows(train.x, order, start, end), [end - start, train.x.shape[1], train.x.shape[2]]);
        const yb = tf.tensor1d(Float32Array.from(order.subarray(start, end), (i) => yTrain[i]!));
        const dropoutSeed = deriveSeed(o.seed, 'dropout', epoch, b);
        const batchLoss = helper
          ? await parallelTrainStep(model, optimizer, helper, xb, yb, { loss: o.loss, lr, dropoutSeed })
          : await trainStep(model, optimizer, xb, yb, { loss: o.loss, lr, dropoutSeed });
        tf.dispose([xb, yb]);
        lossSum += batchLoss * (end - start);
        const seconds = (performance.now() - started) / 1000;
        const rate = end / seconds;
        o.onProgress?.({
          type: 'batch', epoch, epochs: o.epochs, batch: b + 1, batches, loss: lossSum / end, learningRate: lr,
          seqPerSecond: rate, etaSeconds: ((o.epochs - epoch) * n + (n - end)) / rate,
        });
        await new Promise((resolve) => setImmediate(resolve)); // let a notebook or terminal render progress
      }
      const seconds = (performance.now() - started) / 1000;
      const val = await validate(model, validation, o.loss);
      // Without validation data every epoch counts as an improvement: no early stopping, last weights kept.
      const score = validation.x.shape[0] >= 2 ? val.pearson + val.spearman : epoch;
      const row: HistoryRow = {
        epoch, trainLoss: lossSum / n, valLoss: val.loss, valPearson: val.pearson, valSpearman: val.spearman,
        learningRate: lr, seconds, seqPerSecond: n / seconds,
      };
      history.push(row);
      const improved = Number.isFinite(score) && score > best.score;
      if (improved) {
        if (best.weights) tf.dispose([...best.weights.values()]);
        best = { score, epoch, bad: 0, weights: snapshot(model) };
      } else if (++best.bad >= o.patience) {
        stoppedEarly = true;
      }
      schedule.epochEnd(Number.isFinite(score) ? score : -Infinity);
      model.history = history;
      o.onProgress?.({
        type: 'epoch', epoch, epochs: o.epochs, batch: batches, batches, loss: row.trainLoss, learningRate: lr,
        seqPerSecond: row.seqPerSecond, etaSeconds: ((o.epochs - epoch) * n) / row.seqPerSecond, valLoss: val.loss,
        valPearson: val.pearson, valSpearman: val.spearman, best: improved,
      });
      if (o.checkpointDir) writeCheckpoint(model, o.checkpointDir, { epoch, optimizer, schedule, best });
    }
  } finally {
    await helper?.terminate();
  }
  if ((o.restoreBest ?? true) && best.weights) restore(model, best.weights);
  if (best.weights) tf.dispose([...best.weights.values()]);
  optimizer.dispose();
  const last = history[history.length - 1];
  o.onProgress?.({
    type: 'end', epoch: last?.epoch ?? 0, epochs: o.epochs, batch: batches, batches, loss: last?.trainLoss ?? NaN,
    learningRate: last?.learningRate ?? o.lr, seqPerSecond: last?.seqPerSecond ?? 0, etaSeconds: 0,
    valPearson: last?.valPearson, valSpearman: last?.valSpearman, stoppedEarly,
  });
  return history;
}

async function validate(model: Model, d: TrainingData, lossName: LossName) {
  if (d.x.shape[0] < 2) return { loss: NaN, pearson: NaN, spearman: NaN };
  const predicted = await predictTensorBatches(model, d.x, 1024);
  const l = tf.tidy(() => lossOf(lossName, tf.tensor1d(predicted), tf.tensor1d(Float32Array.from(d.y))).dataSync()[0]!);
  const finite = predicted.every(Number.isFinite);
  return {
    loss: l,
    pearson: finite ? pearson(predicted, d.y as ArrayLike<number> as Float32Array) : NaN,
    spearman: finite ? spearman(predicted, d.y as ArrayLike<number> as Float32Array) : NaN,
  };
}

/** Copies of every parameter and running statistic. */
function snapshot(model: Model): Map<string, tf.Tensor> {
  const out = new Map<string, tf.Tensor>();
  for (const [k, v] of model.params) out.set(`param/${k}`, tf.clone(v));
  for (const [k, v] of model.state) out.set(`state/${k}`, tf.clone(v));
  return out;
}

function restore(model: Model, weights: Map<string, tf.Tensor>): void {
  for (const [k, v] of model.params) v.assign(weights.get(`param/${k}`)!);
  for (const [k, v] of model.state) v.assign(weights.get(`state/${k}`)!);
  model.markChanged();
}

interface CheckpointParts {
  epoch: number;
  optimizer: ReturnType<typeof createOptimizer>;
  schedule: Schedule;
  best: { score: number; epoch: number; bad: number; weights?: Map<string, tf.Tensor> };
}

function writeCheckpoint(model: Model, dir: string, c: CheckpointParts): void {
  const opt = c.optimizer.getState();
  const tensors = new Map<string, tf.Tensor>();
  for (const [k, v] of opt.tensors) tensors.set(`opt/${k}`, v);
  for (const [k, v] of c.best.weights ?? []) tensors.set(`best/${k}`, v);
  saveModel(model, dir, {
    tensors,
    extra: {
      checkpoint: { epoch: c.epoch, optimizer: c.optimizer.name, optimizerStep: opt.step, schedule: c.schedule.getState(), best: { score: c.best.score, epoch: c.best.epoch, bad: c.best.bad } },
    },
  });
}

function restoreCheckpoint(model: Model, dir: string) {
  const { model: saved, file, extraTensors } = loadModelWithExtras(dir);
  const info = file.extra?.checkpoint as { epoch: number; optimizerStep: number; schedule: ReturnType<Schedule['getState']>; best: { score: number; epoch: number; bad: number } };
  if (!info) throw new OptionError(`${dir} is a model directory but not a checkpoint`, { option: 'checkpointDir' });
  for (const [k, v] of model.params) {
    const w = saved.params.get(k);
    if (!w || w.shape.join() !== v.shape.join()) throw new OptionError(`checkpoint in ${dir} does not match this model's ${k}`, { option: 'checkpointDir' });
    v.assign(w);
  }
  for (const [k, v] of model.state) v.assign(saved.state.get(k)!);
  model.markChanged();
  saved.dispose();
  const optTensors = new Map<string, tf.Tensor>();
  const bestWeights = new Map<string, tf.Tensor>();
  for (const [k, t] of extraTensors) {
    if (k.startsWith('opt/')) optTensors.set(k.slice(4), t);
    else if (k.startsWith('best/')) bestWeights.set(k.slice(5), t);
    else t.dispose();
  }
  return {
    epoch: info.epoch, history: file.history, schedule: info.schedule,
    optimizer: { step: info.optimizerStep, tensors: optTensors },
    best: { ...info.best, score: info.best.score ?? -Infinity, weights: bestWeights.size ? bestWeights : undefined },
  };
}

/** Trains one model per seed (same config, data and options) and returns them as an ensemble. */
export async function seedEnsemble(
  nameOrConfig: PresetName | (Partial<CnnConfig> & { base?: PresetName }),
  seeds: readonly number[],
  data: TrainingData,
  fitOptions: FitOptions = {},
  buildOptions: BuildOptions = {},
): Promise<Ensemble> {
  const models: Model[] = [];
  for (const seed of seeds) {
    const model = buildModel(nameOrConfig, { ...buildOptions, seed });
    await fit(model, data, { ...fitOptions, seed });
    models.push(model);
  }
  return ensemble(models);
}
