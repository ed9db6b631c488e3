/**
 * The one training loop of every model family (Camformer, DeepRAGE, Seq2Exp) and every engine (tfjs, ONNX
 * Runtime). The loop owns what is the same everywhere: epochs, the seeded shuffle of the training examples,
 * mini-batches (the last partial one kept or dropped), the learning-rate schedule, validation after each epoch,
 * best-epoch tracking with early stopping, checkpoints (every N steps and at each epoch end) and exact resume,
 * `maxSteps`, progress events and the history. A family supplies a `TrainingRun`: one optimiser step on given
 * examples with the step's settings (learning rate, β₁ when the schedule cycles it, seed), a validation, and its
 * weights and optimiser state as named arrays.
 *
 * Every random choice derives from the seed and the position (epoch, batch), never from a stream that would
 * have to be saved: so a run resumed from a checkpoint continues exactly as the uninterrupted one would.
 */
import * as fs from 'node:fs';
import { OptionError } from '../../errors';
import { createRandom, deriveSeed } from '../../stats/random';
import { CHECKPOINT_FILE, readCheckpointFile, recoverCheckpoint, writeCheckpointFile, type NamedArray } from './checkpoint';
import { Schedule, type ScheduleName, type ScheduleOptions, type ScheduleState } from './schedules';

/** What the loop hands to each optimiser step. */
export interface StepSettings {
  /** The schedule's learning rate for this step. */
  learningRate: number;
  /** The schedule's β₁ for this step (OneCycle with cycleMomentum); undefined: the optimiser's own. */
  beta1?: number;
  /** Seed of this step's randomness (dropout, mask samples), from the run's seed and the (epoch, batch) position. */
  seed: number;
}

/** What the loop hands to each validation: the epoch it ends and a seed derived from it (for a shuffled validation order). */
export interface ValidationContext {
  /** The epoch (0-based) this validation ends. */
  epoch: number;
  /** Seed derived from the run's seed and the epoch. */
  seed: number;
}

/** What one optimiser step reports: the mean loss over its examples, and optional named metrics (means). */
export interface StepResult {
  loss: number;
  metrics?: Record<string, number>;
}

/** What a validation reports. `score` (higher is better) drives best-epoch, early stopping and plateau. */
export interface Validation {
  loss: number;
  /** Undefined when there is nothing to validate on: every epoch then counts as the best so far. */
  score?: number;
  metrics?: Record<string, number>;
}

/** A model family's side of training: the loop calls these and nothing else. */
export interface TrainingRun {
  /** Number of training examples; the loop draws batches of their indices 0…examples−1. */
  readonly examples: number;
  /** One optimiser step on `rows` (indices of training examples) with the step's settings. */
  step(rows: Int32Array, settings: StepSettings): Promise<StepResult> | StepResult;
  /** Loss and score on the held-out data (called after each epoch), with the epoch and its seed. */
  validate(context: ValidationContext): Promise<Validation> | Validation;
  /** Weights and non-trainable state (batch-norm statistics), copied out. */
  weights(): NamedArray[] | Promise<NamedArray[]>;
  /** Puts weights (as `weights()` returned them) back into the model. */
  setWeights(weights: readonly NamedArray[]): void | Promise<void>;
  /** Optimiser moments and step count, copied out (for checkpoints). */
  optimizerState(): { step: number; arrays: NamedArray[] } | Promise<{ step: number; arrays: NamedArray[] }>;
  /** Restores the optimiser state from a checkpoint. */
  setOptimizerState(state: { step: number; arrays: readonly NamedArray[] }): void | Promise<void>;
  /** Shapes and names a checkpoint must match to be resumed into this run (compared as JSON). */
  describe(): Record<string, unknown>;
}

