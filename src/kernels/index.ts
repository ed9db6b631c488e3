// Public API of src/kernels: re-exports of this layer's modules (owned by whoever works on src/kernels).
export { initBackend, currentBackend, BACKENDS, type BackendName, type BackendOptions } from './backend';
export {
  presetConfig, resolveConfig, validateConfig, blockShapes, countConfigParameters, PRESETS,
  type CnnConfig, type ConvLayerConfig, type PresetName,
} from './cnn-config';
export { Model, buildModel, countParameters, type BuildOptions, type ForwardOptions, type ForwardResult, type HistoryRow } from './model';
export { fit, trainStep, splitValidation, type FitOptions, type ProgressEvent, type TrainingData } from './train';
export { loss, LOSSES, type LossName } from './losses';
export { createOptimizer, type Optimizer, type OptimizerName, type OptimizerOptions } from './optimizers';
export { Schedule, type ScheduleName, type ScheduleOptions } from './schedules';
export { saveModel, loadModel, MODEL_FORMAT } from './persistence';
export { predict, predictStream, ensemble, seedEnsemble, inferenceEngine, INFERENCE_ENGINES, type Ensemble, type Predictor, type PredictOptions, type InferenceEngine } from './predict';
export { modelToOnnx } from './onnx-export';
export { PredictPool } from './predict-workers';
export { ismScores, ismContributions, ismEntropy, type BatchPredictor, type IsmOptions } from './ism';
export { gradCam, averageGradCam, resample, GRADCAM_VARIANTS, type GradCamOptions, type GradCamVariant } from './gradcam';
export { layerActivations, filterKnockout, filterPwms, type LayerActivations, type KnockoutOptions, type FilterPwm } from './activations';
export { embed2d, embeddingTable, quantileLabels, EMBEDDING_METHODS, type EmbedOptions, type EmbeddingMethod } from './embedding';
export { tsne, nearestNeighbours, type TsneOptions, type TsneResult } from './tsne';
export { modelSummary, type ModelSummaryOptions } from './summary';
export { pca, symmetricEigen, type PcaOptions, type PcaResult } from './pca';
export * from './deeprage';
export * from './deeprage-train';
export * from './deeprage-knockout';
export * from './peaks';
export * from './seq2exp-beta';
export * from './seq2exp';
export * from './seq2exp-train';
export * from './seq2exp-regions';
