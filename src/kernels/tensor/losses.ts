/**
 * Regression losses (mean over the batch). L1 is the default, as in the Camformer paper's best runs. Huber has a
 * δ option because the Camformer authors used δ = 0.9 (`nn.HuberLoss(delta=0.9)`, base/model_utils.py L50), not
 * PyTorch's default 1; Huber with δ = 1 is also PyTorch's `F.smooth_l1_loss` (β = 1), the Seq2Exp authors' loss.
 */
import { tf } from './tf';
import { OptionError } from '../../errors';

/** A training loss: 'l1', 'mse' or 'huber' (δ = 1, as PyTorch's HuberLoss). */
export type LossName = 'l1' | 'mse' | 'huber';
/** Every {@link LossName}. */
export const LOSSES: readonly LossName[] = ['l1', 'mse', 'huber'];

/** Options of {@link loss}. */
export interface LossOptions {
  /** Huber: where the loss turns from quadratic to linear (default 1, PyTorch's HuberLoss default). */
  huberDelta?: number;
}

/**
 * Mean loss of predictions vs targets. Huber: ½d² for |d| < δ, else δ(|d| − ½δ), as `torch.nn.HuberLoss(delta=δ)`.
 *
 * @example
 * loss('huber', tf.tensor1d([0, 2]), tf.tensor1d([0.5, 0]), { huberDelta: 0.9 }); // (0.125 + 1.395) / 2
 */
export function loss(name: LossName, predicted: tf.Tensor1D, target: tf.Tensor1D, options: LossOptions = {}): tf.Scalar {
  const delta = options.huberDelta ?? 1;
  if (name === 'huber' && !(delta > 0)) throw new OptionError(`Huber δ must be positive, got ${delta}`, { option: 'huberDelta' });
  return tf.tidy(() => {
    const diff = tf.sub(predicted, target);
    switch (name) {
      case 'l1': return tf.mean(tf.abs(diff));
      case 'mse': return tf.mean(tf.square(diff));
      case 'huber': {
        const a = tf.abs(diff);
        const quadratic = tf.minimum(a, delta);
        return tf.mean(tf.add(tf.mul(tf.square(quadratic), 0.5), tf.mul(tf.sub(a, quadratic), delta)));
      }
      default:
        throw new OptionError(`unknown loss '${name as string}'; expected ${LOSSES.join(', ')}`, { option: 'loss' });
    }
  }) as tf.Scalar;
}
