/**
 * Weights between a tfjs `Model` and the ONNX Runtime trainer, both in cislab's names and tfjs layouts:
 * `modelWeights(model)` reads every parameter and running statistic, `assignWeights(model, weights)` writes
 * them back (and marks the model changed, so its cached inference weights are rebuilt). A model trained on
 * ONNX Runtime is then saved, loaded and predicted with the existing tfjs-side code, and the other way round.
 */
import { tf } from '../../tensor/tf';
import { ModelError } from '../../../errors';
import type { Model } from '../model';
import { OnnxTrainer, type OnnxTrainerOptions } from './trainer';

/** Copies of a model's parameters and running statistics by name. */
export function modelWeights(model: Model): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [name, v] of [...model.params, ...model.state]) out.set(name, Float32Array.from(v.dataSync() as Float32Array));
  return out;
}

/** Writes weights (every parameter and running statistic of the model) into a tfjs model in place. */
export function assignWeights(model: Model, weights: ReadonlyMap<string, Float32Array>): void {
  const targets = [...model.params, ...model.state];
  for (const [name, v] of targets) {
    const w = weights.get(name);
    if (!w || w.length !== v.size) throw new ModelError(`weights for '${name}': expected ${v.size} values, got ${w?.length ?? 'none'}`, { option: 'weights' });
  }
  tf.tidy(() => {
    for (const [name, v] of targets) v.assign(tf.tensor(weights.get(name)!, v.shape));
  });
  model.markChanged();
}

/**
 * An ONNX Runtime trainer that starts from a tfjs model's weights (its architecture, parameters and running
 * statistics); the model itself is not changed.
 *
 * @example
 * const trainer = await trainerFromModel(loadModel('models/mini'), { loss: 'l1' });
 * await trainer.step(x, y, 1e-3, seed);
 * assignWeights(model, trainer.weights());
 */
export function trainerFromModel(model: Model, options: Omit<OnnxTrainerOptions, 'weights' | 'seed'> = {}): Promise<OnnxTrainer> {
  return OnnxTrainer.create(model.config, { ...options, weights: modelWeights(model) });
}
