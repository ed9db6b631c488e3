/**
 * Seq2Exp (2025): a generator predicts a per-base mask over a long sequence from the DNA and the epigenomic
 * signals; a predictor reads the masked sequence (with the signals) and predicts expression; an information
 * bottleneck keeps the mask small.
 *
 * Generator, as in the paper: the sequence network gives Beta(α_s, β_s) per base; the signals give a Beta too, and
 * the two are combined. Two maps from signal to Beta (`signalMap`):
 * - 'learned' (default): Beta(α_e, β_e) with α_e = 1 + softplus(k · s + c) (s = mean of the log1p-scaled tracks at
 *   the base; k > 0 and c two learned scalars) and a fixed β_e, combined by the product of densities,
 *   Beta(α_s + α_e − 1, β_s + β_e − 1) (the paper's Proposition 2);
 * - 'airs': the authors' code (AIRS OpenBio/Seq2Exp src/models/sequence/GeneExpformer.py): per track i a fixed
 *   Beta((s_i + βmin)·k, (b_i + βmin)·k) (`prior_dist`, L707–726) with fixed per-track β b_i and mix weights w_i
 *   (`prior_beta` "1.5,0.2,1.0" and `prior_weight` "2,2,1" for H3K27ac, DNase, Hi-C: configs/model/
 *   gene_express_bimamba_MI_RNP.yaml L28–29; weights normalised, L627–630; not trained, dist_param_grad False),
 *   the sequence Beta(softplus + βmin, softplus + βmin) (`posterior_dist`, L695–705), and the combination by
 *   adding parameters, Beta(α_s + Σ w_i α_i, β_s + Σ w_i β_i) (`couple_post_dist`, L673–693: "no −1"). Training samples the mask by
 * reparameterised Beta draws (via Gamma, beta.ts; biased gradients, see there) or Kumaraswamy draws
 * (`sampler: 'kumaraswamy'`, exact gradients); inference uses the expected value.
 * 'soft' masks multiply the one-hot input by the mask; 'hard' masks threshold it at 0.5 in the forward pass and
 * pass the soft gradient straight through. The bottleneck is the mean KL to a sparse prior, Beta(1, (1 − r) / r) by
 * default (mean r, the target mask ratio), or any Beta (`prior`; AIRS: Beta(10, 90) soft, Beta(0.1, 0.12) hard:
 * marginal mean and scale, L665–668, L734–743, Seq2Exp.sh). `centerLength` bases at the centre are always kept
 * (AIRS keeps the central 2,000 bp promoter window of 200 kb, L875–877).
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
import { betaKl, kumaraswamyBetaKl, kumaraswamyMean, sampleBeta, sampleKumaraswamy } from './beta';

export type MaskKind = 'soft' | 'hard';
/** How signals become the mask's Beta: 'learned' (a small network) or 'airs' (the authors' fixed map). */
export const SIGNAL_MAPS = ['learned', 'airs'] as const;
/** How training samples the mask: 'rejection' (Beta via Gamma) or 'kumaraswamy'. */
export const MASK_SAMPLERS = ['rejection', 'kumaraswamy'] as const;

/**
 * The AIRS per-track β and mix weight by track name (yaml L28–29: H3K27ac 1.5 / 2, DNase 0.2 / 2, Hi-C 1.0 / 1); others 1 / 1.
 * @param names - Track names (matched case-insensitively).
 * @returns One β and one weight per track.
 * @example
 * airsTrackParameters(['H3K27ac', 'DNase']); // { betas: [1.5, 0.2], weights: [2, 2] }
 */
export function airsTrackParameters(names: readonly string[]): { betas: number[]; weights: number[] } {
  const known: Record<string, [number, number]> = { h3k27ac: [1.5, 2], dnase: [0.2, 2], dhs: [0.2, 2], hic: [1, 1], 'hi-c': [1, 1] };
  const pairs = names.map((n) => known[n.toLowerCase()] ?? [1, 1]);
  return { betas: pairs.map((p) => p[0]), weights: pairs.map((p) => p[1]) };
}

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
  /** How signals become a Beta: 'learned' (default) or 'airs' (the authors' fixed map; see the module header). */
  signalMap: (typeof SIGNAL_MAPS)[number];
  /** AIRS map: per-track β b_i and mix weights w_i (default: airsTrackParameters of the track names, else 1s). */
  trackBetas?: number[];
  trackWeights?: number[];
  /** AIRS map: prior_scale_factor k (default 10, Seq2Exp-soft; Seq2Exp-hard: 1). */
  signalScale: number;
  /** AIRS map: beta_min added to every parameter (default 1, Seq2Exp-soft; Seq2Exp-hard: 0). */
  betaMin: number;
  /** The bottleneck's prior Beta(α0, β0) (default Beta(1, (1 − maskRatio) / maskRatio)). */
  prior?: [number, number];
  /** How training samples the mask: 'rejection' (Beta via Gamma; default) or 'kumaraswamy' (exact gradients). */
  sampler: (typeof MASK_SAMPLERS)[number];
  /** Bases at the centre of each region always kept by the mask (default 0). */
  centerLength: number;
  /** Seed of the initial weights and of training. */
  seed: number;
}

