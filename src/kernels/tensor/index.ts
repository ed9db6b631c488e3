// src/kernels/tensor: the tfjs engine every model family shares — backend choice, fused ops and gradients,
// losses, optimisers and learning-rate schedules.
export { initBackend, currentBackend, BACKENDS, type BackendName, type BackendOptions } from './backend';
export { loss, LOSSES, type LossName, type LossOptions } from './losses';
export { createOptimizer, clipGradNorm, OPTIMIZERS, type Optimizer, type OptimizerName, type OptimizerOptions, type StepOverrides } from './optimizers';
export { Schedule, SCHEDULES, TORCH_PLATEAU, type ScheduleName, type ScheduleOptions, type EpochValues } from './schedules';
export {
  trainLoop, type TrainingRun, type LoopOptions, type LoopCallback, type ProgressEvent, type HistoryRow, type StepResult,
  type StepSettings, type Validation, type ValidationContext,
} from './loop';
export { writeCheckpointFile, readCheckpointFile, CHECKPOINT_FILE, type NamedArray } from './checkpoint';