/** One shape of progress event for every family; `metrics` holds family-specific values (means). */
export interface ProgressEvent {
  /** 'batch' after each optimiser step, 'epoch' after each validation, 'end' once when training stops. */
  type: 'batch' | 'epoch' | 'end';
  /** 1-based epoch. */
  epoch: number;
  /** Epochs asked for. */
  epochs: number;
  /** 1-based batch within the epoch. */
  batch: number;
  /** Batches per epoch. */
  batches: number;
  /** Optimiser steps taken so far in the whole run, and how many the run will take at most. */
  step: number;
  /** Most optimiser steps the run will take (epochs × batches, or `maxSteps`). */
  steps: number;
  /** Mean training loss of the epoch so far (epoch and end events: of the whole epoch). */
  loss: number;
  /** Learning rate of the last step. */
  learningRate: number;
  /** Training examples per second in this call. */
  examplesPerSecond: number;
  /** Seconds until the run ends at the current rate (validation excluded). */
  etaSeconds: number;
  /** Validation loss (epoch and end events). */
  valLoss?: number;
  /** Validation score, higher is better (epoch and end events). */
  score?: number;
  /** Family-specific metrics (means), e.g. valPearson, valSpearman. */
  metrics: Record<string, number>;
  /** Epoch event: whether this epoch is the best so far. */
  best?: boolean;
  /** End event: why training stopped. */
  stopped?: 'epochs' | 'early-stopping' | 'max-steps' | 'callback';
  /** The engine running the steps, where the family has several (Camformer: 'onnx' or 'tfjs'). */
  engine?: string;
}

/** One row of history per epoch (a run stopped by maxSteps mid-epoch gets a row for that partial epoch). */
export interface HistoryRow {
  /** 1-based epoch. */
  epoch: number;
  /** Optimiser steps taken by the end of this epoch. */
  step: number;
  /** Mean training loss of the epoch. */
  trainLoss: number;
  /** Validation loss after the epoch (NaN without validation data). */
  valLoss: number;
  /** The validation score (higher is better); NaN without validation data. */
  score: number;
  /** Learning rate at the end of the epoch. */
  learningRate: number;
  /** Seconds the epoch took (training and validation). */
  seconds: number;
  /** Training examples per second over the epoch. */
  examplesPerSecond: number;
  /** Family-specific metrics (Camformer: valPearson, valSpearman; Seq2Exp: kl, valMse). */
  [metric: string]: number;
}

/** Extra behaviour hooked into the loop; returning 'stop' ends training after this batch or epoch. */
export interface LoopCallback {
  /** Called after every optimiser step. */
  onBatch?(event: ProgressEvent): void | 'stop';
  /** Called after every epoch's validation, with the epoch's history row. */
  onEpoch?(event: ProgressEvent, row: HistoryRow): void | 'stop';
}

/** Options of {@link trainLoop}. */
export interface LoopOptions {
  /** Epochs to train (required). */
  epochs: number;
  /** Examples per optimiser step (required). */
  batchSize: number;
  /** Base learning rate (the schedule's maximum for onecycle and cosine). */
  learningRate: number;
  /** Default 'constant'. */
  schedule?: ScheduleName;
  /** Options of the schedule (plateau factor and patience, warm-up, …; each with its default). */
  scheduleOptions?: ScheduleOptions;
  /** Seed of the shuffles and of each step's randomness (default 0). */
  seed?: number;
  /** Stop after this many optimiser steps in all (default: no limit). */
  maxSteps?: number;
  /** Drop each epoch's last partial batch (PyTorch's drop_last; default false: keep it). */
  dropLast?: boolean;
  /** Epochs without a better validation score before stopping (default Infinity: never). */
  patience?: number;
  /**
   * The best score before the first epoch: an epoch is the best so far only when its score is strictly above
   * (default −Infinity; the Camformer authors start at −1, base/model_utils.py L89).
   */
  initialBest?: number;
  /** Put the best epoch's weights back at the end (default true). */
  restoreBest?: boolean;
  /** Checkpoint directory: written at each epoch end and every `checkpointEvery` steps. */
  checkpointDir?: string;
  /** Optimiser steps between checkpoints within an epoch (default: only at epoch ends). */
  checkpointEvery?: number;
  /** Continue from `checkpointDir` when it holds a checkpoint (default false). */
  resume?: boolean;
  /** Called with every progress event (batch, epoch, end). */
  onProgress?: (event: ProgressEvent) => void;
  /** Extra hooks; one returning 'stop' ends training. */
  callbacks?: readonly LoopCallback[];
}