export const DEFAULT_SEQ2EXP_CONFIG: Omit<Seq2ExpConfig, 'length' | 'tracks'> = {
  mask: 'soft', maskRatio: 0.05, signalBeta: 4, channels: 16, maskSignals: true, signalMap: 'learned', signalScale: 10, betaMin: 1,
  sampler: 'rejection', centerLength: 0, seed: 1,
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
    checkMaskConfig(config);
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
      if (this.config.signalMap === 'airs') return this.airsParameters(aRaw as tf.Tensor3D, bRaw as tf.Tensor3D, signals);
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

  /**
   * The AIRS parameters: sequence Beta(softplus + βmin) plus the weighted fixed signal Betas ((s_i + βmin)·k,
   * (b_i + βmin)·k); floored at 1e-3 (AIRS adds 1e-8; float32 Gamma draws need a little more room).
   */
  private airsParameters(aRaw: tf.Tensor3D, bRaw: tf.Tensor3D, signals: tf.Tensor3D): { alpha: tf.Tensor2D; beta: tf.Tensor2D } {
    const { tracks, betaMin, signalScale } = this.config;
    const betas = this.config.trackBetas ?? new Array<number>(tracks).fill(1);
    const raw = this.config.trackWeights ?? new Array<number>(tracks).fill(1);
    const total = raw.reduce((a, b) => a + b, 0);
    const weights = raw.map((w) => w / total);
    const signalAlpha = tf.mul(tf.sum(tf.mul(tf.add(signals, betaMin), tf.tensor1d(weights)), 2), signalScale); // Σ w_i (s_i + βmin) k
    const signalBeta = weights.reduce((sum, w, i) => sum + w * (betas[i]! + betaMin) * signalScale, 0);
    const alpha = tf.maximum(tf.add(tf.squeeze(tf.add(tf.softplus(aRaw), betaMin), [2]), signalAlpha), 1e-3) as tf.Tensor2D;
    const beta = tf.maximum(tf.add(tf.squeeze(tf.add(tf.softplus(bRaw), betaMin), [2]), signalBeta), 1e-3) as tf.Tensor2D;
    return { alpha, beta };
  }

  /** The prior Beta(α0, β0) of the bottleneck. */
  priorParameters(): [number, number] {
    const r = this.config.maskRatio;
    return this.config.prior ?? [1, (1 - r) / r];
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
      const kuma = this.config.sampler === 'kumaraswamy';
      let mask = (random
        ? (kuma ? sampleKumaraswamy(alpha, beta, random) : sampleBeta(alpha, beta, random))
        : (kuma ? kumaraswamyMean(alpha, beta) : tf.div(alpha, tf.add(alpha, beta)))) as tf.Tensor2D;
      if (this.config.mask === 'hard') {
        // Straight-through: the forward value is the 0/1 threshold, the gradient is the soft mask's.
        mask = straightThrough(mask) as tf.Tensor2D;
      }
      mask = this.keepCenter(mask);
      const [a0, b0] = this.priorParameters();
      const kl = tf.mean(kuma ? kumaraswamyBetaKl(alpha, beta, a0, b0) : betaKl(alpha, beta, a0, b0)) as tf.Scalar;
      return { prediction: this.predict(onehot, signals, mask), mask, kl, alpha, beta };
    });
  }

  /** The mask with the central `centerLength` bases set to 1 (no gradient flows there, as AIRS's in-place assignment). */
  keepCenter(mask: tf.Tensor2D): tf.Tensor2D {
    const { centerLength, length } = this.config;
    if (!centerLength) return mask;
    const start = Math.floor((length - centerLength) / 2);
    const window = Float32Array.from({ length }, (_, i) => (i >= start && i < start + centerLength ? 1 : 0));
    return tf.tidy(() => {
      const keep = tf.tensor1d(window);
      return tf.add(tf.mul(mask, tf.sub(1, keep)), keep) as tf.Tensor2D;
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

function checkMaskConfig(c: Seq2ExpConfig): void {
  if (!SIGNAL_MAPS.includes(c.signalMap)) throw new OptionError(`unknown signalMap '${c.signalMap}'; expected ${SIGNAL_MAPS.join(' or ')}`, { option: 'signalMap' });
  if (!MASK_SAMPLERS.includes(c.sampler)) throw new OptionError(`unknown sampler '${c.sampler}'; expected ${MASK_SAMPLERS.join(' or ')}`, { option: 'sampler' });
  if (c.prior && !(c.prior.length === 2 && c.prior[0] > 0 && c.prior[1] > 0)) throw new OptionError(`the prior is Beta(α0, β0) with α0, β0 > 0, got ${JSON.stringify(c.prior)}`, { option: 'prior' });
  if (!(c.signalScale > 0)) throw new OptionError(`signalScale must be positive, got ${c.signalScale}`, { option: 'signalScale' });
  if (!(c.betaMin >= 0)) throw new OptionError(`betaMin must be ≥ 0, got ${c.betaMin}`, { option: 'betaMin' });
  if (!(Number.isInteger(c.centerLength) && c.centerLength >= 0 && c.centerLength < c.length)) {
    throw new OptionError(`centerLength must be an integer in [0, ${c.length}), got ${c.centerLength}`, { option: 'centerLength' });
  }
  for (const [name, values] of [['trackBetas', c.trackBetas], ['trackWeights', c.trackWeights]] as const) {
    if (values && !(values.length === c.tracks && values.every((v) => v >= 0))) throw new OptionError(`${name} needs ${c.tracks} values ≥ 0, got ${JSON.stringify(values)}`, { option: name });
  }
}

export function createSeq2ExpModel(config: Partial<Seq2ExpConfig> & Pick<Seq2ExpConfig, 'length' | 'tracks'>): Seq2ExpModel {
  return new Seq2ExpModel({ ...DEFAULT_SEQ2EXP_CONFIG, ...config });
}
