import { beforeAll, describe, expect, it } from 'vitest';
import { simulateSeq2Exp } from '../../../src/simulate/seq2exp';
import { initBackend } from '../../../src/kernels/tensor/backend';
import { peakScores } from '../../../src/data/tracks/peaks';
import { retrainOnSelections } from '../../../src/kernels/seq2exp/regions';
import { topMask, type Seq2ExpData } from '../../../src/kernels/seq2exp/train';

beforeAll(async () => {
  await initBackend();
});

describe('retrain on a selection (top-ratio bases only)', () => {
  it('topMask keeps the top bases of each region', () => {
    expect(Array.from(topMask([1, 5, 3, 2, 9, 0, 0, 9], 4, 0.5))).toEqual([0, 1, 1, 0, 1, 0, 0, 1]);
    expect(() => topMask([1], 1, 0)).toThrow(/option 'selectionRatio'/);
  });

  it('a predictor reading only the causal bases beats one reading peaks, at the same ratio', async () => {
    const sim = simulateSeq2Exp({ n: 400, length: 1000, seed: 1 });
    const data: Seq2ExpData = {
      sequences: sim.table.array('sequence') as string[], expression: sim.table.array('expression') as Float64Array,
      tracks: sim.tracks, trackNames: sim.trackNames, length: sim.length,
    };
    const dnase = Float32Array.from({ length: 400 * 1000 }, (_, i) => sim.tracks[i * 2]!);
    const table = await retrainOnSelections(data, {
      'causal (oracle)': Float32Array.from(sim.causal, (c, i) => c + 1e-3 * dnase[i]!),
      'peaks (dnase)': peakScores(dnase, 1000),
    }, { ratio: 0.05, epochs: 6 });
    console.log(table.objects());
    const [oracle, peaks] = table.objects() as { pearson: number; mse: number }[];
    expect(oracle!.pearson).toBeGreaterThan(0.7);
    expect(oracle!.pearson).toBeGreaterThan(peaks!.pearson + 0.2);
  });
});