interface LoopState {
  /** Epoch in progress (1-based) and the next batch of it (0-based). */
  epoch: number;
  batch: number;
  step: number;
  history: HistoryRow[];
  best: { score: number; epoch: number; bad: number };
  /** Accumulators of the epoch in progress, so a mid-epoch resume reports the whole epoch. */
  lossSum: number;
  seen: number;
  metricSums: Record<string, number>;
  seconds: number;
  schedule: ScheduleState;
}

/**
 * Trains `run` and resolves to its history (one row per epoch). With `restoreBest`, the best epoch's weights are
 * in the run at the end.
 * @param run - A model family's side of training: step, validate, weights and optimiser state.
 * @param options - `epochs`, `batchSize`, `learningRate` (required); `schedule` (default 'constant'), `seed`
 *   (default 0), `maxSteps` (default no limit), `dropLast` (default false), `patience` (default Infinity),
 *   `restoreBest` (default true), `checkpointDir`, `checkpointEvery` (default epoch ends only), `resume`
 *   (default false), `onProgress`, `callbacks`.
 * @returns The history, one row per epoch.
 * @example
 * const history = await trainLoop(run, { epochs: 10, batchSize: 256, learningRate: 1e-3, patience: 3,
 *   onProgress: (e) => { if (e.type === 'epoch') console.log(e.epoch, e.valLoss); } });
 */
