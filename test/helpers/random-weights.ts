// Random non-zero biases, batch-norm shifts and running statistics for untrained test models: He
// initialisation leaves biases at zero, which makes a ReLU net positively homogeneous (f(αx) = α f(x)), so
// its gradient is constant along any path from zero and integrated gradients would be trivially exact.
import * as tf from '@tensorflow/tfjs-core';
import { createRandom } from '../../src/stats/random';
import type { Model } from '../../src/kernels/camformer/model';

export function randomizeBiases(model: Model, seed = 1, scale = 0.3): Model {
  const rng = createRandom(seed);
  const fill = (v: tf.Variable, f: () => number) => v.assign(tf.tensor(Float32Array.from({ length: v.size }, f), v.shape));
  for (const [name, v] of model.params) {
    if (name.endsWith('/bias') || name.endsWith('/beta')) fill(v, () => scale * rng.normal());
    if (name.endsWith('/gamma')) fill(v, () => 1 + 0.3 * rng.normal());
  }
  for (const [name, v] of model.state) {
    if (name.endsWith('movingMean')) fill(v, () => scale * rng.normal());
    if (name.endsWith('movingVariance')) fill(v, () => 0.5 + rng.float());
  }
  model.markChanged();
  return model;
}
