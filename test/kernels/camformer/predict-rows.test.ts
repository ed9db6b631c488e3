import { describe, expect, it } from 'vitest';
import { buildModel } from '../../../src/kernels/camformer/model';
import { predict, predictRows } from '../../../src/kernels/camformer/predict';
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
