import { describe, expect, it } from 'vitest';
import { OptionError } from '../../src/errors';
import { chiSquaredCdf, createRandom, deriveSeed, Random } from '../../src/stats';

describe('seeded random streams', () => {
  it('xoshiro128** matches the reference C implementation from state {1, 2, 3, 4}', () => {
    // First outputs of xoshiro128starstar.c (Blackman & Vigna) from s = {1, 2, 3, 4}.
    const rng = Random.fromState([1, 2, 3, 4]);
    const out = Array.from({ length: 8 }, () => rng.uint32());
    expect(out).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]);
  });

  it('is deterministic per seed, differs between seeds, and accepts string seeds', () => {
    const draw = (seed: number | string) => {
      const r = createRandom(seed);
      return Array.from({ length: 5 }, () => r.float());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(draw('model-a')).toEqual(draw('model-a'));
    expect(draw('model-a')).not.toEqual(draw('model-b'));
    expect(() => createRandom(NaN)).toThrow(OptionError);
  });

  it('forks are reproducible and do not advance the parent', () => {
    const a = createRandom(1);
    const b = createRandom(1);
    const child = a.fork('bootstrap', 3);
    expect(a.uint32()).toBe(b.uint32());
    expect(child.uint32()).toBe(createRandom(deriveSeed(1, 'bootstrap', 3)).uint32());
    expect(deriveSeed(1, 'x')).not.toBe(deriveSeed(1, 'y'));
  });

  it('int(n) is uniform: chi-squared goodness of fit over 10 bins', () => {
    const rng = createRandom(42);
    const counts = new Array(10).fill(0);
    const draws = 100000;
    for (let i = 0; i < draws; i++) counts[rng.int(10)]++;
    const chi2 = counts.reduce((s, c) => s + (c - draws / 10) ** 2 / (draws / 10), 0);
    expect(chiSquaredCdf(chi2, 9, false)).toBeGreaterThan(0.001);
    expect(() => rng.int(0)).toThrow(OptionError);
  });

  it('float() lies in [0, 1) with mean 1/2 and variance 1/12', () => {
    const rng = createRandom(5);
    let s = 0;
    let ss = 0;
    const n = 200000;
    for (let i = 0; i < n; i++) {
      const u = rng.float();
      expect(u >= 0 && u < 1).toBe(true);
      s += u;
      ss += u * u;
    }
    const mean = s / n;
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    expect(ss / n - mean * mean).toBeCloseTo(1 / 12, 3);
  });

  it('normal, gamma and beta draws have the right moments', () => {
    const rng = createRandom(9);
    const n = 100000;
    const moments = (f: () => number) => {
      let s = 0;
      let ss = 0;
      for (let i = 0; i < n; i++) {
        const v = f();
        s += v;
        ss += v * v;
      }
      return { mean: s / n, variance: ss / n - (s / n) ** 2 };
    };
    const z = moments(() => rng.normal(2, 3));
    expect(Math.abs(z.mean - 2)).toBeLessThan(4 * 3 / Math.sqrt(n));
    expect(z.variance).toBeCloseTo(9, 0);
    for (const shape of [0.3, 1, 4.5]) {
      const g = moments(() => rng.gamma(shape, 2)); // mean k·θ, variance k·θ²
      expect(Math.abs(g.mean - 2 * shape)).toBeLessThan(5 * Math.sqrt(4 * shape / n));
      expect(g.variance / (4 * shape)).toBeCloseTo(1, 1);
    }
    const b = moments(() => rng.beta(2, 5)); // mean 2/7, variance 10/392
    expect(b.mean).toBeCloseTo(2 / 7, 2);
    expect(b.variance).toBeCloseTo(10 / 392, 3);
    expect(() => rng.gamma(0)).toThrow(/shape/);
  });

  it('shuffle is a permutation', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const shuffled = createRandom(3).shuffle([...items]);
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
  });
});
