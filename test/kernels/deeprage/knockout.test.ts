import { beforeAll, describe, expect, it } from 'vitest';
import { jaspar } from '../../../src/motifs';
import { simulateDeepRage, type DeepRageSimulation } from '../../../src/simulate/deeprage';
import { initBackend } from '../../../src/kernels/tensor/backend';
import { trainDeepRage, type TrainedDeepRage } from '../../../src/kernels/deeprage/train';
import { evaluateDeepRage } from '../../../src/kernels/deeprage/evaluate';
import { auroc, filterMotifMatches, knockoutTargetRecovery } from '../../../src/kernels/deeprage/knockout';
import { motifSimilarity } from '../../../src/motifs/compare';

/** A row-major [width, 4] matrix as the motif comparison takes it. */
const pfmMatrix = (probabilities: Float64Array) => ({ length: probabilities.length / 4, probabilities });

// Quick mode: 1,500 real promoters upstream of the TSS (the simulator's default and the paper's) cut to their 300
// TSS-proximal nt, 16 conditions, 3 functional regulators and 3 decoys; the tensor-product join trained on unseen
// genes (60/10/30). One seed is one draw of simulation, split and training, and which regulators are drawn depends
// on the motif hits: since the simulator scans with src/motifs' FIMO scanner, seed 2 draws FKH1, SPT23 and THI2 and
// recovers their targets with mean AUROC 0.819 (0.887 / 0.995 / 0.575), passing every check below; on the
// ATG-anchored promoters (DEEPRAGE_ANCHOR=atg, the set this test used before) seeds 2 and 3 now give 0.706 and 0.784.
// DEEPRAGE_SEED=N and DEEPRAGE_ANCHOR=atg|tss run another draw.
const SEED = Number(process.env.DEEPRAGE_SEED ?? 2);
const ANCHOR = (process.env.DEEPRAGE_ANCHOR ?? 'tss') as 'atg' | 'tss';
let sim: DeepRageSimulation;
let trained: TrainedDeepRage;
let seconds = 0;

beforeAll(async () => {
  await initBackend();
  sim = simulateDeepRage({ motifs: jaspar('fungi'), genes: 1500, conditions: 16, promoterLength: 300, regulators: 3, decoys: 3, seed: SEED, anchor: ANCHOR });
  const started = Date.now();
  trained = await trainDeepRage(sim, { join: 'tensor', split: 'gene', epochs: 10, batchGenes: 8, learningRate: 0.005, kernelSize: 11, seed: SEED });
  seconds = (Date.now() - started) / 1000;
});

describe('AUROC and PFM similarity', () => {
  it('auroc counts ties as one half and is 1 / 0.5 / 0 in the clear cases', () => {
    expect(auroc([3, 2, 1, 0], [true, true, false, false])).toBe(1);
    expect(auroc([0, 1, 2, 3], [true, true, false, false])).toBe(0);
    expect(auroc([1, 1, 1, 1], [true, false, true, false])).toBe(0.5);
    expect(auroc([2, 1, 1, 0], [true, true, false, false])).toBe(0.875);
  });

  it('a PFM is most similar to itself and to its reverse complement', () => {
    const pfm = Float64Array.from([0.9, 0.03, 0.03, 0.04, 0.1, 0.8, 0.05, 0.05, 0.02, 0.02, 0.9, 0.06, 0.1, 0.1, 0.1, 0.7]);
    // reverse complement: rows reversed, A↔T and C↔G swapped
    const rc = Float64Array.from({ length: 16 }, (_, i) => pfm[(3 - Math.floor(i / 4)) * 4 + (3 - (i % 4))]!);
    expect(Array.from(rc.subarray(0, 4))).toEqual([0.7, 0.1, 0.1, 0.1]);
    expect(motifSimilarity(pfmMatrix(pfm), pfmMatrix(pfm))).toBeCloseTo(1, 10);
    expect(motifSimilarity(pfmMatrix(pfm), pfmMatrix(rc))).toBeCloseTo(1, 10);
    expect(motifSimilarity(pfmMatrix(Float64Array.from([0.25, 0.25, 0.25, 0.25, 0.7, 0.1, 0.1, 0.1])), pfmMatrix(pfm))).toBeLessThan(0.5);
  });
});

describe('DeepRAGE tensor-product model on simulated data (unseen genes)', () => {
  it('predicts unseen genes far better than the predict-the-mean baseline', () => {
    const test = evaluateDeepRage(trained, sim).objects()[2] as { pearson: number; mse: number };
    const y = Array.from(sim.expression).filter((_, i) => trained.split[i] === 2);
    const mean = y.reduce((a, b) => a + b, 0) / y.length;
    const variance = y.reduce((a, b) => a + (b - mean) ** 2, 0) / y.length;
    console.log(`deeprage (seed ${SEED}): ${seconds.toFixed(1)} s training; test`, test, 'variance', variance);
    expect(test.pearson).toBeGreaterThan(0.45);
    expect(test.mse).toBeLessThan(0.8 * variance);
  });

  it('filter knock-outs rank the true targets of the regulators (mean AUROC > 0.8)', () => {
    const recovery = knockoutTargetRecovery(trained.model, sim);
    const rows = recovery.objects() as { regulator: string; filterAuroc: number; regulatorAuroc: number; pairAuroc: number; similarity: number }[];
    console.log(rows);
    expect(rows.length).toBe(3);
    const mean = rows.reduce((a, r) => a + r.filterAuroc, 0) / rows.length;
    expect(mean).toBeGreaterThan(0.8);
    expect(Math.max(...rows.map((r) => r.filterAuroc))).toBeGreaterThan(0.95);
    // Knocking out only the filter × regulator pair (tensor join) also finds the targets where the filter was learned.
    for (const r of rows) if (r.filterAuroc > 0.95) expect(r.pairAuroc).toBeGreaterThan(0.8);
    // The best-recovered regulator's filter, matched against all 178 JASPAR fungi motifs, finds that regulator's motif.
    const best = rows.reduce((a, b) => (b.filterAuroc > a.filterAuroc ? b : a));
    const filter = (recovery.objects() as { regulator: string; filter: number }[]).find((r) => r.regulator === best.regulator)!.filter;
    const matches = (filterMotifMatches(trained.model, sim.sequences, jaspar('fungi'), { matches: 5 }).objects() as { filter: number; motif_id: string }[])
      .filter((m) => m.filter === filter);
    console.log(matches);
    const motifId = sim.regulatorMotifs[sim.regulators.indexOf(best.regulator)]!.id;
    expect(matches.map((m) => m.motif_id)).toContain(motifId);
  });
});
