/**
 * Worker threads for the embeddings (t-SNE's per-point forces, PCA's row blocks): each runs embed-worker.ts
 * and works on SharedArrayBuffers the main thread also reads, so no data is copied per iteration; messages
 * only say "go" and "done". A worker that dies (an uncaught error, running out of memory, terminate())
 * rejects everything it still owes, so a caller never waits forever.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { OptionError } from '../errors';

/**
 * How to start the worker: from the compiled build, the compiled embed-worker.js beside this file; from the
 * TypeScript sources (vitest, tsx, a notebook importing src/), embed-worker.ts itself through tsx's CommonJS
 * hook, as kernels/camformer/workers/pool.ts `workerEntry` does, so a worker never runs older code than the
 * thread that starts it.
 */
export function embedWorkerEntry(): { script: string; execArgv: string[] } {
  if (!__filename.endsWith('.ts')) return { script: path.join(__dirname, 'embed-worker.js'), execArgv: [] };
  let hook: string;
  try {
    hook = require.resolve('tsx/cjs');
  } catch {
    throw new OptionError('worker threads started from the TypeScript sources need tsx (a devDependency: npm install), or run the compiled build (npm run build)', { option: 'threads' });
  }
  return { script: path.join(__dirname, 'embed-worker.ts'), execArgv: ['--require', hook] };
}

type Reply = { id: number; error?: string } & Record<string, unknown>;

/** One embed worker; requests are answered by id. */
export class EmbedWorker {
  private readonly worker: Worker;
  private nextId = 0;
  private dead?: Error;
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();

  constructor(init: unknown) {
    const { script, execArgv } = embedWorkerEntry();
    this.worker = new Worker(script, { workerData: init, execArgv });
    const fail = (error: Error) => {
      this.dead ??= error;
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`embedding worker thread exited (code ${code})`)));
    this.worker.on('message', (msg: Reply) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`embedding worker: ${msg.error}`));
      else p.resolve(msg);
    });
  }

  /** Sends a request; resolves to the worker's reply, rejects when it reports an error or dies. */
  request(message: Record<string, unknown>): Promise<Reply> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

/** A Float64Array on shared memory holding a copy of `values` (or zeros of `length`). */
export function sharedFloat64(values: ArrayLike<number> | number): Float64Array {
  const length = typeof values === 'number' ? values : values.length;
  const out = new Float64Array(new SharedArrayBuffer(8 * length));
  if (typeof values !== 'number') out.set(values);
  return out;
}

export function sharedInt32(values: ArrayLike<number> | number): Int32Array {
  const length = typeof values === 'number' ? values : values.length;
  const out = new Int32Array(new SharedArrayBuffer(4 * length));
  if (typeof values !== 'number') out.set(values);
  return out;
}
