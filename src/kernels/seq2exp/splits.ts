/**
 * How Seq2Exp's regions are split into training, validation and test (the codes 0, 1, 2 of
 * `TrainedSeq2Exp.split`): at random by region (70 / 10 / 20), or across chromosomes as the paper (§5.1.4:
 * chromosomes 3 and 21 validate, 22 and X test), with pseudo-chromosomes for data without coordinates.
 */
import { createRandom } from '../../stats/random';

/** Names of the split codes 0, 1, 2 of `TrainedSeq2Exp.split`. */
export const SEQ2EXP_SUBSETS = ['train', 'validation', 'test'] as const;

/** A seeded random split by region: 70 % train, 10 % validation, 20 % test. */
export function splitRegions(n: number, seed = 1): Uint8Array {
  const order = createRandom(seed).fork('seq2exp-split').shuffle(Array.from({ length: n }, (_, i) => i));
  const split = new Uint8Array(n);
  order.forEach((r, rank) => (split[r] = rank < 0.7 * n ? 0 : rank < 0.8 * n ? 1 : 2));
  return split;
}

/** The paper's validation chromosomes (§5.1.4). */
export const SEQ2EXP_VALIDATION_CHROMOSOMES = ['chr3', 'chr21'] as const;
/** The paper's test chromosomes (§5.1.4). */
export const SEQ2EXP_TEST_CHROMOSOMES = ['chr22', 'chrX'] as const;

/**
 * Pseudo-chromosomes for data without coordinates (the simulator): the regions in order cut into 23 equal
 * blocks named chr1 … chr22, chrX, as genes lie along chromosomes. Simulated regions are independent, so this is
 * a held-out-block split; with real data pass the real `chromosomes`.
 * @param n - Number of regions.
 * @returns One chromosome name per region, in order (chr1 first, chrX last).
 * @example
 * const split = chromosomeSplit(pseudoChromosomes(230)); // regions 10–19 are chr2, …
 */
export function pseudoChromosomes(n: number): string[] {
  const names = [...Array.from({ length: 22 }, (_, i) => `chr${i + 1}`), 'chrX'];
  return Array.from({ length: n }, (_, i) => names[Math.floor((i * names.length) / n)]!);
}

/**
 * The paper's cross-chromosome split (§5.1.4): validation on chr3 and chr21, test on chr22 and chrX, training
 * on the rest.
 * @param chromosomes - Each region's chromosome.
 * @returns 0 (train), 1 (validation) or 2 (test) per region, as `trainSeq2Exp`'s `split` takes.
 * @example
 * chromosomeSplit(['chr1', 'chr3', 'chrX']); // Uint8Array [0, 1, 2]
 */
export function chromosomeSplit(chromosomes: readonly string[]): Uint8Array {
  const validation = new Set<string>(SEQ2EXP_VALIDATION_CHROMOSOMES);
  const test = new Set<string>(SEQ2EXP_TEST_CHROMOSOMES);
  return Uint8Array.from(chromosomes, (c) => (validation.has(c) ? 1 : test.has(c) ? 2 : 0));
}
