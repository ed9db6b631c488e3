import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/kernels/tensor/backend';
import { pca } from '../../src/embed/pca';
import { pcaParallel } from '../../src/embed/pca-parallel';
import { createRandom } from '../../src/stats/random';

/** Rows of 4 latent factors spread over p features, plus noise; blocks of pca.ts hold 4 M values / p rows. */
function data(n: number, p: number): Float32Array {
  const rng = createRandom(7);
  const loadings = Array.from({ length: 4 }, () => Float64Array.from({ length: p }, () => rng.normal()));
  const out = new Float32Array(n * p);
  for (let i = 0; i < n; i++) {
    const z = [3, 2, 1.5, 1].map((sd) => sd * rng.normal());
    for (let j = 0; j < p; j++) out[i * p + j] = z.reduce((s, v, c) => s + v * loadings[c]![j]!, 0) + 0.1 * rng.normal();
  }
  return out;
}

beforeAll(async () => { await initBackend({ backend: 'wasm' }); });

describe('pcaParallel', () => {
  // 8,000 features: 500 rows per block, so 1,300 rows are 3 blocks (the last one partial) shared by the threads.
  const n = 1300;
  const p = 8000;
  const x = data(n, p);

  it('equals pca (scores, variances) to float rounding, with its own rows in plain and in shared memory', async () => {
    const single = pca(x, [n, p], { components: 5, seed: 2 });
    const shared = new Float32Array(new SharedArrayBuffer(x.byteLength));
    shared.set(x);
    for (const input of [x, shared]) {
      const parallel = await pcaParallel(input, [n, p], { components: 5, seed: 2, threads: 2 });
      expect(parallel.shape).toEqual(single.shape);
      const scale = Math.max(...single.data.map(Math.abs));
      for (let i = 0; i < single.data.length; i++) expect(Math.abs(parallel.data[i]! - single.data[i]!) / scale).toBeLessThan(1e-5);
      for (let c = 0; c < 5; c++) expect(parallel.variance[c]! / single.variance[c]!).toBeCloseTo(1, 5);
    }
  });
});
