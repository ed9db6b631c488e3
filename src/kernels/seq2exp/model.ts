/**
 * Seq2Exp (2025): a generator predicts a per-base mask over a long sequence from the DNA and the epigenomic
 * signals; a predictor reads the masked sequence (with the signals) and predicts expression; an information
 * bottleneck keeps the mask small.
 *
 * Generator, as in the paper: the sequence network gives Beta(α_s, β_s) per base; the signals give
 * Beta(α_e, β_e) with α_e = 1 + softplus(k · s + c) (s = mean of the log1p-scaled tracks at the base; k > 0 and c
 * two learned scalars — our choice of how "α from the signal values" is scaled) and a fixed β_e; the two are
 * combined by the product of densities, Beta(α_s + α_e − 1, β_s + β_e − 1). Training samples the mask by
 * reparameterised Beta draws (via Gamma, seq2exp-beta.ts); inference uses the expected value α / (α + β).
 * 'soft' masks multiply the one-hot input by the mask; 'hard' masks threshold it at 0.5 in the forward pass and
 * pass the soft gradient straight through. The bottleneck is the mean KL to a sparse Beta(1, (1 − r) / r)
 * prior (mean r, the target mask ratio).
 *
 * Deviation: the paper's backbones are Caduceus (bidirectional Mamba) for the generator and predictor, which
 * tfjs does not have. Both networks here are small CNNs (conv 11 → conv 7 → 1×1 for the generator; conv 11 →
 * conv 5 → mean-pool → dense for the predictor): enough for ~1-kb simulated regions on CPU, not for 200-kb
 * windows. Dilated convolutions were avoided because the wasm backend's fast conv gradient covers only
 * dilation 1.
 */
import { tf } from '../tensor/tf';
import * as tfl from '@tensorflow/tfjs-layers';
import { ModelError, OptionError } from '../../errors';
import type { Random } from '../../stats/random';
import { betaKl, sampleBeta } from './beta';

export type MaskKind = 'soft' | 'hard';

export interface Seq2ExpConfig {
  length: number;
  tracks: number;
  /** The mask: 'soft' (multiplies the input) or 'hard' (thresholded at 0.5, soft gradient passed straight through). */
  mask: MaskKind;
  /** Target mask ratio r: the prior is Beta(1, (1 − r)/r). */
  maskRatio: number;
  /** Fixed β of the signal Beta. */
  signalBeta: number;
  /** Convolution channels of the mask and predictor networks. */
  channels: number;
  /** Mask the signals the predictor reads as well as the sequence (default true). */
  maskSignals: boolean;
  /** Seed of the initial weights and of training. */
  seed: number;
}

export const DEFAULT_SEQ2EXP_CONFIG: Omit<Seq2ExpConfig, 'length' | 'tracks'> = {
  mask: 'soft', maskRatio: 0.05, signalBeta: 4, channels: 16, maskSignals: true, seed: 1,
};

export interface Seq2ExpOutput {
  /** Predicted expression [n] (standardised units). */
  prediction: tf.Tensor1D;
  /** The mask used [n, L]. */
  mask: tf.Tensor2D;
  /** Mean KL to the prior (scalar). */
  kl: tf.Scalar;
  /** Beta parameters [n, L]. */
  alpha: tf.Tensor2D;
  beta: tf.Tensor2D;
}

export class Seq2ExpModel {
  readonly config: Seq2ExpConfig;
  private readonly generator: tfl.layers.Layer[];
  private readonly predictorConvs: tfl.layers.Layer[];
  private readonly predictorDense: tfl.layers.Layer[];
  /** α_e = 1 + softplus(softplus(signalScale) · s + signalShift): two learned scalars. */
  private readonly signalScale: tf.Variable;
  private readonly signalShift: tf.Variable;
  private built = false;
  targetMean = 0;
  targetScale = 1;
  /** Per-track scale of log1p(counts) (set from the training data). */
  trackScale: number[] = [];

  constructor(config: Seq2ExpConfig) {
    if (!(config.maskRatio > 0 && config.maskRatio < 1)) throw new OptionError(`expected a ratio in (0, 1), got ${config.maskRatio}`, { option: 'maskRatio' });
    if (config.mask !== 'soft' && config.mask !== 'hard') throw new OptionError(`unknown mask '${config.mask}'; expected soft or hard`, { option: 'mask' });
    this.config = config;
    let seed = config.seed * 1000;
    const init = () => tfl.initializers.glorotUniform({ seed: seed++ });
    const ch = config.channels;
    this.generator = [
      tfl.layers.conv1d({ filters: ch, kernelSize: 11, padding: 'same', activation: 'relu', kernelInitializer: init() }),
      tfl.layers.conv1d({ filters: ch, kernelSize: 7, padding: 'same', activation: 'relu', kernelInitializer: init() }),
      tfl.layers.conv1d({ filters: 2, kernelSize: 1, kernelInitializer: init() }),
    ];
    // Initial map: background (s ≈ 0.3) → α_e ≈ 1.05, a typical peak (s ≈ 1.7) → α_e ≈ 4.
    this.signalScale = tf.variable(tf.scalar(Math.log(Math.expm1(4))), true);
    this.signalShift = tf.variable(tf.scalar(-4), true);
    this.predictorConvs = [
      tfl.layers.conv1d({ filters: ch, kernelSize: 11, padding: 'same', activation: 'relu', kernelInitializer: init() }),
      tfl.layers.conv1d({ filters: ch, kernelSize: 5, padding: 'same', activation: 'relu', kernelInitializer: init() }),
    ];
    this.predictorDense = [
      tfl.layers.dense({ units: ch, activation: 'relu', kernelInitializer: init() }),
      tfl.layers.dense({ units: 1, kernelInitializer: init() }),
    ];
  }

