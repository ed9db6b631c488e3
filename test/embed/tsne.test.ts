import { describe, expect, it } from 'vitest';
import {
  conditionalProbabilities, jointProbabilities, nearestNeighbours, QuadTree, tsne, tsneGradient,
} from '../../src/embed/tsne';
import { createRandom } from '../../src/stats/random';

/** Deterministic blobs that bench/reference/tsne_sklearn.py rebuilds bit for bit: point i is in cluster i mod k. */
function blobs(n: number, d: number, k: number): Float64Array {
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < d; f++) {
      data[i * d + f] = 4 * Math.sin((i % k + 1) * (f + 1) * 0.7) + Math.sin(i * 12.9898 + f * 78.233);
    }
  }
  return data;
}

function randomLayout(n: number, seed: number): Float64Array {
  const rng = createRandom(seed);
  return Float64Array.from({ length: 2 * n }, () => rng.normal() * 3);
}

describe('Barnes-Hut t-SNE', () => {
  const n = 300;
  const d = 10;
  const data = blobs(n, d, 3);
  const k = 91;
  const knn = nearestNeighbours(data, [n, d], k);

  it('finds the exact nearest neighbours, nearest first', () => {
    for (const i of [0, 17, 299]) {
      const all = Array.from({ length: n }, (_, j) => j)
        .filter((j) => j !== i)
        .map((j) => ({ j, d2: Array.from({ length: d }, (_, f) => (data[i * d + f]! - data[j * d + f]!) ** 2).reduce((a, b) => a + b, 0) }))
        .sort((a, b) => a.d2 - b.d2);
      expect(Array.from(knn.distance2.subarray(i * k, (i + 1) * k))).toEqual(all.slice(0, k).map((e) => e.d2));
      expect(new Set(knn.index.subarray(i * k, (i + 1) * k))).toEqual(new Set(all.slice(0, k).map((e) => e.j)));
    }
  });

  it('calibrates every row to the perplexity, and P is symmetric and sums to 1', () => {
    const conditional = conditionalProbabilities(knn.distance2, n, k, 30);
    for (let i = 0; i < n; i++) {
      const row = conditional.subarray(i * k, (i + 1) * k);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
      const entropy = -row.reduce((h, p) => h + (p > 0 ? p * Math.log(p) : 0), 0);
      expect(Math.abs(entropy - Math.log(30))).toBeLessThan(1e-4);
    }
    const p = jointProbabilities(conditional, knn.index, n, k);
    const entry = new Map<string, number>();
    let total = 0;
    for (let i = 0; i < n; i++) {
      for (let e = p.rowStart[i]!; e < p.rowStart[i + 1]!; e++) {
        entry.set(`${i},${p.column[e]}`, p.value[e]!);
        total += p.value[e]!;
      }
    }
    expect(total).toBeCloseTo(1, 10);
    for (const [key, v] of entry) {
      const [i, j] = key.split(',');
      expect(entry.get(`${j},${i}`)).toBeCloseTo(v, 15);
    }
  });

  it('with θ = 0 the gradient is the exact O(n²) sum; with θ = 0.5 it is within 5 %', () => {
    const p = jointProbabilities(conditionalProbabilities(knn.distance2, n, k, 30), knn.index, n, k);
    const layout = randomLayout(n, 5);
    // Direct: ∂KL/∂yi = 4 Σj (pij − qij) q̃ij (yi − yj), q̃ = 1/(1+d²), q = q̃ / Z.
    let z = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) z += 1 / (1 + (layout[2 * i]! - layout[2 * j]!) ** 2 + (layout[2 * i + 1]! - layout[2 * j + 1]!) ** 2);
    const pij = (i: number, j: number) => {
      for (let e = p.rowStart[i]!; e < p.rowStart[i + 1]!; e++) if (p.column[e] === j) return p.value[e]!;
      return 0;
    };
    const direct = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const dx = layout[2 * i]! - layout[2 * j]!;
        const dy = layout[2 * i + 1]! - layout[2 * j + 1]!;
        const q = 1 / (1 + dx * dx + dy * dy);
        const w = 4 * (pij(i, j) - q / z) * q;
        direct[2 * i]! += w * dx;
        direct[2 * i + 1]! += w * dy;
      }
    }
    const exact = new Float64Array(2 * n);
    expect(tsneGradient(layout, p, 1, 0, new QuadTree(n), exact)).toBeCloseTo(z, 8);
    const norm = Math.hypot(...direct);
    for (let i = 0; i < 2 * n; i++) expect(Math.abs(exact[i]! - direct[i]!)).toBeLessThan(1e-12 * norm + 1e-15);
    const approx = new Float64Array(2 * n);
    tsneGradient(layout, p, 1, 0.5, new QuadTree(n), approx);
    expect(Math.hypot(...approx.map((v, i) => v - direct[i]!)) / norm).toBeLessThan(0.05); // measured 2.5 %
  });

  it('coincident points do not break the tree', () => {
    const layout = new Float64Array([0, 0, 0, 0, 1, 1, 0, 0]);
    const tree = new QuadTree(4);
    tree.build(layout);
    const force = [0, 0, 0];
    tree.repulsion(0, 0, 0, 0.5, force);
    expect(force[2]).toBeCloseTo(2 + 1 / 3, 12); // two copies at distance 0, one at distance² 2
  });

  it('separates clusters as scikit-learn does, with the same KL divergence', () => {
    // 600 points of 5 blobs in 50 dimensions; scikit-learn 1.2.1 TSNE(perplexity=30, n_iter=1000, init='pca',
    // learning_rate='auto', random_state=0) reaches KL 0.1787 on the same data (bench/reference/tsne_sklearn.py).
    const m = 600;
    const result = tsne(blobs(m, 50, 5), [m, 50]);
    expect(Math.abs(result.klDivergence - 0.1787) / 0.1787).toBeLessThan(0.05);
    let agree = 0;
    for (let i = 0; i < m; i++) {
      const nearest = Array.from({ length: m }, (_, j) => j)
        .filter((j) => j !== i)
        .sort((a, b) => (result.x[i]! - result.x[a]!) ** 2 + (result.y[i]! - result.y[a]!) ** 2 - (result.x[i]! - result.x[b]!) ** 2 - (result.y[i]! - result.y[b]!) ** 2)
        .slice(0, 10);
      agree += nearest.filter((j) => j % 5 === i % 5).length / 10;
    }
    expect(agree / m).toBeGreaterThan(0.99);
    const again = tsne(blobs(m, 50, 5), [m, 50]);
    expect(Array.from(again.x)).toEqual(Array.from(result.x));
  });

  it('rejects a perplexity too large for the data and too few points', () => {
    expect(() => tsne(blobs(30, 4, 2), [30, 4])).toThrow(/option 'perplexity': perplexity must be positive and below n \/ 3 = 10.0, got 30/);
    expect(() => tsne(new Float64Array(6), [3, 2])).toThrow(/at least 4 points/);
    expect(() => nearestNeighbours(new Float64Array(10), [5, 2], 5)).toThrow(/option 'k': k must be an integer in 1–4/);
  });
});
