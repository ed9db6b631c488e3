import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/kernels/tensor/backend';
import { buildModel } from '../../../src/kernels/camformer/model';
import { fit } from '../../../src/kernels/camformer/train';
import { loadModel, saveModel } from '../../../src/kernels/camformer/persistence';
import { ensemble, predict } from '../../../src/kernels/camformer/predict';
import { seedEnsemble } from '../../../src/kernels/camformer/train';
import { reverseComplementEncoded } from '../../../src/data/encode';
import { InputError } from '../../../src/errors';
import { TINY, plantedData } from '../../helpers/models';

beforeAll(async () => { await initBackend({ backend: 'wasm' }); });
const data = plantedData(200, 5);

describe('save and load', () => {
  it('round-trips a trained model exactly, with config, encoding, preprocessing and history', async () => {
    const model = buildModel(TINY, { seed: 1 });
    await fit(model, { x: data.x, y: data.y }, { epochs: 2, batchSize: 32 });
    model.preprocessing = { targetLength: 30, padWith: 'N' };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cislab-model-'));
    const target = path.join(dir, 'model');
    saveModel(model, target);
    saveModel(model, target); // overwrite in place, atomically
    expect(fs.readdirSync(dir)).toEqual(['model']); // no temp or old directories left behind
    const loaded = loadModel(target);
    expect(loaded.config).toEqual(model.config);
    expect(loaded.encoding).toBe('onehotWithP');
    expect(loaded.preprocessing).toEqual({ targetLength: 30, padWith: 'N' });
    expect(loaded.history).toEqual(model.history);
    expect(Array.from(await predict(loaded, data.x))).toEqual(Array.from(await predict(model, data.x)));
    expect(() => loadModel(dir)).toThrow(InputError);
    fs.rmSync(dir, { recursive: true, force: true });
    model.dispose();
    loaded.dispose();
  });
});

describe('predict', () => {
  it('batches, averages reverse complements and ensembles', async () => {
    const a = buildModel(TINY, { seed: 1 });
    const b = buildModel(TINY, { seed: 2 });
    const whole = await predict(a, data.x, { batchSize: 1000 });
    const batched = await predict(a, data.x, { batchSize: 7 });
    batched.forEach((v, i) => expect(v).toBeCloseTo(whole[i]!, 5));
    const rc = await predict(a, reverseComplementEncoded(data.x));
    const both = await predict(a, data.x, { reverseComplement: true });
    both.forEach((v, i) => expect(v).toBeCloseTo((whole[i]! + rc[i]!) / 2, 5));
    const pb = await predict(b, data.x);
    const e = await predict(ensemble([a, b]), data.x);
    e.forEach((v, i) => expect(v).toBeCloseTo((whole[i]! + pb[i]!) / 2, 5));
    a.dispose();
    b.dispose();
  });

  it('gives the same predictions in worker threads', async () => {
    const a = buildModel(TINY, { seed: 3 });
    const here = await predict(a, data.x);
    const there = await predict(a, data.x, { workers: 2, batchSize: 64 });
    there.forEach((v, i) => expect(v).toBeCloseTo(here[i]!, 5));
    a.dispose();
  });

  it('trains a seed ensemble', async () => {
    const e = await seedEnsemble(TINY, [1, 2], { x: data.x, y: data.y }, { epochs: 1, batchSize: 64 });
    expect(e.models).toHaveLength(2);
    expect((await predict(e, data.x)).length).toBe(200);
    e.models.forEach((m) => m.dispose());
  });
});
