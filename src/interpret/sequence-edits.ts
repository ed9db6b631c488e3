/**
 * The sequence edits the in-silico experiments are built from, on plain strings (tangermeme's `ersatz`
 * module works on one-hot tensors; strings keep the edits readable and are encoded once per batch), and the
 * one batching loop they all predict through.
 */
import { OptionError } from '../errors';
import { normalizeSequence, reverseComplement } from '../data/alphabet';
import { encode, type Encoding } from '../data/encode';
import type { Random } from '../stats/random';
import { dinucleotideShuffle } from '../motifs/shuffle';
import type { BatchPredictor } from './ism';

/** Sequences by id (a Map, or a function for large sets). */
export type SequenceLookup = ReadonlyMap<string, string> | ((id: string) => string | undefined);

/** A named sequence to insert: a consensus, a site, any A/C/G/T/N string (N keeps the background base). */
export interface InsertedMotif {
  name: string;
  sequence: string;
}

/** `motif` written over `sequence` from 1-based `start`; N in the motif keeps the background base (tangermeme's `substitute` ignore rule). */
export function substitute(sequence: string, motif: string, start: number): string {
  if (!Number.isInteger(start) || start < 1 || start + motif.length - 1 > sequence.length) {
    throw new OptionError(`a ${motif.length}-nt motif at ${start} does not fit a ${sequence.length}-nt sequence`, { option: 'start' });
  }
  let out = sequence.slice(0, start - 1);
  for (let i = 0; i < motif.length; i++) out += motif[i] === 'N' ? sequence[start - 1 + i]! : motif[i]!;
  return out + sequence.slice(start - 1 + motif.length);
}

/** tangermeme's default insertion point: the motif's middle on the sequence's middle (0-based L//2 − m//2), 1-based. */
export function centeredStart(length: number, motifLength: number): number {
  return Math.floor(length / 2) - Math.floor(motifLength / 2) + 1;
}

/** The region of `sequence` (1-based, inclusive) replaced by a shuffle of itself: mononucleotide or dinucleotide. */
export function shuffleRegion(sequence: string, start: number, end: number, kind: 'shuffle' | 'dinucleotide', random: Random): string {
  const middle = sequence.slice(start - 1, end);
  let shuffled: string;
  if (kind === 'dinucleotide') shuffled = dinucleotideShuffle(middle, random);
  else {
    const letters = middle.split('');
    for (let i = letters.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [letters[i], letters[j]] = [letters[j]!, letters[i]!];
    }
    shuffled = letters.join('');
  }
  return sequence.slice(0, start - 1) + shuffled + sequence.slice(end);
}

/** Checks and upper-cases a motif to insert; `strand` '-' gives its reverse complement. */
export function motifSequence(motif: InsertedMotif, strand: '+' | '-' = '+'): string {
  const sequence = normalizeSequence(motif.sequence, { option: 'motifs', field: motif.name });
  if (!sequence.length) throw new OptionError(`motif '${motif.name}' is empty`, { option: 'motifs' });
  return strand === '+' ? sequence : reverseComplement(sequence);
}

/** Counts the sequences an experiment has predicted against the total it will predict, for its `onProgress`. */
export class PredictionTally {
  private done = 0;

  constructor(private readonly total: number, private readonly onProgress?: (done: number, total: number) => void) {}

  add(n: number): void {
    this.done += n;
    this.onProgress?.(this.done, this.total);
  }
}

/**
 * Predictions for any number of sequences, `batchSize` encoded at a time (one value per sequence), counted in
 * `tally` after each batch. Throws when the predictor returns the wrong number of values.
 */
export async function predictSequences(predict: BatchPredictor, sequences: readonly string[], encoding: Encoding, batchSize = 1024, tally?: PredictionTally): Promise<Float64Array> {
  const out = new Float64Array(sequences.length);
  for (let first = 0; first < sequences.length; first += batchSize) {
    const chunk = sequences.slice(first, first + batchSize);
    const values = await predict(encode(chunk, encoding));
    if (values.length !== chunk.length) throw new OptionError(`predictor returned ${values.length} values for ${chunk.length} sequences`, { option: 'predict' });
    out.set(values, first);
    tally?.add(chunk.length);
  }
  return out;
}

/** Checks that all sequences share one length and returns it. */
export function commonLength(sequences: readonly string[], option = 'sequences'): number {
  if (!sequences.length) throw new OptionError('no sequences', { option });
  const length = sequences[0]!.length;
  const bad = sequences.findIndex((s) => s.length !== length);
  if (bad >= 0) throw new OptionError(`sequence ${bad + 1} has length ${sequences[bad]!.length}, expected ${length} like the first`, { option });
  return length;
}
