// src/kernels/camformer: the configurable CNN of the Camformer paper — config and presets, model, training,
// persistence, prediction (ONNX Runtime or tfjs, worker threads), the ONNX exporter and the PyTorch importer.
export {
  presetConfig, resolveConfig, validateConfig, blockShapes, layerNamesOf, countConfigParameters, PRESETS, PRESET_INFO,
  type CnnConfig, type ConvLayerConfig, type PresetName, type PresetInfo, type PresetStructure,
} from './config';
export { Model, buildModel, countParameters, INITS, type BuildOptions, type ForwardOptions, type ForwardResult } from './model';
export { fit, fitSaved, validationIndices, seedEnsemble, type FitOptions, type FitSavedOptions, type TrainingData } from './train';
export { chooseTrainingEngine, TRAINING_ENGINES, type TrainingEngine, type EngineChoice } from './engine';
export { resolvePredictor, type ModelSpec, type ResolvedPredictor, type ResolveOptions } from './resolve';
export { recipeFitOptions, paperRun, PAPER_RUNS, RECIPES, RECIPE_DIFFERENCES, type Recipe, type RecipeOptions, type PaperRun } from './recipe';
export { modelInputs, type ModelInputOptions } from './inputs';
export { presetTable, type PresetRow, type PresetTableOptions } from './presets';
export {
  importTorch, loadWeights, listTarCheckpoints, readTorchFile, namedTensors, mapTensors,
  type ImportTorchOptions, type ImportReport, type ImportedModel, type LoadedWeights, type NamedTensor, type TensorMapping,
} from './torch';
export { trainStep, type TrainStepOptions } from './step';
export { saveModel, loadModel, MODEL_FORMAT } from './persistence';
export { predict, predictStream, predictRows, ensemble, firstModel, inferenceEngine, INFERENCE_ENGINES, type Ensemble, type Predictor, type PredictOptions, type PredictRowsOptions, type InferenceEngine } from './predict';
export { modelToOnnx } from './onnx/export';
export { evalOnnx, compileEvalGraph, type EvalRequest, type EvalResult } from './onnx/eval-graph';
export { compileDeepLift, deepLiftOnnx } from './onnx/deeplift-graph';
export { PredictPool } from './workers/pool';
export { modelSummary, type ModelSummaryOptions } from './summary';
