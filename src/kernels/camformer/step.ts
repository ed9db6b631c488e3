/**
 * One optimisation step of a Camformer-family model on tfjs: loss and gradients of a batch (in micro-batches
 * when the wasm heap cannot hold its activations), the optimiser update, and the data-parallel variant in which
 * a worker thread computes the second half of the batch.
 */
import { tf } from '../tensor/tf';
import { deriveSeed } from '../../stats/random';
import { loss as lossOf, type LossName } from '../tensor/losses';
import type { StepOverrides } from '../tensor/optimizers';
import type { Optimizer } from '../tensor/optimizers';
import { convPadding } from './config';
import type { Model } from './model';
import { packWeights } from './persistence';
import type { ModelWorker } from './workers/pool';

/**
 * Largest number of sequences whose training activations fit the wasm heap comfortably. Each block keeps
 * about eight [positions × channels] float32 tensors for the backward pass; the wasm heap of tfjs 4.22 ends
 * at a few GB ("memory access out of bounds" when camformer trained on 256 sequences at once);
 * camformer-mini and -small fit 256 within the default budget, camformer trains as 2 × 128.
 */
export function maxMicroBatch(model: Model, budgetBytes = 1536 * 2 ** 20): number {
  let perSequence = 0;
  let length = model.inputLength;
  for (const l of model.config.convs) {
    const [left, right] = convPadding(l);
    length = length + left + right - l.kernel + 1;
    perSequence += 8 * 4 * length * l.channels;
    if (l.pool) length = Math.floor((length - l.pool.kernel) / l.pool.stride) + 1;
  }
  return Math.max(1, Math.floor(budgetBytes / perSequence));
}

/** What one training step needs besides the batch. */
export interface TrainStepOptions extends StepOverrides {
  /** Default 'l1'. */
  loss?: LossName;
  /** Huber's δ (default 1). */
  huberDelta?: number;
  lr: number;
  dropoutSeed: number;
  /** Largest micro-batch (default: what fits the wasm heap on wasm, else the whole batch). */
  microBatch?: number;
}

/**
 * One optimisation step on one batch; resolves to the batch loss. Batches larger than `microBatch` (default:
 * what fits the wasm heap, see maxMicroBatch) are split and their gradients accumulated by rows; batch-norm
 * statistics are then per micro-batch. `beta1` overrides the optimiser's β₁ for this step (OneCycle's cycle).
 */
export async function trainStep(model: Model, optimizer: Optimizer, x: tf.Tensor3D, y: tf.Tensor1D, options: TrainStepOptions): Promise<number> {
  const { grads, loss } = batchGradients(model, x, y, options);
  optimizer.step(model.params, grads, options.lr, { beta1: options.beta1 });
  model.markChanged();
  tf.dispose(Object.values(grads));
  return loss;
}

/** Mean loss and gradients (keyed by parameter name) of a batch, in micro-batches when it is large. */
export function batchGradients(
  model: Model, x: tf.Tensor3D, y: tf.Tensor1D,
  options: { loss?: LossName; huberDelta?: number; dropoutSeed: number; microBatch?: number },
): { grads: Record<string, tf.Tensor>; loss: number } {
  const n = x.shape[0];
  const limit = Math.min(n, options.microBatch ?? (tf.getBackend() === 'wasm' ? maxMicroBatch(model) : n));
  const micro = Math.ceil(n / Math.ceil(n / limit)); // equal chunks: 256 → 2 × 128, not 166 + 90
  const vars = [...model.params.values()];
  const sums: Record<string, tf.Tensor> = {};
  let loss = 0;
  for (let start = 0; start < n; start += micro) {
    const size = Math.min(micro, n - start);
    const whole = size === n;
    const xs = whole ? x : tf.slice(x, [start, 0, 0], [size, x.shape[1], x.shape[2]]);
    const ys = whole ? y : tf.slice(y, [start], [size]);
    const seed = whole ? options.dropoutSeed : deriveSeed(options.dropoutSeed, 'micro', start);
    const { value, grads } = tf.variableGrads(
      () => lossOf(options.loss ?? 'l1', model.forward(xs, { training: true, dropoutSeed: seed }).output, ys, { huberDelta: options.huberDelta }), vars);
    loss += value.dataSync()[0]! * (size / n);
    for (const [name, v] of model.params) {
      const g = grads[v.name];
      if (!g) continue;
      if (whole) {
        sums[name] = g;
        continue;
      }
      const previous = sums[name];
      sums[name] = tf.tidy(() => (previous ? tf.add(previous, tf.mul(g, size / n)) : tf.mul(g, size / n)));
      previous?.dispose();
      g.dispose();
    }
    value.dispose();
    if (!whole) tf.dispose([xs, ys]);
  }
  return { grads: sums, loss };
}

/**
 * One data-parallel step: the worker computes the second half of the batch while this thread computes the
 * first; gradients are averaged by rows, running statistics averaged, and the update applied here.
 */
export async function parallelTrainStep(
  model: Model, optimizer: Optimizer, worker: ModelWorker, x: tf.Tensor3D, y: tf.Tensor1D, options: TrainStepOptions,
): Promise<number> {
  const n = x.shape[0];
  if (n < 4) return trainStep(model, optimizer, x, y, options);
  const mine = Math.ceil(n / 2);
  await worker.ready; // so that grad() below posts at once and the two halves run at the same time
  const weights = packWeights(model); // before this thread's forward pass moves the running statistics
  const [xa, xb] = tf.split(x, [mine, n - mine]);
  const [ya, yb] = tf.split(y, [mine, n - mine]);
  const theirs = worker.grad({
    weights, data: xb!.dataSync() as Float32Array, shape: [n - mine, x.shape[1], x.shape[2]], y: yb!.dataSync() as Float32Array,
    loss: options.loss ?? 'l1', huberDelta: options.huberDelta, dropoutSeed: deriveSeed(options.dropoutSeed, 'worker'),
  });
  const own = batchGradients(model, xa as tf.Tensor3D, ya as tf.Tensor1D, options);
  const other = await theirs;
  const wMine = mine / n;
  const named = tf.tidy(() => {
    const out: Record<string, tf.Tensor> = {};
    let offset = 0;
    for (const [name, v] of model.params) {
      const g = own.grads[name];
      const og = tf.tensor(other.grads.subarray(offset, offset + v.size), v.shape);
      out[name] = g ? tf.add(tf.mul(g, wMine), tf.mul(og, 1 - wMine)) : tf.mul(og, 1 - wMine);
      offset += v.size;
    }
    return out;
  });
  optimizer.step(model.params, named, options.lr, { beta1: options.beta1 });
  let at = 0;
  tf.tidy(() => {
    for (const v of model.state.values()) {
      v.assign(tf.div(tf.add(v, tf.tensor(other.state.subarray(at, at + v.size), v.shape)), 2));
      at += v.size;
    }
  });
  model.markChanged();
  const loss = own.loss * wMine + other.loss * (1 - wMine);
  tf.dispose([xa!, xb!, ya!, yb!, ...Object.values(own.grads), ...Object.values(named)]);
  return loss;
}
