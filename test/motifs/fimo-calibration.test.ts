/**
 * The FIMO 5.5.7 calibration run of issue 5: `fimo --thresh 1e-4` with JASPAR IME1 (MA0320.1) and UME6
 * (MA0412.2) on the 80-nt variable regions of the 71,103 DREAM test sequences.
 */
import { describe, expect, it } from 'vitest';
import { jaspar, scanFimoDetailed, toFimoTsv } from '../../src/motifs';
import { DATA_DIR, HAS_DREAM } from '../helpers/paths';
import { dreamTestSequences, VARIABLE_REGION } from './dream-data';

// FIMO's lines; its motif file named the motifs 'MA0320.1.IME1' where JASPAR's bulk file says 'IME1'.
const FIMO_LINES = [
  'MA0320.1\tMA0320.1.IME1\tsequence_31905\t5\t12\t+\t15.9143\t8.13e-06\t0.284\tCCGCCGAG',
  'MA0320.1\tMA0320.1.IME1\tsequence_30925\t5\t12\t+\t15.9143\t8.13e-06\t0.284\tCCGCCGAG',
  'MA0412.2\tMA0412.2.UME6\tsequence_15525\t30\t44\t+\t22.1571\t6.44e-10\t0.00169\tAATTAGCCGCCGAGG',
  'MA0412.2\tMA0412.2.UME6\tsequence_24526\t21\t35\t-\t22.1571\t6.44e-10\t0.00169\tAATTAGCCGCCGAGG',
];

describe.skipIf(!HAS_DREAM)('FIMO calibration on the DREAM test set', () => {
  it('reproduces the four calibration lines of issue 5', () => {
    const motifs = jaspar('fungi-union', { dataDir: DATA_DIR, ids: ['MA0320.1', 'MA0412.2'] });
    const sequences = dreamTestSequences();
    expect(sequences).toHaveLength(71103);
    const { hits, summary } = scanFimoDetailed(motifs, sequences, { region: VARIABLE_REGION });
    // Tests as FIMO counts them: 71,103 × (80 − w + 1) windows × 2 strands.
    expect(summary.array('tests')).toEqual([71103 * 73 * 2, 71103 * 66 * 2]);
    const ours = toFimoTsv(hits).split('\n');
    for (const line of FIMO_LINES) {
      const [id, , name, start, stop, strand, score, p, q, matched] = line.split('\t');
      const mine = ours.find((l) => l.startsWith(`${id}\t`) && l.includes(`\t${name}\t${start}\t${stop}\t${strand}\t`));
      expect(mine, line).toBeDefined();
      const f = mine!.split('\t');
      expect(f[1]).toBe(id === 'MA0320.1' ? 'IME1' : 'UME6');
      expect(f[6]).toBe(score);
      expect(Number(f[6])).toBeCloseTo(Number(score), 3);
      expect(Math.abs(Number(f[7]) / Number(p) - 1)).toBeLessThan(0.02);
      expect(f[7]).toBe(p);
      // q-values differ only through π0, which FIMO estimates from its own random sample: within 5%.
      expect(Math.abs(Number(f[8]) / Number(q) - 1)).toBeLessThan(0.05);
      expect(f[9]).toBe(matched);
    }
    // The two UME6 sites share the best UME6 p-value in the whole set, as in FIMO's output.
    const ume6 = hits.filter((d: { motif_id: string }) => d.motif_id === 'MA0412.2').objects() as Record<string, unknown>[];
    expect(ume6.slice(0, 2).map((r) => r['sequence_name'])).toEqual(['sequence_15525', 'sequence_24526']);
  });
});
