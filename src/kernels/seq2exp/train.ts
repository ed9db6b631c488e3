/**
 * Training, prediction and region-selection scores for Seq2Exp. Loss = MSE on standardised expression +
 * klWeight · mean KL of the mask to its sparse prior (the information bottleneck), Adam. Signals enter as
 * log1p(read count), smoothed by an 11-nt moving average (per-base counts of a DNase-like track are too
 * spiky to parameterise a per-base Beta). Splits are random by region, 70 / 10 / 20.
 */
import * as tf from '@tensorflow/tfjs';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../../errors';
import { encode } from '../../data/encode';
import { createRandom } from '../../stats/random';
import { pearson } from '../../stats/correlation';
import { createSeq2ExpModel, type Seq2ExpConfig, type Seq2ExpModel } from './model';

export interface Seq2ExpData {
  sequences: readonly string[];
  expression: ArrayLike<number>;
  /** Read counts per base, row-major [n, length, tracks]. */
  tracks: Float32Array;
  trackNames: readonly string[];
  length: number;
}

export interface TrainSeq2ExpOptions extends Partial<Omit<Seq2ExpConfig, 'length' | 'tracks'>> {
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Weight of the KL bottleneck (default 0.05). */
  klWeight?: number;
  onEpoch?: (row: { epoch: number; loss: number; kl: number; valMse: number; seconds: number }) => void;
  /**
   * Retrain-on-selection mode (the paper's "top 10%" comparison): per-base scores [n × L] (a learned mask, peak
   * scores, …); the top `selectionRatio` bases of each region form a fixed 0/1 mask and only the predictor is
   * trained. `'all'` keeps every base (the unmasked reference).
   */
  selection?: ArrayLike<number> | 'all';
  selectionRatio?: number;
}

export interface TrainedSeq2Exp {
  model: Seq2ExpModel;
  /** The fixed 0/1 mask [n × L] of a retrain-on-selection run ('all': unmasked), else undefined. */
  selection?: Float32Array | 'all';
  /** Per region: 0 train, 1 validation, 2 test. */
  split: Uint8Array;
  history: ColumnTable;
}

/** Scaled signals [n, L, T]: log1p(count), 11-nt moving average. */
export function scaleSignals(tracks: Float32Array, n: number, length: number, T: number): Float32Array {
  const out = new Float32Array(tracks.length);
  const half = 5;
  const logged = Float32Array.from(tracks, (v) => Math.log1p(v));
  for (let s = 0; s < n; s++) {
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < length; i++) {
        let sum = 0;
        let count = 0;
        for (let j = Math.max(0, i - half); j <= Math.min(length - 1, i + half); j++) sum += logged[(s * length + j) * T + t]!, count++;
        out[(s * length + i) * T + t] = sum / count;
      }
    }
  }
  return out;
}

function inputs(data: Seq2ExpData, rows: readonly number[]): { onehot: tf.Tensor3D; signals: tf.Tensor3D } {
  const { length: L } = data;
  const T = data.trackNames.length;
  const { data: x } = encode(rows.map((r) => data.sequences[r]!), 'onehot');
  const raw = new Float32Array(rows.length * L * T);
  rows.forEach((r, k) => raw.set(data.tracks.subarray(r * L * T, (r + 1) * L * T), k * L * T));
  return { onehot: tf.tensor3d(x, [rows.length, L, 4]), signals: tf.tensor3d(scaleSignals(raw, rows.length, L, T), [rows.length, L, T]) };
}

/** Names of the split codes 0, 1, 2 of `TrainedSeq2Exp.split`. */
export const SEQ2EXP_SUBSETS = ['train', 'validation', 'test'] as const;

export function splitRegions(n: number, seed = 1): Uint8Array {
  const order = createRandom(seed).fork('seq2exp-split').shuffle(Array.from({ length: n }, (_, i) => i));
  const split = new Uint8Array(n);
  order.forEach((r, rank) => (split[r] = rank < 0.7 * n ? 0 : rank < 0.8 * n ? 1 : 2));
  return split;
}

