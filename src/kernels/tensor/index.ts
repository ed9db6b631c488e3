// src/kernels/tensor: the tfjs engine every model family shares — backend choice, fused ops and gradients,
// losses, optimisers and learning-rate schedules.
export { initBackend, currentBackend, BACKENDS, type BackendName, type BackendOptions } from './backend';
export { loss, LOSSES, type LossName } from './losses';
export { createOptimizer, OPTIMIZERS, type Optimizer, type OptimizerName, type OptimizerOptions } from './optimizers';
export { Schedule, type ScheduleName, type ScheduleOptions } from './schedules';
export { trainLoop, type TrainingRun, type LoopOptions, type LoopCallback, type ProgressEvent, type HistoryRow, type StepResult, type Validation } from './loop';
export { writeCheckpointFile, readCheckpointFile, CHECKPOINT_FILE, type NamedArray } from './checkpoint';
