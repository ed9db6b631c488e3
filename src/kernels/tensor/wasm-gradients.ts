/**
 * Conv2D gradient for the wasm backend. Stock tfjs-backend-wasm has no Conv2DBackpropFilter kernel, so conv
 * nets cannot train there. Both gradients are rewritten as *forward* convolutions, which wasm runs through
 * XNNPACK (an im2col + matMul version measured 10× slower):
 *   dx = conv(pad(dy, k−1−pad), flip(W)ᵀ)                      (full correlation, cropped to x)
 *   dW = conv(xpadᵀ [C, H, W, N], dyᵀ [Ho, Wo, N, O])ᵀ           (the batch becomes the reduction channel)
 * Other backends, strides or dilations > 1 and NCHW keep the stock gradient. Also a broadcasting
 * FusedBatchNorm gradient (the stock one tiles; cislab's own models use the fused norm+ReLU of ops.ts).
 */
import { tf } from './tf';

let registered = false;

/** Replaces the Conv2D gradient (idempotent). Delegates to the stock gradient outside the wasm fast path. */
export function registerWasmGradients(): void {
  if (registered) return;
  const stock = tf.getGradient('Conv2D');
  tf.registerGradient({
    kernelName: 'Conv2D',
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const a = attrs as unknown as ConvAttrs;
      const ones = (v: number | number[]) => (Array.isArray(v) ? v.every((d) => d === 1) : v === 1);
      if (tf.getBackend() !== 'wasm' || !ones(a.strides) || !ones(a.dilations ?? 1) || a.dataFormat === 'NCHW') {
        return stock.gradFunc(dy, saved, attrs);
      }
      const pad = padInfo(x.shape, filter.shape, a);
      return {
        x: () => conv2dInputGradient(dy as tf.Tensor4D, filter, x.shape, pad),
        filter: () => conv2dFilterGradient(x, dy as tf.Tensor4D, filter.shape, pad),
      };
    },
  });
  registerBatchNormGradient();
  registered = true;
}

/**
 * FusedBatchNorm gradient (tf.batchNorm with given mean/variance, as tfjs-layers uses it) by broadcasting:
 * the stock gradient tiles mean, variance and scale to the input's shape first, which dominates on wasm.
 * Handles per-channel (rank-1, last axis) statistics; anything else, and other backends, keep the stock one.
 */
function registerBatchNormGradient(): void {
  const stock = tf.getGradient('FusedBatchNorm');
  tf.registerGradient({
    kernelName: 'FusedBatchNorm',
    inputsToSave: ['x', 'mean', 'variance', 'scale'],
    gradFunc: (dy, saved, attrs) => {
      const [x, mean, variance, scale] = saved as tf.Tensor[];
      const channels = x!.shape[x!.rank - 1];
      const perChannel = (t?: tf.Tensor) => t === undefined || (t.rank === 1 && t.shape[0] === channels);
      if (tf.getBackend() !== 'wasm' || ![mean, variance, scale].every(perChannel)) return stock.gradFunc(dy, saved, attrs);
      const eps = (attrs as unknown as { varianceEpsilon: number }).varianceEpsilon;
      const axes = Array.from({ length: x!.rank - 1 }, (_, i) => i);
      const g = dy as tf.Tensor;
      const rstd = () => tf.rsqrt(tf.add(variance!, eps));
      const gamma = () => (scale ?? tf.scalar(1));
      return {
        x: () => tf.mul(g, tf.mul(gamma(), rstd())),
        mean: () => tf.neg(tf.mul(tf.sum(g, axes), tf.mul(gamma(), rstd()))),
        variance: () => tf.mul(tf.sum(tf.mul(g, tf.sub(x!, mean!)), axes), tf.mul(tf.mul(gamma(), -0.5), tf.pow(rstd(), 3))),
        scale: () => tf.sum(tf.mul(tf.mul(g, tf.sub(x!, mean!)), rstd()), axes),
        offset: () => tf.sum(g, axes),
      };
    },
  });
}

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | number[][];
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export interface PadInfo {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

function padInfo(xShape: number[], filterShape: number[], a: ConvAttrs): PadInfo {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides,
    1,
    a.pad as 'valid',
    a.dimRoundingMode,
  );
  const { top, bottom, left, right } = info.padInfo;
  return { top, bottom, left, right };
}

/** Pads (positive amounts) or crops (negative amounts) the two spatial axes of an NHWC tensor. */
function padOrCrop(t: tf.Tensor4D, top: number, bottom: number, left: number, right: number): tf.Tensor4D {
  let out = t;
  if (top > 0 || bottom > 0 || left > 0 || right > 0) {
    out = tf.pad(out, [[0, 0], [Math.max(top, 0), Math.max(bottom, 0)], [Math.max(left, 0), Math.max(right, 0)], [0, 0]]);
  }
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const [n, h, w, c] = out.shape;
    const t0 = Math.max(-top, 0);
    const l0 = Math.max(-left, 0);
    out = tf.slice(out, [0, t0, l0, 0], [n, h - t0 - Math.max(-bottom, 0), w - l0 - Math.max(-right, 0), c]);
  }
  return out;
}

/** dL/dx of a stride-1 convolution as a forward convolution of dy with the flipped, transposed filter. */
export function conv2dInputGradient(dy: tf.Tensor4D, filter: tf.Tensor4D, xShape: number[], pad: PadInfo): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = filter.shape;
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
    const dyFull = padOrCrop(dy, kh - 1 - pad.top, kh - 1 - pad.bottom, kw - 1 - pad.left, kw - 1 - pad.right);
    const dx = tf.conv2d(dyFull, flipped, 1, 'valid');
    if (dx.shape[1] !== xShape[1] || dx.shape[2] !== xShape[2]) {
      throw new Error(`conv input gradient shape ${dx.shape} does not match input ${xShape}`);
    }
    return dx;
  });
}

/**
 * dL/dW of a stride-1 convolution: a forward convolution in which the batch axis is the reduced channel
 * axis. (One plain matMul per filter tap, dW[k] = xpadᵀ[:, :, k:k+T] · dy, measured ≈ 10% slower on
 * Camformer-Mini's largest layer; dyᵀ · x windows slower still.)
 */
export function conv2dFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: number[], pad: PadInfo): tf.Tensor4D {
  return tf.tidy(() => {
    const xp = padOrCrop(x, pad.top, pad.bottom, pad.left, pad.right);
    const xT = tf.transpose(xp, [3, 1, 2, 0]) as tf.Tensor4D; // [C, Hp, Wp, N]
    const dyT = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [Ho, Wo, N, O]
    const dw = tf.conv2d(xT, dyT, 1, 'valid'); // [C, kh, kw, O]
    const out = tf.transpose(dw, [1, 2, 0, 3]) as tf.Tensor4D;
    if (out.shape.some((d, i) => d !== filterShape[i])) {
      throw new Error(`conv filter gradient shape ${out.shape} does not match filter ${filterShape}`);
    }
    return out;
  });
}
