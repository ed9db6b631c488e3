// src/interpret: questions asked of a trained model — ISM, Grad-CAM, activations, filter knock-outs and
// filter PWMs, and the Camformer Figure 8 motif-pair logic read from ISM.
export {
  ismScores, ismContributions, ismEntropy, ISM_SIGNS, CAMFORMER_ENTROPY_THRESHOLD,
  type BatchPredictor, type IsmOptions, type IsmSign, type IsmContributionOptions, type IsmEntropyOptions,
} from './ism';
export { gradCam, averageGradCam, resample, GRADCAM_VARIANTS, type GradCamOptions, type GradCamVariant } from './gradcam';
export { layerActivations, filterKnockout, filterPwms, type LayerActivations, type KnockoutOptions, type FilterPwm } from './activations';
export * from './motif-pairs';
