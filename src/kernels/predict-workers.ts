/**
 * A pool of worker threads that predict with copies of one model. The wasm backend runs one thread per
 * process under Node, so this is how prediction (and ISM, which is prediction of many variants) uses every
 * core. Workers need the compiled JavaScript (dist/kernels/predict-worker.js; `npm run build`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { OptionError } from '../errors';
import type { Encoded } from '../data/encode';
import { currentBackend } from './backend';
import type { Model } from './model';
import type { WorkerInit } from './predict-worker';

/** Path of the compiled worker script, or undefined when only TypeScript sources exist. */
export function workerScript(): string | undefined {
  const candidates = [path.join(__dirname, 'predict-worker.js'), path.resolve(__dirname, '../../dist/kernels/predict-worker.js')];
  return candidates.find((p) => fs.existsSync(p));
}

export class PredictPool {
  private readonly workers: Worker[] = [];
  private ready: Promise<unknown>;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: Float32Array) => void; reject: (e: Error) => void }>();

  constructor(model: Model, size = Math.min(2, os.availableParallelism())) {
    const script = workerScript();
    if (!script) throw new OptionError('worker prediction needs the compiled worker (run `npm run build`)', { option: 'workers' });
    const tensors = (m: Map<string, { shape: number[]; dataSync(): unknown }>) =>
      [...m].map(([name, v]) => [name, v.shape, Float32Array.from(v.dataSync() as Float32Array)] as [string, number[], Float32Array]);
    const init: WorkerInit = {
      backend: currentBackend() === 'cpu' ? 'cpu' : 'wasm',
      config: model.config, params: tensors(model.params), state: tensors(model.state),
    };
    const readies: Array<Promise<unknown>> = [];
    for (let i = 0; i < size; i++) {
      const w = new Worker(script, { workerData: init });
      readies.push(new Promise((resolve, reject) => {
        w.once('error', reject);
        w.on('message', (msg: { ready?: boolean; id?: number; out?: Float32Array; error?: string }) => {
          if (msg.ready) return resolve(true);
          const p = this.pending.get(msg.id!);
          if (!p) return;
          this.pending.delete(msg.id!);
          if (msg.error !== undefined) p.reject(new Error(msg.error));
          else p.resolve(msg.out!);
        });
      }));
      w.unref();
      this.workers.push(w);
    }
    this.ready = Promise.all(readies);
  }

  get size(): number {
    return this.workers.length;
  }

  /** Predictions for `x`, split into contiguous chunks (`batchSize` sequences each) shared among the workers. */
  async predict(x: Encoded, batchSize = 512): Promise<Float32Array> {
    await this.ready;
    const [n, length, channels] = x.shape;
    const row = length * channels;
    const out = new Float32Array(n);
    let cursor = 0;
    const runWorker = async (w: Worker) => {
      while (cursor < n) {
        const start = cursor;
        const end = Math.min(n, start + batchSize);
        cursor = end;
        const id = this.nextId++;
        const data = x.data.slice(start * row, end * row);
        const result = new Promise<Float32Array>((resolve, reject) => this.pending.set(id, { resolve, reject }));
        w.postMessage({ id, data, shape: [end - start, length, channels], batchSize }, [data.buffer]);
        out.set(await result, start);
      }
    };
    await Promise.all(this.workers.map(runWorker));
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** One-off prediction in a temporary pool of `options.workers` threads. */
export async function predictInWorkers(model: Model, x: Encoded, options: { workers?: number; batchSize?: number }): Promise<Float32Array> {
  const pool = new PredictPool(model, options.workers ?? 2);
  try {
    return await pool.predict(x, Math.min(options.batchSize ?? 512, 512));
  } finally {
    await pool.close();
  }
}
