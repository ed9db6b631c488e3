import { describe, expect, it } from 'vitest';
import { seq2exp } from '../../src/dsl/seq2exp-stage';
import { simulateSeq2Exp } from '../../src/simulate/seq2exp';
import { isVegaLiteSpec } from '../../src/viz/spec';

// Quick sizes: 300 simulated 500-nt regions (planted enhancers, decoy peaks, closed motifs).
const stage = seq2exp.simulate({ n: 300, length: 500, seed: 1 });
// Lazy: trained once, by the first test that needs it; the second reuses it.
const fit = stage.fit({ epochs: 8, seed: 1 });

describe('seq2exp(data).fit(...)', () => {
  it('trains once, evaluates, and compares the learned mask with peaks at equal ratios', async () => {
    const trained = await fit;
    expect(await fit).toBe(trained);
    expect((await fit.history()).table.numRows()).toBe(8);
    expect(isVegaLiteSpec((await fit.history()).plot())).toBe(true);

    const scores = await fit.evaluate();
    const test = scores.table.objects()[2] as { subset: string; regions: number; pearson: number; mse: number; mae: number };
    console.log('seq2exp dsl test scores', test);
    expect(test.subset).toBe('test');
    expect(test.regions).toBe(60);
    expect(test.pearson).toBeGreaterThan(0.3);
    expect(isVegaLiteSpec(scores.plot())).toBe(true);
    const predictions = await fit.predict();
    expect(predictions.table.numRows()).toBe(300);
    expect(isVegaLiteSpec(predictions.plot())).toBe(true);

    const regions = await fit.compareRegions({ ratio: [0.05, 0.1] });
    const rows = regions.table.objects() as { method: string; ratio: number; coverage: number }[];
    console.log('seq2exp dsl coverage', rows);
    expect(rows.length).toBe(2 * 5); // mask, peaks per track (2), peaks on all tracks, random
    for (const ratio of [0.05, 0.1]) {
      const at = Object.fromEntries(rows.filter((r) => r.ratio === ratio).map((r) => [r.method, r.coverage]));
      expect(at['random']!).toBeLessThan(2 * ratio);
      expect(at['seq2exp mask']!).toBeGreaterThan(2 * at['random']!);
    }
    expect(isVegaLiteSpec(regions.plot())).toBe(true);
  });

  it('retrains predictors on the learned mask, peaks, the full input and the causal bases', async () => {
    const table = await fit.retrain({ ratio: 0.1, epochs: 4 });
    const rows = table.table.objects() as { selection: string; ratio: number; pearson: number }[];
    console.log('seq2exp dsl retrain', rows);
    expect(rows.map((r) => r.selection)).toEqual(['seq2exp mask', 'full input', 'peaks (all tracks)', 'causal (oracle)']);
    expect(rows[1]!.ratio).toBe(1);
    const pearson = Object.fromEntries(rows.map((r) => [r.selection, r.pearson]));
    // The causal bases alone carry the signal; peaks include decoys (the simulator's design).
    expect(pearson['causal (oracle)']!).toBeGreaterThan(pearson['peaks (all tracks)']! + 0.15);
    expect(isVegaLiteSpec(table.plot())).toBe(true);
  });

  it('accepts Seq2ExpData and says what is missing: region comparison needs causal positions', async () => {
    const sim = simulateSeq2Exp({ n: 60, length: 300, seed: 3 });
    const plain = seq2exp({
      sequences: sim.table.array('sequence') as string[], expression: sim.table.array('expression') as Float64Array,
      tracks: sim.tracks, trackNames: sim.trackNames, length: sim.length,
    });
    const fit = plain.fit({ epochs: 1 });
    expect((await fit.evaluate()).table.numRows()).toBe(3);
    await expect(fit.compareRegions()).rejects.toThrow(/causal positions/);
  });
});
