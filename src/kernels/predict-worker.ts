/**
 * Worker-thread side of predict-workers.ts: builds the model from transferred weights on its own backend
 * (wasm by default) and answers prediction requests. Runs only as a worker_threads entry point.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from './backend';
import { Model } from './model';
import type { CnnConfig } from './cnn-config';

export interface WorkerInit {
  backend: BackendName;
  config: CnnConfig;
  params: Array<[string, number[], Float32Array]>;
  state: Array<[string, number[], Float32Array]>;
}

export interface WorkerRequest {
  id: number;
  data: Float32Array;
  shape: [number, number, number];
  batchSize: number;
}

async function main(): Promise<void> {
  const init = workerData as WorkerInit;
  const backend = await initBackend({ backend: init.backend });
  const vars = (list: WorkerInit['params'], trainable: boolean) =>
    new Map(list.map(([name, shape, values]) => [name, tf.variable(tf.tensor(values, shape), trainable)] as const));
  const model = new Model(init.config, vars(init.params, false), vars(init.state, false));
  parentPort!.on('message', async (req: WorkerRequest) => {
    try {
      const [n, length, channels] = req.shape;
      const out = new Float32Array(n);
      const row = length * channels;
      for (let start = 0; start < n; start += req.batchSize) {
        const end = Math.min(n, start + req.batchSize);
        const y = tf.tidy(() => model.apply(tf.tensor3d(req.data.subarray(start * row, end * row), [end - start, length, channels])));
        out.set(await y.data(), start);
        y.dispose();
      }
      parentPort!.postMessage({ id: req.id, out }, [out.buffer]);
    } catch (err) {
      parentPort!.postMessage({ id: req.id, error: (err as Error).message });
    }
  });
  parentPort!.postMessage({ ready: true, backend });
}

if (parentPort) void main();
