/**
 * cislab's public API: what a user calls. The fluent pipeline (`promoters`, `deeprage`, `seq2exp`) and, layer by
 * layer, the plain functions it strings together, for users who prefer functions to chains. Everything else is
 * reachable per layer (`cislab/data`, `cislab/kernels`, …; see package.json `exports`). Importing cislab has no
 * side effects: no tfjs backend is loaded (the first `initBackend()`, DSL call or CLI command chooses one) and
 * nothing is patched (the cislab notebook kernel turns rich display on; so does the first `show()`).
 * @packageDocumentation
 */

// The pipeline and its results.
export { promoters, Promoters, type PromoterSource, type PromotersOptions } from './dsl/promoters';
export { ModelStage, type ModelSource, type ModelStageOptions, type FitStageOptions, type DreamScores } from './dsl/model-stage';
export { IsmStage, type IsmStageOptions, type MotifPairsResult } from './dsl/ism-stage';
export { deeprage, DeepRageStage, DeepRageFit, type DeepRageSource, type DeepRageFiles } from './dsl/deeprage-stage';
export { seq2exp, Seq2ExpStage, Seq2ExpFit, type Seq2ExpSource } from './dsl/seq2exp-stage';
export { result, isResult, type Result, type PlotOptions } from './dsl/result';
export type { ProgressOption } from './dsl/stage-progress';
export type { LogRow, PromoterData, DatasetIdentity } from './dsl/pipeline';

// Arquero's table type, re-exported so that a notebook cell (tslab emits declarations) can name the type of any
// result holding a table through 'cislab' even where 'arquero' itself does not resolve from the notebook's folder.
export type { ColumnTable } from 'arquero';

// Errors a user can cause.
export { CislabError, InputError, OptionError, ModelError, DownloadError } from './errors';

// Data: reading, preprocessing, encodings, the DREAM2022 data set, simulators.
export { readPromoters, type ReadOptions } from './data/read';
export { preprocess, CAMFORMER_PREPROCESSING, type PreprocessOptions } from './data/preprocess';
export { encode, reverseComplementEncoded, ENCODINGS, type Encoded, type Encoding } from './data/encode';
export { encodedRows, type SequenceRows } from './data/rows';
export { resolveDataDir, defaultDataDir, displayPath } from './data/data-dir';
export { fetchData, type FetchDataOptions, type FetchedFile, type FetchProgress } from './data/fetch/fetch';
export { DATA_FILES, DATA_SETS, dataFiles, type DataFile, type DataSetName } from './data/fetch/manifest';
export {
  readDream2022, readDream2022Pairs, DREAM2022_SETS, DREAM_FLANK_5, DREAM_FLANK_3, DREAM_VARIABLE_REGION, type Dream2022Set,
} from './data/dream2022/read';
export { evaluateDream, type DreamEvaluation, type EvaluateDreamOptions } from './data/dream2022/evaluate';
export { dreamScore, DREAM_SUBSETS, DREAM_PAIR_SUBSETS, DREAM_SUBSET_WEIGHTS, type DreamSubset } from './data/dream2022/score';
export { callPeaks, peakScores, type PeakOptions } from './data/tracks/peaks';
export { simulatePromoters, type SimulateOptions } from './simulate/promoters';
export { simulateDeepRage, type DeepRageSimulation, type SimulateDeepRageOptions } from './simulate/deeprage';
export { simulateSeq2Exp, type Seq2ExpSimulation, type SimulateSeq2ExpOptions } from './simulate/seq2exp';

