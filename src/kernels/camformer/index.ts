// src/kernels/camformer: the configurable CNN of the Camformer paper — config and presets, model, training,
// persistence, prediction (ONNX Runtime or tfjs, worker threads) and the ONNX exporter.
export {
  presetConfig, resolveConfig, validateConfig, blockShapes, countConfigParameters, PRESETS,
  type CnnConfig, type ConvLayerConfig, type PresetName,
} from './config';
export { Model, buildModel, countParameters, type BuildOptions, type ForwardOptions, type ForwardResult } from './model';
export { fit, validationIndices, seedEnsemble, type FitOptions, type TrainingData } from './train';
export { trainStep } from './step';
export { saveModel, loadModel, MODEL_FORMAT } from './persistence';
export { predict, predictStream, predictRows, ensemble, inferenceEngine, INFERENCE_ENGINES, type Ensemble, type Predictor, type PredictOptions, type PredictRowsOptions, type InferenceEngine } from './predict';
export { modelToOnnx } from './onnx/export';
export { PredictPool } from './workers/pool';
export { modelSummary, type ModelSummaryOptions } from './summary';
