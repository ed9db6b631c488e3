/**
 * tfjs variables (and an optimiser's state) ↔ named float32 arrays, the engine-neutral form the training loop
 * checkpoints and restores.
 */
import { tf } from './tf';
import { ModelError } from '../../errors';
import type { NamedArray } from './checkpoint';
import type { Optimizer } from './optimizers';

/** Copies of the variables' values, in the map's order. */
export function toNamedArrays(variables: ReadonlyMap<string, tf.Variable | tf.Tensor>, prefix = ''): NamedArray[] {
  return [...variables].map(([name, v]) => ({ name: prefix + name, shape: [...v.shape], data: Float32Array.from(v.dataSync() as Float32Array) }));
}

/** Assigns arrays to the variables of the same name; every variable must be given, with its shape. */
export function assignNamedArrays(variables: ReadonlyMap<string, tf.Variable>, arrays: readonly NamedArray[], prefix = ''): void {
  const byName = new Map(arrays.map((a) => [a.name, a]));
  for (const [name, v] of variables) {
    const a = byName.get(prefix + name);
    if (!a) throw new ModelError(`no values for ${name}`, { option: 'weights' });
    if (a.shape.join() !== v.shape.join()) throw new ModelError(`${name} has shape [${a.shape}], expected [${v.shape}]`, { option: 'weights' });
    tf.tidy(() => v.assign(tf.tensor(a.data, v.shape)));
  }
}

/** An optimiser's step count and slot tensors as named arrays, the form every family's run checkpoints. */
export function optimizerStateArrays(optimizer: Optimizer): { step: number; arrays: NamedArray[] } {
  const { step, tensors } = optimizer.getState();
  return { step, arrays: toNamedArrays(tensors) };
}

/** Restores what `optimizerStateArrays` saved. */
export function restoreOptimizerState(optimizer: Optimizer, state: { step: number; arrays: readonly NamedArray[] }): void {
  const tensors = new Map(state.arrays.map((a) => [a.name, tf.tensor(a.data, a.shape)]));
  optimizer.setState({ step: state.step, tensors });
  tf.dispose([...tensors.values()]); // the optimiser's variables hold their own references
}