// Models: the Camformer family, its training and prediction; the engines.
export { initBackend, currentBackend, BACKENDS, type BackendName } from './kernels/tensor/backend';
export { PRESETS, PRESET_INFO, presetConfig, resolveConfig, countConfigParameters, blockShapes, type CnnConfig, type ConvLayerConfig, type PresetName } from './kernels/camformer/config';
export { Model, buildModel, countParameters, INITS, type BuildOptions } from './kernels/camformer/model';
export { fit, fitSaved, seedEnsemble, validationIndices, type FitOptions, type FitSavedOptions, type TrainingData } from './kernels/camformer/train';
export { recipeFitOptions, PAPER_RUNS, RECIPES, RECIPE_DIFFERENCES, type Recipe, type PaperRun } from './kernels/camformer/recipe';
export { saveModel, loadModel } from './kernels/camformer/persistence';
export { predict, ensemble, inferenceEngine, INFERENCE_ENGINES, type Ensemble, type Predictor, type PredictOptions, type InferenceEngine } from './kernels/camformer/predict';
export { modelSummary } from './kernels/camformer/summary';
export { presetTable } from './kernels/camformer/presets';
export { importTorch, loadWeights, type ImportTorchOptions, type ImportedModel } from './kernels/camformer/torch';
export { modelToOnnx } from './kernels/camformer/onnx/export';
export { trainLoop, type TrainingRun, type LoopOptions, type LoopCallback, type ProgressEvent, type HistoryRow, type StepSettings, type ValidationContext } from './kernels/tensor/loop';
export { LOSSES, type LossName, type LossOptions } from './kernels/tensor/losses';
export { OPTIMIZERS, type OptimizerName } from './kernels/tensor/optimizers';
export { Schedule, SCHEDULES, TORCH_PLATEAU, type ScheduleName, type ScheduleOptions } from './kernels/tensor/schedules';
export { trainDeepRage, predictDeepRage, type TrainDeepRageOptions, type TrainedDeepRage } from './kernels/deeprage/train';
export { evaluateDeepRage, deepRageConfusion } from './kernels/deeprage/evaluate';
export { deepRageRecipe, PAPER_BASELINE_SHARE, type DeepRageRecipe } from './kernels/deeprage/recipe';
export { deepRagePaperDesign } from './kernels/deeprage/model';
export { filterPfms, filterMotifMatches, filterKnockouts, knockoutTargetRecovery, targetTests, KNOCKOUT_MODES, type KnockoutMode } from './kernels/deeprage/knockout';
export { trainSeq2Exp, evaluateSeq2Exp, predictSeq2Exp, chromosomeSplit, pseudoChromosomes, type Seq2ExpData, type TrainSeq2ExpOptions, type TrainedSeq2Exp } from './kernels/seq2exp/train';
export { seq2ExpRecipe, type Seq2ExpRecipe } from './kernels/seq2exp/recipe';
export { selectionCoverage, compareRegionSelectors } from './kernels/seq2exp/regions';
export { airsTrackParameters, SIGNAL_MAPS, MASK_SAMPLERS } from './kernels/seq2exp/model';

// Questions asked of a model.
export { ismScores, ismContributions, ismEntropy, CAMFORMER_ENTROPY_THRESHOLD, type IsmOptions } from './interpret/ism';
export { gradCam, averageGradCam, GRADCAM_VARIANTS, type GradCamOptions, type GradCamVariant } from './interpret/gradcam';
export { layerActivations, filterKnockout, filterPwms, type ActivationOptions, type LayerActivations } from './interpret/activations';
export { motifPairsFromIsm, type MotifPairs, type MotifPairsOptions } from './interpret/motif-pairs';
export { embed2d, embeddingTable, quantileLabels, EMBEDDING_METHODS, type EmbedOptions, type EmbeddingMethod } from './embed/embedding';
export { pca, type PcaOptions, type PcaResult } from './embed/pca';
export { tsne, nearestNeighbours, type TsneOptions, type TsneResult } from './embed/tsne';

// Motifs.
export { jaspar, selectMotifs, JASPAR_COLLECTIONS, type JasparCollection } from './motifs/database';
export { readMotifs, parseMotifs, type MotifFormat } from './motifs/formats';
export { makeMotif, consensus, reverseComplementMotif, type Motif, type PwmLike } from './motifs/motif';
export { scanFimo, type FimoOptions } from './motifs/fimo';
export { toFimoTsv } from './motifs/fimo-tsv';
export { motifEnrichment, type EnrichmentOptions } from './motifs/enrichment';
export { compareMotifs, bestMatches, motifSimilarity } from './motifs/compare';
export { motifOccurrences, pairLogic, pairDifference, motifCorrelations, motifOverlap, ismByCooccurrence } from './motifs/pairs';
export { dinucleotideShuffle, shuffleSequences } from './motifs/shuffle';

// Statistics.
export { pearson, spearman, rank, rSquared } from './stats/correlation';
export { evaluatePredictions } from './stats/agreement';
export { bootstrap, type BootstrapOptions, type BootstrapResult } from './stats/bootstrap';
export { improvement } from './stats/improvement';
export { wilcoxonRankSum } from './stats/rank-sum';
export { wilcoxonSignedRank } from './stats/signed-rank';
export { oneSampleTTest, pairedTTest, studentTTest, welchTTest } from './stats/t-test';
export { fisherExact } from './stats/fisher-exact';
export { benjaminiHochberg, bonferroni, holm } from './stats/multiple-testing';
export { createRandom, type Seed } from './stats/random';
export { stratifiedSplits, quantileBins, type StratifiedSplits, type StratifiedSplitOptions } from './stats/stratify';

// Figures.
export { histogram, boxPlot, violin } from './viz/distribution';
export { densityScatter, embeddingScatter } from './viz/scatter';
export { heatmap, groupedBars, lineBand } from './viz/categorical';
export { ismLogo, pwmLogo } from './viz/logo';
export { markSites } from './viz/sites';
export { radar } from './viz/radar';
export { render, saveFigure, type RenderFormat } from './viz/render';
export { isVegaLiteSpec, type VegaLiteSpec, type FigureOptions } from './viz/spec';

// Notebooks.
export { show, setDisplayOptions, enableAutoDisplay, type DisplayOptions } from './notebook/display';
export { progress, type Progress, type ProgressOptions } from './notebook/progress';
