/**
 * What the Camformer family's training runs (tfjs: train.ts, ONNX Runtime: onnx-run.ts) share: the subset of
 * `SequenceRows` a run trains or validates on, and the validation score from predictions — loss, Pearson r,
 * Spearman ρ, and r + ρ as the score (the Camformer authors' early-stopping criterion). One definition, so the
 * two engines stop early, pick best epochs and report metrics by the same rule.
 */
import { tf } from '../tensor/tf';
import type { SequenceRows } from '../../data/rows';
import { pearson, spearman } from '../../stats/correlation';
import type { Validation } from '../tensor/loop';
import { loss as lossOf, type LossName } from '../tensor/losses';

/** Rows of a `SequenceRows` picked by `index`, with their targets (indexed like the rows, not like `index`). */
export interface Subset {
  rows: SequenceRows;
  index: Int32Array;
  y: Float32Array;
}

/** Sequences per validation forward pass. */
export const VALIDATION_BATCH = 1024;

/**
 * Loss, r, ρ and the score r + ρ of `predicted` against the subset's targets; non-finite predictions give a
 * NaN score (never the best epoch). With fewer than two rows there is nothing to correlate: `{ loss: NaN }`.
 */
export function scoreValidation(subset: Subset, predicted: Float32Array, loss: LossName): Validation {
  const measured = Float32Array.from(subset.index, (r) => subset.y[r]!);
  const value = tf.tidy(() => lossOf(loss, tf.tensor1d(predicted), tf.tensor1d(measured)).dataSync()[0]!);
  if (!predicted.every(Number.isFinite)) return { loss: value, score: NaN, metrics: { valPearson: NaN, valSpearman: NaN } };
  const valPearson = pearson(predicted, measured);
  const valSpearman = spearman(predicted, measured);
  return { loss: value, score: valPearson + valSpearman, metrics: { valPearson, valSpearman } };
}

/** Predictions for every row of the subset, `VALIDATION_BATCH` encoded rows at a time. */
export async function predictSubset(subset: Subset, predictBatch: (x: Float32Array, n: number) => Promise<Float32Array>): Promise<Float32Array> {
  const { rows, index } = subset;
  const predicted = new Float32Array(index.length);
  for (let first = 0; first < index.length; first += VALIDATION_BATCH) {
    const batch = index.subarray(first, Math.min(index.length, first + VALIDATION_BATCH));
    predicted.set(await predictBatch(rows.encodeRows(batch), batch.length), first);
  }
  return predicted;
}
