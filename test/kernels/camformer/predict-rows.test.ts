import { describe, expect, it } from 'vitest';
import { buildModel } from '../../../src/kernels/camformer/model';
import { ensemble, inferenceEngine, predict, predictRows } from '../../../src/kernels/camformer/predict';
import { encode } from '../../../src/data/encode';
import { SequenceStore } from '../../../src/data/store';
import { storeRows, subsetRows } from '../../../src/data/store-rows';
import { simulatePromoters } from '../../../src/simulate/promoters';

describe('predictRows', () => {
  it('predicts a store block by block, equal to predicting the encoded strings', async () => {
    const { table } = simulatePromoters({ n: 50, seed: 9 });
    const sequences = table.array('sequence') as string[];
    const expression = table.array('expression') as ArrayLike<number>;
    const model = buildModel({ name: 'rows-tiny', encoding: 'onehotWithBoth', inputLength: 110, convs: [{ channels: 6, kernel: 5, padding: 'same', dropout: 0, pool: { kernel: 110, stride: 110 } }], dense: [4] }, { seed: 1 });
    const rows = storeRows(SequenceStore.fromSequences(sequences, { rowsPerChunk: 16 }), { encoding: 'onehotWithBoth', expression });
    const progress: number[] = [];
    const blocked = await predictRows(model, rows, { blockSize: 7, engine: 'tfjs', onProgress: (done) => progress.push(done) });
    const whole = await predict(model, encode(sequences, 'onehotWithBoth', { expression }), { engine: 'tfjs' });
    expect(Math.max(...Array.from(blocked, (v, i) => Math.abs(v - whole[i]!)))).toBeLessThan(1e-5);
    expect(progress).toEqual([7, 14, 21, 28, 35, 42, 49, 50]);
    const subset = await predictRows(model, subsetRows(rows, [49, 0]), { engine: 'tfjs' });
    expect(subset[0]).toBeCloseTo(whole[49]!, 5);
    expect(subset[1]).toBeCloseTo(whole[0]!, 5);
    model.dispose();
  });
});

describe('predict: onProgress', () => {
  const config = { name: 'progress-tiny', encoding: 'onehot' as const, inputLength: 110, convs: [{ channels: 4, kernel: 5, padding: 'same' as const, dropout: 0, pool: { kernel: 110, stride: 110 } }], dense: [4] };
  const x = encode(simulatePromoters({ n: 10, seed: 4 }).table.array('sequence') as string[], 'onehot');

  it('counts rows per batch over strands and ensemble members, on each engine, without changing the predictions', async () => {
    const members = ensemble([buildModel(config, { seed: 1 }), buildModel(config, { seed: 2 })]);
    const engines = inferenceEngine('auto') === 'onnx' ? (['tfjs', 'onnx'] as const) : (['tfjs'] as const);
    for (const engine of engines) {
      const seen: [number, number][] = [];
      const got = await predict(members, x, { engine, batchSize: 4, reverseComplement: true, onProgress: (done, total) => seen.push([done, total]) });
      // 2 members × 2 strands, each pass in batches of 4, 4 and 2 rows.
      expect(seen.map(([done]) => done)).toEqual([4, 8, 10, 14, 18, 20, 24, 28, 30, 34, 38, 40]);
      expect(new Set(seen.map(([, total]) => total))).toEqual(new Set([40]));
      expect(Array.from(got)).toEqual(Array.from(await predict(members, x, { engine, batchSize: 4, reverseComplement: true })));
    }
    for (const m of members.models) m.dispose();
  });
});
