/**
 * Seq2Exp as the authors' code runs it (`recipe: 'airs'` of trainSeq2Exp), from divelab/AIRS OpenBio/Seq2Exp:
 * - Seq2Exp.sh L12–26 (soft): kl_loss_weight 0.01, prior_scale_factor 10, marginal_mean 0.1 (marginal_scale 10 by
 *   default, configs/model/gene_express_bimamba_MI_RNP.yaml L50–51), beta_min 1 → prior Beta(10, 90);
 *   L30–51 (hard): kl weight 0.01, prior_scale_factor 1, beta_min 0, marginal mean 0.45 and scale 0.1 → prior
 *   Beta(0.1, 0.122), the 0/1 mask in training (post_hard_dist) and at test (test_hard, threshold 0.5);
 * - the signal Beta with fixed per-track β and mix weights (yaml L27–29, not trained: dist_param_grad False L57);
 * - src/tasks/metrics.py L323–346: smooth-L1 prediction loss (β = 1) plus the weighted KL;
 * - configs/experiment/hg38/gene_express.yaml: AdamW lr 5e-4, weight decay 1e-6, betas (0.9, 0.95) (L75–78); timm
 *   cosine with a linear warm-up over the first 10 % of the steps from 1e-5, down to 1e-4 (L66–72); gradient
 *   clipping at norm 1 (L35); the checkpoint with the best validation MSE kept (L87–88, callbacks/checkpoint.yaml);
 * - the central promoter window always kept (center_len 2,000 of 200,000 bp: 1 %; GeneExpformer.py L875–877);
 * - cross-chromosome validation: chromosomes 3 and 21 validate, 22 and X test (paper §5.1.4).
 * The backbones stay CNNs (no Mamba/Caduceus in tfjs), 8 tokens of batch become `batchSize`, and 50,000 steps
 * become `epochs` over the simulated regions.
 */
import type { MaskKind, Seq2ExpConfig } from './model';

export const SEQ2EXP_RECIPES = ['airs'] as const;
/** One of {@link SEQ2EXP_RECIPES}: 'airs'. */
export type Seq2ExpRecipe = (typeof SEQ2EXP_RECIPES)[number];

/** What the recipe sets besides the model's mask options. */
export interface Seq2ExpRecipeOptions extends Partial<Seq2ExpConfig> {
  klWeight: number;
  loss: 'mse' | 'smooth-l1';
  optimizer: 'adam' | 'adamw';
  learningRate: number;
  weightDecay: number;
  beta2: number;
  schedule: 'constant' | 'cosine';
  warmupFraction: number;
  warmupStartLr: number;
  minLr: number;
  clipNorm: number;
  selectBest: boolean;
  split: 'random' | 'chromosome';
}

/**
 * The AIRS settings for a soft or hard mask on regions of `length` bases (see the module header).
 * @param mask - 'soft' or 'hard'.
 * @param length - Bases per region (sets the always-kept centre).
 * @returns Model config and training options for {@link trainSeq2Exp}.
 * @example
 * seq2ExpRecipe('soft', 500); // prior Beta(10, 90), KL weight 0.01, smooth L1, AdamW 5e-4 with cosine warm-up
 */
export function seq2ExpRecipe(mask: MaskKind, length: number): Seq2ExpRecipeOptions {
  const hard = mask === 'hard';
  const marginal = hard ? { mean: 0.45, scale: 0.1 } : { mean: 0.1, scale: 10 };
  return {
    signalMap: 'airs', signalScale: hard ? 1 : 10, betaMin: hard ? 0 : 1,
    prior: [marginal.scale, ((1 - marginal.mean) / marginal.mean) * marginal.scale],
    centerLength: Math.max(1, Math.round(0.01 * length)),
    klWeight: 0.01, loss: 'smooth-l1', optimizer: 'adamw', learningRate: 5e-4, weightDecay: 1e-6, beta2: 0.95,
    schedule: 'cosine', warmupFraction: 0.1, warmupStartLr: 1e-5, minLr: 1e-4, clipNorm: 1, selectBest: true, split: 'chromosome',
  };
}
