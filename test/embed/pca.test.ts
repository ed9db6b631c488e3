import { describe, expect, it } from 'vitest';
import { pca, symmetricEigen } from '../../src/embed/pca';
import { createRandom } from '../../src/stats/random';
import { pearson } from '../../src/stats/correlation';

/** n rows of 3 latent factors (sd 3, 2, 1) spread over p features by orthonormal loadings, plus small noise. */
function lowRank(n: number, p: number, seed = 3) {
  const random = createRandom(seed);
  const loadings: number[][] = [];
  for (let c = 0; c < 3; c++) {
    const v = Array.from({ length: p }, () => random.normal());
    for (const u of loadings) { const d = v.reduce((s, x, j) => s + x * u[j]!, 0); v.forEach((_, j) => (v[j]! -= d * u[j]!)); }
    const norm = Math.hypot(...v);
    loadings.push(v.map((x) => x / norm));
  }
  const sds = [3, 2, 1];
  const latent = Array.from({ length: 3 }, (_, c) => Float64Array.from({ length: n }, () => random.normal(0, sds[c])));
  const data = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) {
    data[i * p + j] = 5 + latent.reduce((s, z, c) => s + z[i]! * loadings[c]![j]!, 0) + random.normal(0, 0.01);
  }
  return { data, latent };
}

describe('pca', () => {
  it('recovers the latent factors of a low-rank matrix, in order, with their variances', () => {
    const n = 200, p = 40;
    const { data, latent } = lowRank(n, p);
    const res = pca(data, [n, p], { components: 3, standardize: false });
    expect(res.shape).toEqual([n, 3]);
    for (let c = 0; c < 3; c++) {
      const score = Float64Array.from({ length: n }, (_, i) => res.data[i * 3 + c]!);
      expect(Math.abs(pearson(score, latent[c]!))).toBeGreaterThan(0.97); // the sampled factors are only nearly uncorrelated
      const mean = latent[c]!.reduce((s, x) => s + x, 0) / n;
      const variance = latent[c]!.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
      expect(res.variance[c]).toBeCloseTo(variance, 0);
    }
    expect(res.explained[0]! + res.explained[1]! + res.explained[2]!).toBeGreaterThan(0.999);
  });

  it('standardizes columns, ignores constant ones, caps components and is repeatable', () => {
    const n = 50, p = 8;
    const random = createRandom(1);
    const data = Float64Array.from({ length: n * p }, (_, i) => (i % p === 7 ? 2 : random.normal(0, 1 + (i % p) * 100)));
    const a = pca(data, [n, p], { components: 20, seed: 4 });
    const b = pca(data, [n, p], { components: 20, seed: 4 });
    expect(a.shape).toEqual([n, 8]);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    // 7 non-constant standardized columns: total variance 7, all of it explained by the components.
    expect(a.explained.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 6);
    expect(a.variance.reduce((s, x) => s + x, 0)).toBeCloseTo(7, 6);
  });

  it('rejects a shape that does not match the data', () => {
    expect(() => pca(new Float64Array(10), [3, 4])).toThrow(/shape \[3, 4\] needs 12/);
  });

  it('symmetricEigen diagonalizes a symmetric matrix', () => {
    const m = Float64Array.from([4, 1, 2, 1, 3, 0, 2, 0, 5]);
    const { values, vectors } = symmetricEigen(m, 3);
    for (let e = 0; e < 3; e++) {
      for (let r = 0; r < 3; r++) {
        const mv = [0, 1, 2].reduce((s, c) => s + m[r * 3 + c]! * vectors[c * 3 + e]!, 0);
        expect(mv).toBeCloseTo(values[e]! * vectors[r * 3 + e]!, 9);
      }
    }
    expect([...values].reduce((s, x) => s + x, 0)).toBeCloseTo(12, 9);
  });
});
