/**
 * Dinucleotide-preserving shuffles (Altschul & Erickson 1985, as in uShuffle with k = 2 and MEME's
 * fasta-shuffle-letters -kmer 2): the shuffled sequence has exactly the same counts of every pair of adjacent
 * letters, the same first and last letter, and is drawn uniformly among all such sequences.
 *
 * Method (the Euler-path construction): the sequence is a walk in the multigraph whose vertices are letters
 * and whose edges are the adjacent pairs. A uniformly random Eulerian walk is obtained by (1) choosing, for
 * every vertex except the last letter, a "last exit" edge so that these edges form a random arborescence
 * rooted at the last letter (Wilson's loop-erased random walk), (2) shuffling each vertex's other exits,
 * (3) walking from the first letter, leaving every vertex by its exits in order, its last exit last.
 */
import { OptionError } from '../errors';
import { createRandom, type Random } from '../stats';
import type { NamedSequence } from './sequences';

/**
 * One dinucleotide shuffle of `sequence` using `random`.
 * @param sequence - The sequence.
 * @param random - A seeded stream ({@link createRandom}).
 * @returns A shuffle with exactly the same dinucleotide counts.
 * @example
 * dinucleotideShuffle('ACGTACGGTCA', createRandom(1));
 */
export function dinucleotideShuffle(sequence: string, random: Random): string {
  const n = sequence.length;
  if (n <= 3) return sequence;
  // Exits of each letter, in sequence order: exits.get(a) lists the letters that follow a.
  const exits = new Map<string, string[]>();
  for (let i = 0; i < n - 1; i++) {
    const a = sequence[i]!;
    let list = exits.get(a);
    if (!list) exits.set(a, (list = []));
    list.push(sequence[i + 1]!);
  }
  const last = sequence[n - 1]!;
  // (1) Wilson's algorithm: a uniform random spanning arborescence directed towards `last`, where a vertex's
  // tree edge is one of its exits chosen with probability proportional to multiplicity.
  const inTree = new Set<string>([last]);
  const treeExit = new Map<string, number>();
  for (const start of exits.keys()) {
    let u = start;
    const choice = new Map<string, number>();
    while (!inTree.has(u)) {
      const list = exits.get(u)!;
      const k = random.int(list.length);
      choice.set(u, k);
      u = list[k]!;
    }
    for (u = start; !inTree.has(u); u = exits.get(u)![choice.get(u)!]!) {
      treeExit.set(u, choice.get(u)!);
      inTree.add(u);
    }
  }
  // (2) Shuffle every vertex's exits, keeping its tree exit for the very end.
  const order = new Map<string, string[]>();
  for (const [a, list] of exits) {
    const reserved = treeExit.get(a);
    const rest = list.filter((_, k) => k !== reserved);
    for (let i = rest.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [rest[i], rest[j]] = [rest[j]!, rest[i]!];
    }
    if (reserved !== undefined) rest.push(list[reserved]!);
    order.set(a, rest);
  }
  // (3) The Eulerian walk.
  const used = new Map<string, number>();
  let current = sequence[0]!;
  let out = current;
  for (let i = 1; i < n; i++) {
    const k = used.get(current) ?? 0;
    used.set(current, k + 1);
    current = order.get(current)![k]!;
    out += current;
  }
  return out;
}

/**
 * `copies` shuffles of every sequence, named `<name>_shuf<k>`, reproducible from `seed`.
 * @param sequences - `{ name, sequence }` records.
 * @param options - `copies` per sequence (default 1), `seed` (default 1).
 * @returns The shuffles, named `<name>_shuf<k>`.
 * @example
 * shuffleSequences([{ name: 's1', sequence: 'ACGTTGCA' }], { copies: 2, seed: 3 });
 */
export function shuffleSequences(sequences: readonly NamedSequence[], options: { copies?: number; seed?: number } = {}): NamedSequence[] {
  const copies = options.copies ?? 1;
  if (!(Number.isInteger(copies) && copies > 0)) throw new OptionError(`copies must be a positive integer, got ${copies}`, { option: 'copies' });
  const random = createRandom(options.seed ?? 1);
  const out: NamedSequence[] = [];
  for (let k = 1; k <= copies; k++) {
    for (const s of sequences) out.push({ name: `${s.name}_shuf${k}`, sequence: dinucleotideShuffle(s.sequence, random) });
  }
  return out;
}

/** Counts of each adjacent letter pair, e.g. { AC: 3, CG: 1 } (for checks and tests). */
export function dinucleotideCounts(sequence: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i + 1 < sequence.length; i++) {
    const pair = sequence.slice(i, i + 2);
    counts[pair] = (counts[pair] ?? 0) + 1;
  }
  return counts;
}
