// Worker threads: started from the TypeScript sources under vitest (never a stale build), answering predictions
// equal to this thread's, and failing what they owe when they die instead of leaving it pending.
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/kernels/tensor/backend';
import { buildModel } from '../../../src/kernels/camformer/model';
import { ModelWorker, PredictPool, workerEntry } from '../../../src/kernels/camformer/workers/pool';
import { predictTensorBatches } from '../../../src/kernels/camformer/tfjs-predict';
import { plantedData, TINY } from '../../helpers/models';

beforeAll(async () => {
  await initBackend();
});

describe('model worker threads', () => {
  it('run worker.ts from the sources through tsx and predict what this thread predicts', async () => {
    expect(workerEntry().script).toMatch(/worker\.ts$/);
    const model = buildModel(TINY, { seed: 3 });
    const { x } = plantedData(40, 2);
    const pool = new PredictPool(model, 2);
    try {
      const rows: number[] = [];
      expect(Array.from(await pool.predict(x, 16, (done) => rows.push(done)))).toEqual(Array.from(await predictTensorBatches(model, x)));
      // Rows done after each chunk (16, 16, 8, in whichever order the workers finish), ending at all 40.
      expect(rows).toHaveLength(3);
      expect(rows.at(-1)).toBe(40);
    } finally {
      await pool.close();
      model.dispose();
    }
  });

  it('reject pending work when the thread dies, and refuse new work after', async () => {
    const model = buildModel(TINY, { seed: 3 });
    const worker = new ModelWorker(model);
    await worker.ready;
    const data = new Float32Array(5000 * 30 * 5);
    // The assertion is attached before terminate(), so the rejection never sits without a handler.
    const pending = expect(worker.request({ type: 'predict', data, shape: [5000, 30, 5], batchSize: 5000 })).rejects.toThrow(/model worker thread exited/);
    await worker.terminate();
    await pending;
    await expect(worker.request({ type: 'predict', data: new Float32Array(150), shape: [1, 30, 5], batchSize: 1 })).rejects.toThrow(/exited/);
    model.dispose();
  });
});
