/**
 * What the Camformer family's training runs (tfjs: train.ts, ONNX Runtime: onnx-run.ts) share: the subset of
 * `SequenceRows` a run trains or validates on, and the validation score from predictions — loss, Pearson r,
 * Spearman ρ, and r + ρ as the score (the Camformer authors' early-stopping criterion). One definition, so the
 * two engines stop early, pick best epochs and report metrics by the same rule.
 */
import { tf } from '../tensor/tf';
import type { SequenceRows } from '../../data/rows';
import { pearson, spearman } from '../../stats/correlation';
import { createRandom } from '../../stats/random';
import type { Validation, ValidationContext } from '../tensor/loop';
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
export function scoreValidation(subset: Subset, predicted: Float32Array, loss: LossName, options: { huberDelta?: number } = {}): Validation {
  const measured = Float32Array.from(subset.index, (r) => subset.y[r]!);
  const value = tf.tidy(() => lossOf(loss, tf.tensor1d(predicted), tf.tensor1d(measured), { huberDelta: options.huberDelta }).dataSync()[0]!);
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

/**
 * The rows one validation scores. Without `dropLast`, the whole subset. With it (the authors' validation
 * DataLoader with drop_last), the rows of the full batches of this epoch's shuffled order (seeded by
 * `context.seed`): the mean of equal-sized batch losses is then the mean over those rows.
 */
export function validationSubset(subset: Subset, context: ValidationContext, options: { dropLast: boolean; batchSize: number }): Subset {
  if (!options.dropLast) return subset;
  const kept = Math.floor(subset.index.length / options.batchSize) * options.batchSize;
  const index = createRandom(context.seed).shuffle(Int32Array.from(subset.index)).subarray(0, kept);
  return { rows: subset.rows, index, y: subset.y };
}
