/**
 * Eval-mode predictions of one model on the tfjs backend of this thread, one batch on the device at a time.
 */
import { tf } from '../tensor/tf';
import { mapBatches, type Encoded } from '../../data/encode';
import type { Model } from './model';

/** Predictions of one model for an encoded batch, `batchSize` sequences at a time, in this thread. */
export async function predictTensorBatches(model: Model, x: Encoded, batchSize = 1024, onRows?: (done: number) => void): Promise<Float32Array> {
  model.checkInput(x.shape);
  return mapBatches(x, batchSize, async (batch) => {
    const y = tf.tidy(() => model.apply(tf.tensor3d(batch.data, batch.shape)));
    const values = await y.data();
    y.dispose();
    return values;
  }, onRows);
}