export async function trainLoop(run: TrainingRun, options: LoopOptions): Promise<HistoryRow[]> {
  const o = checkOptions(options);
  const n = run.examples;
  if (!(n >= 1)) throw new OptionError('there are no training examples', { option: 'data' });
  const batches = o.dropLast ? Math.floor(n / o.batchSize) : Math.ceil(n / o.batchSize);
  if (batches < 1) throw new OptionError(`${n} training examples make no full batch of ${o.batchSize} (dropLast)`, { option: 'batchSize' });
  const steps = Math.min(o.epochs * batches, o.maxSteps);
  const schedule = new Schedule(o.schedule, o.learningRate, o.epochs * batches, o.scheduleOptions);
  let state: LoopState = {
    epoch: 1, batch: 0, step: 0, history: [], best: { score: o.initialBest, epoch: 0, bad: 0 },
    lossSum: 0, seen: 0, metricSums: {}, seconds: 0, schedule: schedule.getState(),
  };
  let bestWeights: NamedArray[] | undefined;
  const checkpointFile = o.checkpointDir ? `${o.checkpointDir}/${CHECKPOINT_FILE}` : undefined;
  // A checkpoint write killed mid-way leaves its temporary (the checkpoint itself is the previous complete one);
  // a whole newer one is put in place, the rest removed.
  if (checkpointFile) recoverCheckpoint(checkpointFile);
  if (o.resume && checkpointFile && fs.existsSync(checkpointFile)) {
    const restored = await restoreCheckpoint(run, checkpointFile);
    state = restored.state;
    bestWeights = restored.bestWeights;
    schedule.setState(state.schedule);
  }
  const save = async () => {
    if (!checkpointFile) return;
    state.schedule = schedule.getState();
    await writeCheckpoint(run, checkpointFile, state, o.restoreBest ? bestWeights : undefined);
  };

  let stopped: ProgressEvent['stopped'] = 'epochs';
  const started = performance.now();
  let processed = 0; // examples stepped over in this call (a resumed run's rate counts only its own work)
  const rate = () => processed / Math.max((performance.now() - started) / 1000, 1e-9);
  const event = (type: ProgressEvent['type'], extra: Partial<ProgressEvent> = {}): ProgressEvent => ({
    type, epoch: state.epoch, epochs: o.epochs, batch: state.batch, batches, step: state.step, steps,
    loss: state.seen ? state.lossSum / state.seen : NaN, learningRate: schedule.rate(Math.max(state.step - 1, 0)),
    examplesPerSecond: rate(), etaSeconds: (Math.max(steps - state.step, 0) * o.batchSize) / Math.max(rate(), 1e-9),
    metrics: means(state.metricSums, state.seen), ...extra,
  });

  training: while (state.epoch <= o.epochs) {
    const order = createRandom(deriveSeed(o.seed, 'shuffle', state.epoch)).shuffle(Int32Array.from({ length: n }, (_, i) => i));
    let epochStarted = performance.now();
    while (state.batch < batches) {
      if (state.step >= o.maxSteps) {
        stopped = 'max-steps';
        break;
      }
      const first = state.batch * o.batchSize;
      const rows = order.subarray(first, Math.min(n, first + o.batchSize));
      const learningRate = schedule.rate(state.step);
      const beta1 = schedule.momentum(state.step);
      const result = await run.step(rows, { learningRate, beta1, seed: deriveSeed(o.seed, 'dropout', state.epoch, state.batch) });
      state.lossSum += result.loss * rows.length;
      state.seen += rows.length;
      processed += rows.length;
      for (const [k, v] of Object.entries(result.metrics ?? {})) state.metricSums[k] = (state.metricSums[k] ?? 0) + v * rows.length;
      state.batch++;
      state.step++;
      const batchEvent = event('batch', { learningRate });
      o.onProgress?.(batchEvent);
      if (o.callbacks.some((c) => c.onBatch?.(batchEvent) === 'stop')) stopped = 'callback';
      if (o.checkpointEvery && state.step % o.checkpointEvery === 0 && state.batch < batches) {
        state.seconds += (performance.now() - epochStarted) / 1000;
        epochStarted = performance.now();
        await save();
      }
      if (stopped === 'callback') break;
      await new Promise((resolve) => setImmediate(resolve)); // let a notebook or terminal render progress
    }
    state.seconds += (performance.now() - epochStarted) / 1000;
    if (state.seen === 0) break; // stopped before the epoch's first step: nothing to record
    const epochDone = state.batch >= batches;
    // Stopped mid-epoch (maxSteps, a callback): the checkpoint is this position, so a resumed run finishes the
    // epoch; the partial epoch's row below goes only into the returned history.
    if (!epochDone) await save();

    const val = await run.validate({ epoch: state.epoch, seed: deriveSeed(o.seed, 'validation', state.epoch) });
    const hasScore = val.score !== undefined && Number.isFinite(val.score);
    const score = hasScore ? val.score! : state.epoch; // without validation the latest epoch is the best
    const row: HistoryRow = {
      epoch: state.epoch, step: state.step, trainLoss: state.lossSum / state.seen, valLoss: val.loss,
      score: hasScore ? val.score! : NaN, learningRate: schedule.rate(Math.max(state.step - 1, 0)),
      seconds: state.seconds, examplesPerSecond: state.seen / Math.max(state.seconds, 1e-9),
      ...(schedule.momentum(0) === undefined ? {} : { beta1: schedule.momentum(Math.max(state.step - 1, 0))! }),
      ...means(state.metricSums, state.seen), ...val.metrics,
    };
    state.history.push(row);
    const improved = score > state.best.score;
    if (improved) {
      state.best = { score, epoch: state.epoch, bad: 0 };
      if (o.restoreBest) bestWeights = await run.weights();
    } else if (++state.best.bad >= o.patience) {
      stopped = 'early-stopping';
    }
    if (epochDone) schedule.epochEnd({ score: hasScore ? val.score! : -Infinity, loss: val.loss });
    const epochEvent = event('epoch', {
      loss: row.trainLoss, valLoss: val.loss, score: row.score, best: improved,
      metrics: { ...means(state.metricSums, state.seen), ...val.metrics }, examplesPerSecond: row.examplesPerSecond,
    });
    o.onProgress?.(epochEvent);
    if (o.callbacks.some((c) => c.onEpoch?.(epochEvent, row) === 'stop')) stopped = 'callback';
    if (!epochDone) break training;
    Object.assign(state, { epoch: state.epoch + 1, batch: 0, lossSum: 0, seen: 0, metricSums: {}, seconds: 0 });
    await save();
    if (stopped !== 'epochs') break training;
  }

  if (o.restoreBest && bestWeights) await run.setWeights(bestWeights);
  const last = state.history[state.history.length - 1];
  o.onProgress?.(event('end', {
    epoch: last?.epoch ?? 0, loss: last?.trainLoss ?? NaN, valLoss: last?.valLoss, score: last?.score,
    etaSeconds: 0, stopped, metrics: {},
  }));
  return state.history;
}

