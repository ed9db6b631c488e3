import { describe, expect, it } from 'vitest';
import { OptionError } from '../../src/errors';
import { bootstrap, createRandom, improvement, normalQuantile, pearson, sampleQuantile } from '../../src/stats';

function mean(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}

describe('bootstrap', () => {
  const rng = createRandom(2024);
  const sample = Float64Array.from({ length: 400 }, () => rng.normal(10, 2));

  it('is deterministic per seed and changes with the seed', () => {
    const a = bootstrap(mean, sample, { n: 500, seed: 1 });
    const b = bootstrap(mean, sample, { n: 500, seed: 1 });
    const c = bootstrap(mean, sample, { n: 500, seed: 2 });
    expect(Array.from(a.replicates)).toEqual(Array.from(b.replicates));
    expect(a.lower).not.toBe(c.lower);
    expect(a.estimate).toBe(mean(sample));
  });

  it('CI of a mean agrees with the normal-theory interval x̄ ± z·s/√n', () => {
    const r = bootstrap(mean, sample, { n: 4000, seed: 3, level: 0.9 });
    let ss = 0;
    const m = mean(sample);
    for (const v of sample) ss += (v - m) ** 2;
    const se = Math.sqrt(ss / (sample.length - 1) / sample.length);
    // Bootstrap SE of the mean is s·√((n−1)/n)/√n; the interval is a Monte Carlo estimate, so 10 % slack.
    expect(r.standardError / se).toBeGreaterThan(0.9);
    expect(r.standardError / se).toBeLessThan(1.1);
    const z = normalQuantile(0.95);
    expect(Math.abs(r.lower - (m - z * se))).toBeLessThan(0.15 * z * se);
    expect(Math.abs(r.upper - (m + z * se))).toBeLessThan(0.15 * z * se);
    expect(r.level).toBe(0.9);
  });

  it('resamples paired columns together (r of identical columns stays 1)', () => {
    const r = bootstrap(pearson, [sample, sample], { n: 200, seed: 4 });
    expect(r.lower).toBeCloseTo(1, 12);
    expect(r.upper).toBeCloseTo(1, 12);
  });

  it('counts NaN replicates instead of hiding them', () => {
    const r = bootstrap((x, y) => pearson(x, y), [[1, 2], [1, 2]], { n: 200, seed: 5 });
    expect(r.nanReplicates).toBeGreaterThan(50); // resamples (1,1) or (2,2) have no correlation
    expect(r.nanReplicates).toBeLessThan(150);
  });

  it('10,000 replicates of r on 4,000 pairs (time printed, not asserted)', () => {
    const g = createRandom(6);
    const x = Float64Array.from({ length: 4000 }, () => g.normal());
    const y = Float64Array.from(x, (v) => v + g.normal(0, 0.5));
    const start = performance.now();
    const r = bootstrap(pearson, [x, y], { n: 10000, seed: 7 });
    const seconds = (performance.now() - start) / 1000;
    console.log(`bootstrap: 10,000 replicates of r on 4,000 pairs in ${seconds.toFixed(2)} s; r = ${r.estimate.toFixed(4)} [${r.lower.toFixed(4)}, ${r.upper.toFixed(4)}]`);
    expect(r.replicates.length).toBe(10000);
    expect(r.lower).toBeLessThan(r.estimate);
    expect(r.upper).toBeGreaterThan(r.estimate);
  });

  it('rejects bad options', () => {
    expect(() => bootstrap(mean, sample, { n: 0 })).toThrow(/option 'n'/);
    expect(() => bootstrap(mean, sample, { level: 1 })).toThrow(OptionError);
    expect(() => bootstrap(pearson, [sample, sample.subarray(1)])).toThrow(/equal lengths/);
  });

  it('sampleQuantile interpolates like R quantile(type = 7)', () => {
    // R: quantile(c(1, 2, 3, 4), c(0.1, 0.5, 0.9)) → 1.3, 2.5, 3.7
    expect(sampleQuantile([1, 2, 3, 4], 0.1)).toBeCloseTo(1.3, 15);
    expect(sampleQuantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(sampleQuantile([1, 2, 3, 4], 0.9)).toBeCloseTo(3.7, 15);
  });
});

describe('improvement', () => {
  it('is Δρ / (1 − ρ_baseline)', () => {
    // ρ 0.96 against a baseline of 0.94 closes a third of the remaining gap.
    expect(improvement(0.96, 0.94)).toBeCloseTo(1 / 3, 12);
    expect(improvement(0.94, 0.94)).toBe(0);
    expect(improvement(1, 0.5)).toBe(1);
    expect(improvement(0.4, 0.5)).toBeCloseTo(-0.2, 15);
    expect(() => improvement(0.9, 1)).toThrow(/option 'scoreBaseline'/);
  });
});
