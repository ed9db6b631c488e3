/** Regression losses (mean over the batch). L1 is the default, as in the Camformer paper's best runs. */
import { tf } from './tf';
import { OptionError } from '../../errors';

/** A training loss: 'l1', 'mse' or 'huber' (δ = 1, as PyTorch's HuberLoss). */
export type LossName = 'l1' | 'mse' | 'huber';
/** Every {@link LossName}. */
export const LOSSES: readonly LossName[] = ['l1', 'mse', 'huber'];

/** Loss of predictions vs targets; Huber uses δ = 1 (PyTorch's HuberLoss default). */
export function loss(name: LossName, predicted: tf.Tensor1D, target: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => {
    const diff = tf.sub(predicted, target);
    switch (name) {
      case 'l1': return tf.mean(tf.abs(diff));
      case 'mse': return tf.mean(tf.square(diff));
      case 'huber': {
        const a = tf.abs(diff);
        const quadratic = tf.minimum(a, 1);
        return tf.mean(tf.add(tf.mul(tf.square(quadratic), 0.5), tf.sub(a, quadratic)));
      }
      default:
        throw new OptionError(`unknown loss '${name as string}'; expected ${LOSSES.join(', ')}`, { option: 'loss' });
    }
  }) as tf.Scalar;
}