export async function trainSeq2Exp(data: Seq2ExpData, options: TrainSeq2ExpOptions = {}): Promise<TrainedSeq2Exp> {
  const { epochs = 20, batchSize = 16, learningRate = 0.01, klWeight = 0.05, onEpoch, selection, selectionRatio = 0.1, ...config } = options;
  const n = data.sequences.length;
  if (data.tracks.length !== n * data.length * data.trackNames.length) {
    throw new OptionError(`tracks hold ${data.tracks.length} values, expected ${n} × ${data.length} × ${data.trackNames.length}`, { option: 'tracks' });
  }
  const seed = config.seed ?? 1;
  const split = splitRegions(n, seed);
  const model = createSeq2ExpModel({ ...config, length: data.length, tracks: data.trackNames.length });
  const trainRows = [...split.keys()].filter((i) => split[i] === 0);
  const valRows = [...split.keys()].filter((i) => split[i] === 1);
  const y = Array.from(data.expression);
  const trainY = trainRows.map((r) => y[r]!);
  model.targetMean = trainY.reduce((a, b) => a + b, 0) / trainY.length;
  model.targetScale = Math.sqrt(trainY.reduce((a, b) => a + (b - model.targetMean) ** 2, 0) / Math.max(trainY.length - 1, 1)) || 1;
  const all = inputs(data, [...Array(n).keys()]);
  const targets = tf.tensor1d(y.map((v) => (v - model.targetMean) / model.targetScale));
  const optimizer = tf.train.adam(learningRate);
  const fixed = selection === undefined ? undefined : tf.tensor2d(selection === 'all' ? new Float32Array(n * data.length).fill(1) : topMask(selection, data.length, selectionRatio), [n, data.length]);
  const variables = fixed ? model.predictorVariables : model.variables;
  const random = createRandom(seed).fork('seq2exp-train');
  const history: { epoch: number; loss: number; kl: number; valMse: number; seconds: number }[] = [];
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const started = Date.now();
      const order = random.shuffle([...trainRows]);
      let lossSum = 0;
      let klSum = 0;
      let steps = 0;
      for (let at = 0; at < order.length; at += batchSize) {
        const idx = tf.tensor1d(order.slice(at, at + batchSize), 'int32');
        let klValue = 0;
        const cost = optimizer.minimize(() => tf.tidy(() => {
          const x = tf.gather(all.onehot, idx);
          const signals = tf.gather(all.signals, idx);
          const y = tf.gather(targets, idx);
          if (fixed) return tf.mean(tf.square(tf.sub(model.predict(x, signals, tf.gather(fixed, idx)), y))) as tf.Scalar;
          const out = model.forward(x, signals, random);
          const mse = tf.mean(tf.square(tf.sub(out.prediction, y)));
          klValue = out.kl.dataSync()[0]!;
          return tf.add(mse, tf.mul(out.kl, klWeight)) as tf.Scalar;
        }), true, variables);
        lossSum += (await cost!.data())[0]!;
        klSum += klValue;
        steps++;
        tf.dispose([cost!, idx]);
      }
      const valMse = valRows.length ? mseOn(model, all, targets, valRows, fixed) : NaN;
      const row = { epoch, loss: lossSum / steps, kl: klSum / steps, valMse, seconds: (Date.now() - started) / 1000 };
      history.push(row);
      onEpoch?.(row);
    }
  } finally {
    optimizer.dispose();
    tf.dispose([all.onehot, all.signals, targets, ...(fixed ? [fixed] : [])]);
  }
  return { model, split, history: aq.from(history), selection: fixed ? (selection === 'all' ? 'all' : topMask(selection!, data.length, selectionRatio)) : undefined };
}