  get variables(): tf.Variable[] {
    if (!this.built) {
      tf.tidy(() => { this.forward(tf.zeros([1, this.config.length, 4]), tf.zeros([1, this.config.length, this.config.tracks])); });
      this.built = true;
    }
    return [
      ...[...this.generator, ...this.predictorConvs, ...this.predictorDense].flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable)),
      this.signalScale, this.signalShift,
    ];
  }

  /** The predictor's trainable variables only (training on a fixed selection). */
  get predictorVariables(): tf.Variable[] {
    void this.variables; // builds the layers
    return [...this.predictorConvs, ...this.predictorDense].flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
  }

  /** Per-base Beta parameters [n, L] from sequence and (scaled) signals. */
  betaParameters(onehot: tf.Tensor3D, signals: tf.Tensor3D): { alpha: tf.Tensor2D; beta: tf.Tensor2D } {
    this.checkInput(onehot, signals);
    return tf.tidy(() => {
      const raw = this.generator.reduce((x, layer) => layer.apply(x) as tf.Tensor, onehot as tf.Tensor) as tf.Tensor3D;
      const [aRaw, bRaw] = tf.split(raw, 2, 2);
      const alphaSeq = tf.add(tf.softplus(aRaw!), 0.05);
      const betaSeq = tf.add(tf.softplus(bRaw!), 0.05);
      // α_e from the signal values through a learned monotone map (scale > 0 by softplus), so background
      // signal gives α_e ≈ 1 (a flat Beta) and peaks a Beta leaning to 1.
      const scaled = tf.add(tf.mul(tf.mean(signals, 2, true), tf.softplus(this.signalScale)), this.signalShift);
      const alphaSignal = tf.add(1, tf.softplus(scaled));
      // Product of the two Beta densities: Beta(α_s + α_e − 1, β_s + β_e − 1).
      const alpha = tf.squeeze(tf.add(alphaSeq, tf.sub(alphaSignal, 1)), [2]) as tf.Tensor2D;
      const beta = tf.squeeze(tf.add(betaSeq, this.config.signalBeta - 1), [2]) as tf.Tensor2D;
      return { alpha, beta };
    });
  }

  /** Prediction from the one-hot sequence multiplied by `mask` [n, L], concatenated with the signals. */
  predict(onehot: tf.Tensor3D, signals: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor1D {
    return tf.tidy(() => {
      // The mask applies to the concatenation: with unmasked signals the predictor could read every peak
      // (active and decoy alike) without the mask, and the bottleneck would have nothing to select.
      const both = tf.concat([onehot, signals], 2);
      const input = this.config.maskSignals ? tf.mul(both, tf.expandDims(mask, 2)) : tf.concat([tf.mul(onehot, tf.expandDims(mask, 2)), signals], 2);
      const conv = this.predictorConvs.reduce((x, layer) => layer.apply(x) as tf.Tensor, input as tf.Tensor);
      // Max and mean over positions: the max gives motif detectors a sharp gradient (mean pooling alone spreads
      // it over every base and learns composition first); the mean carries counts (effects add up).
      const pooled = tf.concat([tf.max(conv, 1), tf.mean(conv, 1)], 1);
      const out = this.predictorDense.reduce((x, layer) => layer.apply(x) as tf.Tensor, pooled);
      return tf.reshape(out, [-1]) as tf.Tensor1D;
    });
  }

  /** Full pass. With `random` (training) the mask is sampled; without it, the expected value is used. */
  forward(onehot: tf.Tensor3D, signals: tf.Tensor3D, random?: Random): Seq2ExpOutput {
    return tf.tidy(() => {
      const { alpha, beta } = this.betaParameters(onehot, signals);
      let mask = (random ? sampleBeta(alpha, beta, random) : tf.div(alpha, tf.add(alpha, beta))) as tf.Tensor2D;
      if (this.config.mask === 'hard') {
        // Straight-through: the forward value is the 0/1 threshold, the gradient is the soft mask's.
        mask = straightThrough(mask) as tf.Tensor2D;
      }
      const r = this.config.maskRatio;
      const kl = tf.mean(betaKl(alpha, beta, 1, (1 - r) / r)) as tf.Scalar;
      return { prediction: this.predict(onehot, signals, mask), mask, kl, alpha, beta };
    });
  }

  dispose(): void {
    for (const layer of [...this.generator, ...this.predictorConvs, ...this.predictorDense]) if (layer.built) layer.dispose();
    tf.dispose([this.signalScale, this.signalShift]);
  }

  private checkInput(onehot: tf.Tensor3D, signals: tf.Tensor3D): void {
    const { length, tracks } = this.config;
    if (onehot.shape[1] !== length || onehot.shape[2] !== 4) throw new ModelError(`expected one-hot input [n, ${length}, 4], got [${onehot.shape}]`);
    if (signals.shape[0] !== onehot.shape[0] || signals.shape[1] !== length || signals.shape[2] !== tracks) {
      throw new ModelError(`expected signals [${onehot.shape[0]}, ${length}, ${tracks}], got [${signals.shape}]`);
    }
  }
}

/** Forward: x > 0.5 as 0/1; backward: the identity (tfjs has no stopGradient, so a custom gradient). */
const straightThrough = tf.customGrad(((x: tf.Tensor) => ({
  value: tf.cast(tf.greater(x, 0.5), 'float32'),
  gradFunc: (dy: tf.Tensor) => dy,
})) as unknown as Parameters<typeof tf.customGrad>[0]);

export function createSeq2ExpModel(config: Partial<Seq2ExpConfig> & Pick<Seq2ExpConfig, 'length' | 'tracks'>): Seq2ExpModel {
  return new Seq2ExpModel({ ...DEFAULT_SEQ2EXP_CONFIG, ...config });
}