function checkOptions(options: LoopOptions) {
  const o = withDefaults({
    schedule: 'constant' as ScheduleName, seed: 0, maxSteps: Infinity, dropLast: false, patience: Infinity, initialBest: -Infinity,
    restoreBest: true, resume: false, callbacks: [] as readonly LoopCallback[],
  }, options);
  const positiveInteger = (value: number, option: string, allowInfinity = false) => {
    if (!((Number.isInteger(value) && value >= 1) || (allowInfinity && value === Infinity))) {
      throw new OptionError(`expected a positive integer, got ${value}`, { option });
    }
  };
  positiveInteger(o.epochs, 'epochs');
  positiveInteger(o.batchSize, 'batchSize');
  positiveInteger(o.maxSteps, 'maxSteps', true);
  positiveInteger(o.patience, 'patience', true);
  if (o.checkpointEvery !== undefined) positiveInteger(o.checkpointEvery, 'checkpointEvery');
  if (!(o.learningRate > 0)) throw new OptionError(`expected a positive learning rate, got ${o.learningRate}`, { option: 'lr' });
  if (o.resume && !o.checkpointDir) throw new OptionError('resume needs a checkpoint directory', { option: 'resume' });
  return o;
}

/** `options` over `defaults`, where an option given as undefined keeps its default. */
export function withDefaults<D extends object, O extends object>(defaults: D, options: O): D & O {
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) out[k] = v;
  return out as D & O;
}

function means(sums: Record<string, number>, count: number): Record<string, number> {
  return Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, count ? v / count : NaN]));
}

async function writeCheckpoint(run: TrainingRun, file: string, state: LoopState, bestWeights?: NamedArray[]): Promise<void> {
  const weights = await run.weights();
  const optimizer = await run.optimizerState();
  const arrays = [
    ...weights.map((a) => ({ ...a, name: `weights/${a.name}` })),
    ...optimizer.arrays.map((a) => ({ ...a, name: `optimizer/${a.name}` })),
    ...(bestWeights ?? []).map((a) => ({ ...a, name: `best/${a.name}` })),
  ];
  writeCheckpointFile(file, { run: run.describe(), loop: state, optimizerStep: optimizer.step }, arrays);
}

async function restoreCheckpoint(run: TrainingRun, file: string): Promise<{ state: LoopState; bestWeights?: NamedArray[] }> {
  const { info, arrays } = readCheckpointFile(file);
  if (JSON.stringify(info['run']) !== JSON.stringify(run.describe())) {
    throw new OptionError(`the checkpoint in ${file} was written by a different model or data set; remove it or choose another checkpoint directory`, { option: 'checkpointDir' });
  }
  const part = (prefix: string) => arrays.filter((a) => a.name.startsWith(prefix)).map((a) => ({ ...a, name: a.name.slice(prefix.length) }));
  await run.setWeights(part('weights/'));
  await run.setOptimizerState({ step: info['optimizerStep'] as number, arrays: part('optimizer/') });
  const best = part('best/');
  return { state: info['loop'] as LoopState, bestWeights: best.length ? best : undefined };
}
