/**
 * The gradient side of attribution for Camformer models: plain input gradients, and DeepLIFT's rescale rule
 * (Shrikumar et al. 2017) as tangermeme implements it (tangermeme/deep_lift_shap.py, `_nonlinear` lines
 * 128–145 and `_maxpool` lines 172–210): the batch holds the inputs and their references stacked, [x; r];
 * each nonlinearity passes back dy · Δout/Δin (the same multiplier for both halves) instead of its gradient,
 * so the gradient of Σ f wrt x is DeepLIFT's multiplier m and Σ (x − r) · m = f(x) − f(r) exactly.
 *
 * - ReLU: m = (relu(z_x) − relu(z_r)) / (z_x − z_r); where |Δz| < 1e-6, the ordinary gradient (tangermeme).
 * - Max-pool: the window's Δout is split between the two argmax positions — (max(o_x, o_r) − o_r) to x's
 *   argmax and (o_x − max(o_x, o_r)) to r's argmax — summed back onto input positions and divided by Δin
 *   (where |Δin| < 1e-7, the ordinary gradient). tangermeme writes the split back with `max_unpool1d`,
 *   which *assigns*: where pooling windows overlap (Camformer's 10/4 and Mini's 7/2 do) and two windows share
 *   an argmax, one window's share is lost and completeness breaks. Here shares are *added* (a 0/1 scatter
 *   matrix), so completeness holds for overlapping windows too. This is the one deliberate difference.
 * - Batch norm: in eval mode an affine map, so linear; it needs no rule (as in tangermeme, which has none).
 * Dropout is the identity in eval mode; convolutions, padding, residual sums and dense layers are linear.
 */
import { tf } from '../tensor/tf';
import { ModelError } from '../../errors';
import type { Model, NonlinearOps } from './model';

/** Throws unless `references` has the shape of `x` (one reference per input, on either engine). */
export function checkPairs(x: { shape: readonly number[] }, references: { shape: readonly number[] }): void {
  if (x.shape.join() !== references.shape.join()) {
    throw new ModelError(`references of shape [${references.shape.join(', ')}] do not pair with inputs of shape [${x.shape.join(', ')}]`, { option: 'references' });
  }
}

/**
 * Model output and its input gradient for a batch: f(x) [n] and ∂f/∂x [n, length, channels]. Where a
 * max-pool window holds several equal maxima (runs of one base make them common) the gradient goes to the
 * first, as PyTorch's max_pool1d routes it; tfjs's own MaxPoolGrad picks another, an equally valid
 * subgradient that made saliency maps differ from PyTorch's by up to half their scale on DREAM sequences.
 */
export function inputGradientArrays(model: Model, x: tf.Tensor3D): { output: Float32Array; gradient: Float32Array } {
  const [output, gradient] = tf.tidy(() => withOutput((input) => model.forward(input as tf.Tensor3D, { ops: { maxPool: firstMaxPool } }).output, x));
  const result = { output: output.dataSync() as Float32Array, gradient: gradient.dataSync() as Float32Array };
  tf.dispose([output, gradient]);
  return result;
}

/**
 * DeepLIFT (rescale rule) multipliers of inputs `x` against paired references `r` (same shape): `output`
 * f(x), `referenceOutput` f(r), and `multipliers` [n, length, channels] with Σ (x − r) · m = f(x) − f(r).
 */
export function deepLiftArrays(model: Model, x: tf.Tensor3D, r: tf.Tensor3D): { output: Float32Array; referenceOutput: Float32Array; multipliers: Float32Array } {
  const n = x.shape[0];
  const ops = rescaleRules();
  const [outputs, multipliers] = tf.tidy(() => withOutput((input) => model.forward(tf.concat([input as tf.Tensor3D, r], 0), { ops }).output, x));
  const values = outputs.dataSync() as Float32Array;
  const result = { output: values.slice(0, n), referenceOutput: values.slice(n), multipliers: multipliers.dataSync() as Float32Array };
  tf.dispose([outputs, multipliers]);
  return result;
}

/** The outputs of `f` (kept from the taped forward pass, so the model runs once) and the gradient of their sum wrt `x`. */
function withOutput(f: (input: tf.Tensor) => tf.Tensor, x: tf.Tensor3D): [tf.Tensor, tf.Tensor] {
  let output: tf.Tensor | undefined;
  const gradient = tf.grad((input: tf.Tensor) => {
    const y = f(input);
    output = tf.keep(tf.clone(y));
    return tf.sum(y);
  })(x);
  return [output!, gradient];
}

/** Rescale-rule ReLU and max-pool for a batch stacked as [inputs; references]. */
export function rescaleRules(): NonlinearOps {
  return { relu: rescaleRelu, maxPool: rescaleMaxPool };
}

/** Splits a [2n, …] tensor into its input half and reference half. */
function halves<T extends tf.Tensor>(t: T): [T, T] {
  return tf.split(t, 2, 0) as [T, T];
}

/** Both halves get the same multiplier (tangermeme concatenates delta with itself, line 139). */
function twice<T extends tf.Tensor>(t: T): T {
  return tf.concat([t, t], 0) as T;
}

