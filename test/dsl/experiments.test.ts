// The interpretation toolkit through the chain: every method runs on a trained model and gives a table and a
// figure (a Vega-Lite spec that compiles); what each computes is tested against known answers in test/interpret.
import { beforeAll, describe, expect, it } from 'vitest';
import { promoters } from '../../src/dsl/promoters';
import type { Model } from '../../src/kernels/camformer/model';
import { compileVegaLite } from '../../src/viz/render';
import type { Result } from '../../src/dsl/result';

const tiny = { name: 'tiny', encoding: 'onehot' as const, inputLength: 110, convs: [
  { channels: 16, kernel: 8, padding: 'same' as const, dropout: 0 },
  { channels: 8, kernel: 4, padding: 'same' as const, dropout: 0, pool: { kernel: 110, stride: 110 } },
], dense: [8] };
const REB1 = { name: 'REB1', sequence: 'TTACCCGG' };
const UME6 = { name: 'UME6', sequence: 'TAGCCGCCGA' };

let model: Model;
const sample = promoters.simulate({ n: 6, seed: 11 });

/** A result holds rows and draws a figure vega-lite compiles. */
async function drawn(r: Result, plot = r.plot()): Promise<void> {
  expect(r.table.numRows()).toBeGreaterThan(0);
  await expect(compileVegaLite(plot)).resolves.toBeTruthy();
}

beforeAll(async () => {
  model = await promoters.simulate({ n: 800, seed: 3 }).model(tiny, { seed: 1 }).fit({ epochs: 4, batchSize: 64, lr: 3e-3, patience: Infinity });
});

describe('interpretation methods of a model stage', () => {
  it('attribute: saliency and DeepLIFT/SHAP, completeness, seqlets and logos', async () => {
    const saliency = await sample.model(model).attribute({ method: 'saliency' });
    expect(saliency.table.columnNames()).toEqual(expect.arrayContaining(['id', 'position', 'base', 'attribution', 'prediction', 'baseline_prediction']));
    await drawn(saliency);
    const shap = sample.model(model).attribute({ method: 'deeplift-shap', references: 4 });
    const complete = await shap.completeness();
    for (const r of complete.table.objects() as { attribution_sum: number; difference: number }[]) {
      expect(Math.abs(r.attribution_sum - r.difference)).toBeLessThan(0.01 * Math.max(Math.abs(r.difference), 1e-3) + 1e-4);
    }
    await drawn(complete);
    const seqlets = await shap.seqlets({ threshold: 0.05, sign: 'both' });
    expect(seqlets.table.columnNames()).toEqual(expect.arrayContaining(['id', 'start', 'end', 'attribution']));
    await drawn(seqlets);
    await expect(compileVegaLite(await shap.logo('sim_1'))).resolves.toBeTruthy();
  });

  it('marginalize, ablate, space, spacing and pairwise influence', async () => {
    const stage = sample.model(model);
    const marginal = await stage.marginalize([REB1, UME6]);
    expect(marginal.summary.numRows()).toBe(2);
    await drawn(marginal);
    await drawn(await stage.ablate({ start: 30, end: 45, shuffles: 2 }));
    const spaced = await stage.space(REB1, UME6, { spacings: [2, 6, 10], orientations: ['++', '+-'] });
    expect(spaced.summary.numRows()).toBe(6);
    await drawn(spaced);
    const spacing = await stage.spacing(REB1, UME6, { spacings: [2, 6], orientations: ['++'] });
    expect(spacing.summary.columnNames()).toContain('interaction');
    await drawn(spacing);
    await drawn(await sample.head(1).model(model).pairwise({ region: { start: 40, end: 48 } }));
  });

  it('variant effects, the DREAM SNV pairs and design', async () => {
    const stage = sample.model(model);
    const sequence = (await sample).get('sequence', 1) as string;
    const effects = await stage.variants([{ id: 'sim_2', position: 50, ref: sequence[49]!, alt: sequence[49] === 'T' ? 'A' : 'T' }]);
    expect(effects.table.get('kind', 0)).toBe('SNV');
    await drawn(effects);
    const snvTest = promoters.dream2022('test').filter((d) => d.categories.includes('SNVs') && d.split === 'public', 'public SNV members').head(300);
    const snv = await snvTest.model(model).dreamSnv({ split: 'public' });
    expect(snv.scores.n).toBe(snv.table.numRows());
    await drawn(snv);
    await expect(sample.model(model).dreamSnv()).rejects.toThrow(/DREAM2022 test set/);
    await drawn(await sample.head(2).model(model).design({ maxIterations: 2 }));
    const evolved = await sample.head(1).model(model).design({ method: 'evolve', population: 40, generations: 2, seed: 2 });
    expect(evolved.designs!.numRows()).toBeGreaterThan(0);
    await drawn(evolved);
  });
});
