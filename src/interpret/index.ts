// src/interpret: questions asked of a trained model — ISM, Grad-CAM, activations, filter knock-outs and
// filter PWMs, and the Camformer Figure 8 motif-pair logic read from ISM.
export { ismScores, ismContributions, ismEntropy, type BatchPredictor, type IsmOptions } from './ism';
export { gradCam, averageGradCam, resample, GRADCAM_VARIANTS, type GradCamOptions, type GradCamVariant } from './gradcam';
export { layerActivations, filterKnockout, filterPwms, type LayerActivations, type KnockoutOptions, type FilterPwm } from './activations';
export * from './motif-pairs';
export { ismDense, variantsOf, type DenseIsm, type DenseIsmOptions, type IsmRegion } from './ism-dense';
export { appendTidyIsm, emptyIsmColumns, sequenceCodes, ISM_COLUMNS, type IsmColumns } from './ism';
export * from './ism-store';
