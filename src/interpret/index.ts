// src/interpret: questions asked of a trained model — ISM, Grad-CAM, activations, filter knock-outs and
// filter PWMs, the Camformer Figure 8 motif-pair logic, gradient attributions (saliency, input × gradient,
// integrated gradients, DeepLIFT/SHAP), seqlets and their motifs, in-silico experiments (marginalize, ablate,
// space, pairwise influence), variant effects and design.
export {
  ismScores, ismContributions, ismEntropy, ISM_SIGNS, CAMFORMER_ENTROPY_THRESHOLD,
  type BatchPredictor, type IsmOptions, type IsmSign, type IsmContributionOptions, type IsmEntropyOptions,
} from './ism';
export { gradCam, averageGradCam, resample, GRADCAM_VARIANTS, type GradCamOptions, type GradCamVariant } from './gradcam';
export { layerActivations, filterKnockout, filterPwms, type ActivationOptions, type LayerActivations, type KnockoutOptions, type FilterPwm } from './activations';
export * from './motif-pairs';
export { attribute, attributionBatches, attributionTable, ATTRIBUTION_METHODS, type AttributeOptions, type AttributionBatch, type AttributionMethod, type SequenceRecord } from './attribute';
export { differentiable, type Differentiable, type GradientResult, type DeepLiftResult } from './differentiable';
export { baseEncoding, shuffledReferences, integrationBaseline, BASELINES, type BaselineKind } from './references';
export { marginalize, ablate, summarizeEffects, type ExperimentOptions, type MarginalizeOptions, type AblateOptions } from './experiments';
export { space, spaceSummary, spacingInShuffledBackgrounds, findMotif, asInserted, ORIENTATIONS, type Orientation, type SpaceOptions, type ShuffledSpacingOptions, type SpacingResult } from './spacing';
export { pairwiseInfluence, type PairwiseOptions } from './pairwise';
export { callSeqlets, attributionMatrix, type SeqletOptions, type AttributionMatrix } from './seqlets';
export { annotateSeqlets, clusterSeqlets, annotatePatterns, seqletMotif, type ClusterOptions, type SeqletPatterns } from './seqlet-motifs';
export { variantEffects, applyVariant, variantKind, type VariantEffectOptions, type VariantPolicy, type VariantKind } from './variants';
export { dreamSnvEffects, type DreamSnvOptions, type DreamSnvResult } from './dream-variants';
export { greedyDesign, evolveDesign, type DesignOptions, type GreedyOptions, type EvolveOptions, type EvolveResult } from './design';
export { substitute, centeredStart, predictSequences, type InsertedMotif, type SequenceLookup } from './sequence-edits';
export { ismDense, variantsOf, type DenseIsm, type DenseIsmOptions, type IsmRegion } from './ism-dense';
export { appendTidyIsm, emptyIsmColumns, sequenceCodes, ISM_COLUMNS, type IsmColumns } from './ism';
export * from './ism-store';
