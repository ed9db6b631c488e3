import { describe, expect, it } from 'vitest';
import { jaspar, makeMotif, scanFimo, toFimoTsv } from '../../../src/motifs';
import { scanFimoTensor } from '../../../src/kernels/motifs';
import { DATA_DIR, HAS_DREAM } from '../../helpers/paths';
import { dreamTestSequences, VARIABLE_REGION } from '../../motifs/dream-data';

describe('tensor (tfjs conv1d) scan equals the JavaScript scan', () => {
  it('on hand-made sequences with N, different lengths and motif widths', async () => {
    const motifs = [
      makeMotif('A', [[1, 0, 0, 0], [0, 0, 0.5, 0.5]], { nsites: 3 }),
      makeMotif('B', [[0, 1, 0, 0], [0, 0, 1, 0], [0.1, 0.2, 0.3, 0.4], [1, 0, 0, 0]], { nsites: 10 }),
    ];
    const sequences = [
      { name: 'x', sequence: 'ACGATGCGGANTAGCGTA' },
      { name: 'y', sequence: 'CGTAAG' },
      { name: 'z', sequence: 'TTTTCGCANCGGACGAA' },
    ];
    const options = { threshold: 0.05, background: 'uniform' as const };
    const js = scanFimo(motifs, sequences, options);
    const tensor = await scanFimoTensor(motifs, sequences, { ...options, batchSize: 2 });
    expect(js.numRows()).toBeGreaterThan(3);
    expect(toFimoTsv(tensor)).toBe(toFimoTsv(js));
  });

  it.skipIf(!HAS_DREAM)('on 300 DREAM sequences with 20 JASPAR motifs', async () => {
    const motifs = jaspar('fungi', { dataDir: DATA_DIR }).slice(0, 20);
    const sequences = dreamTestSequences(300);
    const options = { region: VARIABLE_REGION, threshold: 1e-3 };
    const js = scanFimo(motifs, sequences, options);
    const tensor = await scanFimoTensor(motifs, sequences, options);
    expect(js.numRows()).toBeGreaterThan(100);
    expect(toFimoTsv(tensor)).toBe(toFimoTsv(js));
  });
});
