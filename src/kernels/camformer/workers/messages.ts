/**
 * The messages between a model worker thread (worker.ts) and the thread that owns it (pool.ts): the model a
 * worker starts with, and the two requests it answers. Typed arrays travel as transferable buffers.
 */
import type { BackendName } from '../../tensor/backend';
import type { LossName } from '../../tensor/losses';
import type { CnnConfig } from '../config';

export type NamedArrays = Array<[string, number[], Float32Array]>;

export interface WorkerInit {
  /** Marks workerData as ours, so importing this module elsewhere never starts a worker loop. */
  cislabModelWorker: true;
  backend: BackendName;
  config: CnnConfig;
  params: NamedArrays;
  state: NamedArrays;
}

export interface PredictRequest {
  type: 'predict';
  id: number;
  data: Float32Array;
  shape: [number, number, number];
  batchSize: number;
}

export interface GradRequest {
  type: 'grad';
  id: number;
  /** All parameters then all running statistics, packed in the model's order. */
  weights: Float32Array;
  data: Float32Array;
  shape: [number, number, number];
  y: Float32Array;
  loss: LossName;
  /** Huber's δ (undefined: 1). */
  huberDelta?: number;
  dropoutSeed: number;
}
