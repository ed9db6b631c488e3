// embed2d's onProgress: one report per t-SNE iteration or UMAP epoch, ending at the total; reporting changes no
// coordinate (UMAP runs epoch by epoch through umap-js's public step(), which must equal its own fit()).
import { describe, expect, it } from 'vitest';
import { UMAP } from 'umap-js';
import { embed2d } from '../../src/embed/embedding';
import { createRandom } from '../../src/stats/random';

const n = 40;
const features = 6;
const data = Float32Array.from({ length: n * features }, (_, i) => (Math.floor(i / features) < n / 2 ? 0 : 4) + Math.sin(i * 3.7));

describe('embed2d progress', () => {
  it('reports every t-SNE iteration and every UMAP epoch, with the same layout as without', async () => {
    for (const method of ['tsne', 'umap'] as const) {
      const seen: [number, number][] = [];
      const withProgress = await embed2d(data, [n, features], { method, seed: 2, iterations: 60, onProgress: (done, total) => seen.push([done, total]) });
      expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => [i + 1, 60]));
      const without = await embed2d(data, [n, features], { method, seed: 2, iterations: 60 });
      expect(Array.from(withProgress.x)).toEqual(Array.from(without.x));
      expect(Array.from(withProgress.y)).toEqual(Array.from(without.y));
    }
  });

  it('t-SNE gives the same layout on one thread and on worker threads', async () => {
    const one = await embed2d(data, [n, features], { seed: 4, iterations: 80, threads: 1 });
    const two = await embed2d(data, [n, features], { seed: 4, iterations: 80, threads: 2 });
    expect(Array.from(two.x)).toEqual(Array.from(one.x));
    expect(Array.from(two.y)).toEqual(Array.from(one.y));
  });

  it('UMAP epoch by epoch equals umap-js fit()', async () => {
    const rows = Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * features, (i + 1) * features)));
    const random = createRandom(5);
    const points = new UMAP({ nComponents: 2, nNeighbors: 15, nEpochs: 80, random: () => random.float() }).fit(rows);
    const stepped = await embed2d(data, [n, features], { method: 'umap', seed: 5, iterations: 80, onProgress: () => undefined });
    expect(Array.from(stepped.x)).toEqual(points.map((p) => p[0]));
    expect(Array.from(stepped.y)).toEqual(points.map((p) => p[1]));
  });
});