/** 0/1 mask of the top `ratio` bases per region by score (ties by position). */
export function topMask(scores: ArrayLike<number>, length: number, ratio: number): Float32Array {
  if (!(ratio > 0 && ratio <= 1)) throw new OptionError(`expected a ratio in (0, 1], got ${ratio}`, { option: 'selectionRatio' });
  const out = new Float32Array(scores.length);
  const k = Math.max(1, Math.round(ratio * length));
  for (let base = 0; base < scores.length; base += length) {
    const order = Array.from({ length }, (_, i) => i).sort((a, b) => Number(scores[base + b]) - Number(scores[base + a]) || a - b);
    for (const i of order.slice(0, k)) out[base + i] = 1;
  }
  return out;
}

function mseOn(model: Seq2ExpModel, all: { onehot: tf.Tensor3D; signals: tf.Tensor3D }, targets: tf.Tensor1D, rows: number[], fixed?: tf.Tensor2D): number {
  return tf.tidy(() => {
    const idx = tf.tensor1d(rows, 'int32');
    const x = tf.gather(all.onehot, idx);
    const signals = tf.gather(all.signals, idx);
    const prediction = fixed ? model.predict(x, signals, tf.gather(fixed, idx)) : model.forward(x, signals).prediction;
    return tf.mean(tf.square(tf.sub(prediction, tf.gather(targets, idx)))).dataSync()[0]!;
  });
}

/** Predictions (expression units) and the expected mask [n × L] for every region, in batches. */
export function predictSeq2Exp(model: Seq2ExpModel, data: Seq2ExpData, batch = 64, selection?: Float32Array | 'all'): { prediction: Float64Array; mask: Float32Array } {
  const n = data.sequences.length;
  const prediction = new Float64Array(n);
  const mask = new Float32Array(n * data.length);
  for (let at = 0; at < n; at += batch) {
    const rows = Array.from({ length: Math.min(batch, n - at) }, (_, k) => at + k);
    const x = inputs(data, rows);
    const [p, m] = tf.tidy(() => {
      const L = data.length;
      const fixed = selection === undefined ? undefined
        : selection === 'all' ? tf.ones([rows.length, L]) as tf.Tensor2D : tf.tensor2d(selection.subarray(at * L, (at + rows.length) * L), [rows.length, L]);
      const out = fixed ? { prediction: model.predict(x.onehot, x.signals, fixed), mask: fixed } : model.forward(x.onehot, x.signals);
      return [tf.add(tf.mul(out.prediction, model.targetScale), model.targetMean), out.mask];
    });
    prediction.set(p!.dataSync(), at);
    mask.set(m!.dataSync(), at * data.length);
    tf.dispose([p!, m!, x.onehot, x.signals]);
  }
  return { prediction, mask };
}

/** Scores per subset: `subset, regions, mse, mae, pearson, maskRatio` (mean fraction of bases with mask > 0.5). */
export function evaluateSeq2Exp(trained: TrainedSeq2Exp, data: Seq2ExpData, predicted?: { prediction: Float64Array; mask: Float32Array }): ColumnTable {
  const { prediction, mask } = predicted ?? predictSeq2Exp(trained.model, data, 64, trained.selection);
  const L = data.length;
  return aq.from(SEQ2EXP_SUBSETS.map((subset, s) => {
    const rows = [...trained.split.keys()].filter((i) => trained.split[i] === s);
    const y = rows.map((r) => Number(data.expression[r]));
    const p = rows.map((r) => prediction[r]!);
    let selected = 0;
    for (const r of rows) for (let i = 0; i < L; i++) if (mask[r * L + i]! > 0.5) selected++;
    return {
      subset, regions: rows.length,
      mse: y.reduce((a, v, k) => a + (v - p[k]!) ** 2, 0) / rows.length,
      mae: y.reduce((a, v, k) => a + Math.abs(v - p[k]!), 0) / rows.length,
      pearson: rows.length > 2 ? pearson(y, p) : NaN,
      maskRatio: selected / (rows.length * L),
    };
  }));
}
