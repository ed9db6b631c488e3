/**
 * Worker threads holding copies of one model (worker.ts). The wasm backend runs one thread per process under
 * Node, so this is how prediction (and ISM, which is prediction of many variants) and data-parallel training
 * use every core.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { OptionError } from '../../../errors';
import type { Encoded } from '../../../data/encode';
import { currentBackend } from '../../tensor/backend';
import type { Model } from '../model';
import type { GradRequest, NamedArrays, WorkerInit } from './messages';

/**
 * How to start the worker thread. From the compiled build: the compiled worker beside this file. From the
 * TypeScript sources (vitest, tsx, a notebook importing src/): worker.ts itself through tsx's CommonJS hook,
 * so a worker never runs an older build of the code than the thread that starts it.
 */
export function workerEntry(): { script: string; execArgv: string[] } {
  if (!__filename.endsWith('.ts')) return { script: path.join(__dirname, 'worker.js'), execArgv: [] };
  let hook: string;
  try {
    hook = require.resolve('tsx/cjs');
  } catch {
    throw new OptionError('worker threads started from the TypeScript sources need tsx (a devDependency: npm install), or run the compiled build (npm run build)', { option: 'workers' });
  }
  return { script: path.join(__dirname, 'worker.ts'), execArgv: ['--require', hook] };
}

type Reply = { id: number; error?: string; [key: string]: unknown };

/** One worker thread with a copy of a model; requests are answered in order by id. */
export class ModelWorker {
  private readonly worker: Worker;
  readonly ready: Promise<unknown>;
  private nextId = 0;
  private isReady = false;
  private dead?: Error;
  private readonly pending = new Map<number, { resolve: (v: Reply) => void; reject: (e: Error) => void }>();

  constructor(model: Model) {
    const { script, execArgv } = workerEntry();
    const arrays = (m: Map<string, { shape: number[]; dataSync(): unknown }>): NamedArrays =>
      [...m].map(([name, v]) => [name, v.shape, Float32Array.from(v.dataSync() as Float32Array)]);
    const init: WorkerInit = {
      cislabModelWorker: true,
      backend: currentBackend() === 'cpu' ? 'cpu' : 'wasm',
      config: model.config, params: arrays(model.params), state: arrays(model.state),
    };
    this.worker = new Worker(script, { workerData: init, execArgv });
    this.worker.unref();
    // A worker that dies (an uncaught error, running out of memory, terminate()) fails everything it still owes.
    const fail = (error: Error) => {
      this.dead = error;
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', (error) => fail(error));
    this.worker.on('exit', (code) => fail(new Error(`model worker thread exited (code ${code})`)));
    this.ready = new Promise((resolve, reject) => {
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => reject(new Error(`model worker thread exited before it was ready (code ${code})`)));
      this.worker.on('message', (msg: Reply & { ready?: boolean }) => {
        if (msg.ready) {
          this.isReady = true;
          return resolve(true);
        }
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.error !== undefined) p.reject(new Error(msg.error));
        else p.resolve(msg);
      });
    });
    this.ready.catch(() => {}); // observed by whoever awaits it; a worker closed unused is not an error
  }

  /**
   * Sends a request (buffers in `transfer` move to the worker) and resolves to its reply. Once the worker is
   * ready the message is posted before this returns, so the caller's own synchronous work that follows (the
   * other half of a data-parallel batch) overlaps with the worker's; awaiting `ready` first would post it only
   * after that work, serialising the two.
   */
  request(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<Reply> {
    const send = () => {
      if (this.dead) return Promise.reject(this.dead);
      const id = this.nextId++;
      const reply = new Promise<Reply>((resolve, reject) => this.pending.set(id, { resolve, reject }));
      this.worker.postMessage({ ...message, id }, transfer);
      return reply;
    };
    return this.isReady ? send() : this.ready.then(send);
  }

  /** Loss, packed gradients and updated running statistics of one training batch (see model-worker.ts). */
  async grad(req: Omit<GradRequest, 'type' | 'id'>): Promise<{ grads: Float32Array; state: Float32Array; loss: number }> {
    const r = await this.request({ type: 'grad', ...req }, [req.data.buffer as ArrayBuffer, req.y.buffer as ArrayBuffer]);
    return r as unknown as { grads: Float32Array; state: Float32Array; loss: number };
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

export class PredictPool {
  private readonly workers: ModelWorker[] = [];

  constructor(model: Model, size = Math.min(2, os.availableParallelism())) {
    for (let i = 0; i < size; i++) this.workers.push(new ModelWorker(model));
  }

  get size(): number {
    return this.workers.length;
  }

  /** Predictions for `x`, split into contiguous chunks (`batchSize` sequences each) shared among the workers. */
  async predict(x: Encoded, batchSize = 512, onRows?: (done: number) => void): Promise<Float32Array> {
    const [n, length, channels] = x.shape;
    const row = length * channels;
    const out = new Float32Array(n);
    let cursor = 0;
    let done = 0;
    const runWorker = async (w: ModelWorker) => {
      while (cursor < n) {
        const start = cursor;
        const end = Math.min(n, start + batchSize);
        cursor = end;
        const data = x.data.slice(start * row, end * row);
        const reply = await w.request({ type: 'predict', data, shape: [end - start, length, channels], batchSize }, [data.buffer]);
        out.set(reply.out as Float32Array, start);
        onRows?.((done += end - start));
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
export async function predictInWorkers(model: Model, x: Encoded, options: { workers?: number; batchSize?: number; onRows?: (done: number) => void }): Promise<Float32Array> {
  const pool = new PredictPool(model, options.workers ?? 2);
  try {
    return await pool.predict(x, Math.min(options.batchSize ?? 512, 512), options.onRows);
  } finally {
    await pool.close();
  }
}