const rescaleRelu = (input: tf.Tensor): tf.Tensor => {
  const forward = (z: tf.Tensor, save: tf.GradSaveFunc) => {
    const y = tf.relu(z);
    save([z, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [zs, ys] = saved as [tf.Tensor, tf.Tensor];
        const [zx, zr] = halves(zs);
        const [yx, yr] = halves(ys);
        const deltaIn = tf.sub(zx, zr);
        const small = twice(tf.less(tf.abs(deltaIn), 1e-6));
        const ratio = twice(tf.div(tf.sub(yx, yr), tf.where(tf.less(tf.abs(deltaIn), 1e-6), tf.onesLike(deltaIn), deltaIn)));
        const plain = tf.mul(dy, tf.cast(tf.greater(zs, 0), 'float32'));
        return tf.where(small, plain, tf.mul(dy, ratio));
      },
    };
  };
  // customGrad's typing is variadic (Tensor | save); the cast names the real signature (as tensor/ops.ts does).
  return tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0])(input);
};

/** Scatter matrices of a valid 1-D pooling: window slot (p, j) reads input position p · stride + j. */
function poolIndex(length: number, kernel: number, stride: number): { index: tf.Tensor1D; scatter: tf.Tensor2D; windows: number } {
  const windows = Math.floor((length - kernel) / stride) + 1;
  const index = new Int32Array(windows * kernel);
  const scatter = new Float32Array(windows * kernel * length);
  for (let p = 0; p < windows; p++) {
    for (let j = 0; j < kernel; j++) {
      index[p * kernel + j] = p * stride + j;
      scatter[(p * kernel + j) * length + p * stride + j] = 1;
    }
  }
  return { index: tf.tensor1d(index, 'int32'), scatter: tf.tensor2d(scatter, [windows * kernel, length]), windows };
}

/** Window view [batch, P, k, C] of a valid pooling, the one-hot of each window's first argmax, and the sum back onto positions. */
function windows(t: tf.Tensor4D, kernel: number, stride: number) {
  const [batch, , length, channels] = t.shape;
  const { index, scatter, windows: count } = poolIndex(length, kernel, stride);
  const view = tf.reshape(tf.gather(t, index, 2), [batch, count, kernel, channels]);
  const argmax = tf.transpose(tf.oneHot(tf.argMax(view, 2), kernel), [0, 1, 3, 2]); // [batch, P, k, C]
  // Window-slot values [batch, P, k, C] → input positions [batch, 1, L, C], overlaps added.
  const unpool = (slots: tf.Tensor): tf.Tensor4D => {
    const rows = tf.reshape(tf.transpose(tf.reshape(slots, [-1, count * kernel, channels]), [0, 2, 1]), [-1, count * kernel]);
    const back = tf.reshape(tf.matMul(rows, scatter), [-1, channels, length]);
    return tf.expandDims(tf.transpose(back, [0, 2, 1]), 1) as tf.Tensor4D;
  };
  return { count, argmax, unpool };
}

/** tf.maxPool whose gradient goes to each window's first maximum (PyTorch's choice). */
const firstMaxPool = (input: tf.Tensor4D, kernel: number, stride: number): tf.Tensor4D => {
  const forward = (t: tf.Tensor, save: tf.GradSaveFunc) => {
    save([t]);
    return {
      value: tf.maxPool(t as tf.Tensor4D, [1, kernel], [1, stride], 'valid'),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const t4 = saved[0] as tf.Tensor4D;
        const { count, argmax, unpool } = windows(t4, kernel, stride);
        return unpool(tf.mul(argmax, tf.reshape(dy, [t4.shape[0], count, 1, t4.shape[3]])));
      },
    };
  };
  return tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0])(input) as tf.Tensor4D;
};

const rescaleMaxPool = (input: tf.Tensor4D, kernel: number, stride: number): tf.Tensor4D => {
  const forward = (t: tf.Tensor, save: tf.GradSaveFunc) => {
    const y = tf.maxPool(t as tf.Tensor4D, [1, kernel], [1, stride], 'valid');
    save([t, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [ts, ys] = saved as [tf.Tensor4D, tf.Tensor4D];
        const [batch, , , channels] = ts.shape;
        const { count, argmax, unpool } = windows(ts, kernel, stride);
        const g = tf.reshape(dy, [batch, count, 1, channels]);
        const [yx, yr] = halves(tf.reshape(ys, [batch, count, 1, channels]));
        const top = tf.maximum(yx, yr);
        const [gx, gr] = halves(g);
        const [ax, ar] = halves(argmax);
        // tangermeme lines 192–205: x's share to x's argmax, the reference's share to the reference's.
        const shares = unpool(tf.add(tf.mul(ax, tf.mul(gx, tf.sub(top, yr))), tf.mul(ar, tf.mul(gr, tf.sub(yx, top)))));
        const [tx, tr] = halves(ts);
        const deltaIn = tf.sub(tx, tr);
        const small = tf.less(tf.abs(deltaIn), 1e-7);
        const multiplier = tf.div(shares, tf.where(small, tf.onesLike(deltaIn), deltaIn));
        const plain = unpool(tf.mul(argmax, g));
        return tf.where(twice(small), plain, twice(multiplier));
      },
    };
  };
  return tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0])(input) as tf.Tensor4D;
};
