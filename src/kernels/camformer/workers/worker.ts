/**
 * The worker-thread side of pool.ts: holds a copy of one model on its own backend
 * (wasm is single-threaded under Node, so each worker is one more core) and answers two requests:
 * `predict` (eval-mode outputs of a batch) and `grad` (set weights, loss and gradients of a training batch).
 * Runs only as a worker_threads entry point.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { tf } from '../../tensor/tf';
import { initBackend } from '../../tensor/backend';
import { batchGradients } from '../step';
import { predictTensorBatches } from '../tfjs-predict';
import { Model } from '../model';
import { packWeights, unpackWeights } from '../persistence';
import type { GradRequest, PredictRequest, WorkerInit, NamedArrays } from './messages';

async function main(): Promise<void> {
  const init = workerData as WorkerInit;
  const backend = await initBackend({ backend: init.backend });
  const vars = (list: NamedArrays, trainable: boolean) =>
    new Map(list.map(([name, shape, values]) => [name, tf.variable(tf.tensor(values, shape), trainable)] as const));
  const model = new Model(init.config, vars(init.params, true), vars(init.state, false));
  parentPort!.on('message', async (req: PredictRequest | GradRequest) => {
    try {
      if (req.type === 'predict') {
        const out = await predictTensorBatches(model, { data: req.data, shape: req.shape, encoding: model.encoding }, req.batchSize);
        parentPort!.postMessage({ id: req.id, out }, [out.buffer as ArrayBuffer]);
      } else {
        tf.tidy(() => unpackWeights(model, req.weights));
        const x = tf.tensor3d(req.data, req.shape);
        const y = tf.tensor1d(req.y);
        const { grads, loss: lossValue } = batchGradients(model, x, y, { loss: req.loss, huberDelta: req.huberDelta, dropoutSeed: req.dropoutSeed });
        // Gradients packed in parameter order (zeros where a parameter has none), then the running statistics.
        const size = [...model.params.values()].reduce((s, v) => s + v.size, 0);
        const out = new Float32Array(size);
        let at = 0;
        for (const [name, v] of model.params) {
          const g = grads[name];
          if (g) out.set(g.dataSync() as Float32Array, at);
          at += v.size;
        }
        const state = packWeights(model).slice(size);
        tf.dispose([x, y, ...Object.values(grads)]);
        parentPort!.postMessage({ id: req.id, grads: out, state, loss: lossValue }, [out.buffer, state.buffer]);
      }
    } catch (err) {
      parentPort!.postMessage({ id: req.id, error: (err as Error).message });
    }
  });
  parentPort!.postMessage({ ready: true, backend });
}

if (parentPort && (workerData as Partial<WorkerInit> | undefined)?.cislabModelWorker) void main();
