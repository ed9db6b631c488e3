/**
 * The tensor operations a Camformer-style block needs, written for training speed on every backend:
 * - `normRelu`: batch norm (batch statistics) fused with ReLU under one custom gradient. The stock tfjs
 *   batch-norm gradient tiles its statistics to the input's shape; this one broadcasts, and it skips the
 *   separate ReLU and conv-bias gradients (the bias cancels inside batch norm: its gradient is exactly 0).
 * - `dropoutMask`: element-wise dropout masks from a fast seeded generator (tfjs's own seeded uniform runs a
 *   slow JS PRNG per element), so a run is repeatable from one seed.
 * Tensors are NHWC with H = 1: [n, 1, positions, channels]; conv1d is conv2d with a 1 × k filter.
 */
import { tf } from './tf';

export interface NormState {
  gamma: tf.Variable;
  beta: tf.Variable;
  movingMean: tf.Variable;
  movingVariance: tf.Variable;
  /** Conv bias that precedes the norm: cancels in training but enters the running mean (as in PyTorch). */
  bias: tf.Variable;
}

/**
 * Training-mode relu(batchNorm(x + bias)) over axes [n, h, w]; updates the running statistics (PyTorch rule,
 * unbiased running variance). Gradient: dx = γ/σ · (g − mean(g) − x̂ · mean(g · x̂)), g = dy · [y > 0].
 */
export function normReluTraining(x: tf.Tensor4D, s: NormState, epsilon: number, momentum: number): tf.Tensor4D {
  const count = x.shape[0] * x.shape[1] * x.shape[2];
  // customGrad's typing is variadic (Tensor | save); the cast names the real signature.
  const forward = (input: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, save: tf.GradSaveFunc) => {
    const { mean, variance } = tf.moments(input, [0, 1, 2]);
    const rstd = tf.rsqrt(tf.add(variance, epsilon));
    const xhat = tf.mul(tf.sub(input, mean), rstd);
    const y = tf.relu(tf.add(tf.mul(xhat, gamma), beta));
    tf.tidy(() => {
      const unbiased = tf.mul(variance, count / Math.max(count - 1, 1));
      s.movingMean.assign(tf.add(tf.mul(s.movingMean, 1 - momentum), tf.mul(tf.add(mean, s.bias), momentum)));
      s.movingVariance.assign(tf.add(tf.mul(s.movingVariance, 1 - momentum), tf.mul(unbiased, momentum)));
    });
    save([xhat, y, rstd, gamma]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, out, rs, g0] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        const g = tf.mul(dy, tf.step(out));
        const dbeta = tf.sum(g, [0, 1, 2]);
        const dgamma = tf.sum(tf.mul(g, xh), [0, 1, 2]);
        const scale = tf.mul(g0, rs);
        const dx = tf.mul(scale, tf.sub(tf.sub(g, tf.div(dbeta, count)), tf.mul(xh, tf.div(dgamma, count))));
        return [dx, dgamma, dbeta];
      },
    };
  };
  const op = tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x, s.gamma, s.beta) as tf.Tensor4D;
}

/** Eval-mode relu(batchNorm(x + bias)) with running statistics, differentiable with stock ops. */
export function normReluInference(x: tf.Tensor4D, s: NormState, epsilon: number): tf.Tensor4D {
  return tf.tidy(() => {
    const scale = tf.mul(s.gamma, tf.rsqrt(tf.add(s.movingVariance, epsilon)));
    const shift = tf.sub(s.beta, tf.mul(tf.sub(s.movingMean, s.bias), scale));
    return tf.relu(tf.add(tf.mul(x, scale), shift)) as tf.Tensor4D;
  });
}

/**
 * Conv weights with the eval-mode batch norm folded in: relu(conv(x, W') + b') equals the unfused block,
 * so inference is one fused conv + bias + ReLU kernel per block.
 */
export function foldNorm(filter: tf.Tensor4D, s: NormState, epsilon: number): { filter: tf.Tensor4D; bias: tf.Tensor1D } {
  return tf.tidy(() => {
    const scale = tf.mul(s.gamma, tf.rsqrt(tf.add(s.movingVariance, epsilon))) as tf.Tensor1D;
    return {
      filter: tf.mul(filter, scale) as tf.Tensor4D,
      bias: tf.add(tf.mul(tf.sub(s.bias, s.movingMean), scale), s.beta) as tf.Tensor1D,
    };
  });
}

/**
 * Scaled dropout mask (0 or 1/(1−rate)) of the given size from a xorshift128 stream seeded by `seed`;
 * 16 random bits per element, so rates are exact to 1/65536. Much faster than tf.dropout's seeded path.
 */
export function dropoutMask(shape: number[], rate: number, seed: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  const keep = 1 / (1 - rate);
  const threshold = Math.round(rate * 65536);
  let a = seed | 0 || 0x9e3779b9;
  let b = Math.imul(a ^ 0x85ebca6b, 0xc2b2ae35) | 0 || 1;
  let c = Math.imul(b ^ 0x27d4eb2f, 0x165667b1) | 0 || 2;
  let d = Math.imul(c ^ 0x9e3779b9, 0x85ebca6b) | 0 || 3;
  for (let i = 0; i < size; i += 2) {
    // xorshift128 (Marsaglia 2003)
    let t = a ^ (a << 11);
    a = b; b = c; c = d;
    d = d ^ (d >>> 19) ^ (t ^ (t >>> 8));
    out[i] = (d & 0xffff) >= threshold ? keep : 0;
    if (i + 1 < size) out[i + 1] = d >>> 16 >= threshold ? keep : 0;
  }
  return tf.tensor(out, shape);
}
