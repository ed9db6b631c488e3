/**
 * In-silico experiments with tangermeme's names, over any predictor (encoded batch → one value each):
 * - `marginalize` (tangermeme/marginalize.py lines 20–130): predict background sequences before and after a
 *   motif is written into them; the difference is the motif's marginal effect. Default position: the motif's
 *   middle on the sequence's middle, as tangermeme's `substitute` (ersatz.py line 184).
 * - `ablate` (tangermeme/ablate.py lines 19–168): predict sequences before and after a region is shuffled
 *   (n = 20 shuffles, mononucleotide by default as tangermeme's `shuffle_fn`), or replaced by a given string.
 * Both return tidy tables, one row per background (× motif) or per sequence × shuffle, and `summarizeEffects`
 * gives the mean effect with its standard error. Seeds are fixed (default 1; tangermeme's default is
 * unseeded).
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import type { Encoding } from '../data/encode';
import { createRandom, deriveSeed } from '../stats/random';
import type { BatchPredictor } from './ism';
import { centeredStart, commonLength, motifSequence, predictSequences, PredictionTally, shuffleRegion, substitute, type InsertedMotif } from './sequence-edits';

export interface ExperimentOptions {
  /** Encoding the predictor expects (default `onehot`). */
  encoding?: Encoding;
  /** Ids of the sequences (default `seq_1`, …). */
  ids?: readonly string[];
  /** Sequences per predictor call (default 1024). */
  batchSize?: number;
  /** Called after each predictor call with the sequences predicted so far and the experiment's total. */
  onProgress?: (done: number, total: number) => void;
}

export interface MarginalizeOptions extends ExperimentOptions {
  /** 1-based start of the motif (default: centred, tangermeme's rule). */
  start?: number;
  /** Write the motif's reverse complement (default `+`). */
  strand?: '+' | '-';
}

/**
 * Marginal effect of each motif: one row per motif × background — `motif`, `id`, `start`, `strand`,
 * `before`, `after`, `effect` (= after − before).
 * @example
 * const t = await marginalize(predict, backgrounds, [{ name: 'REB1', sequence: 'TTACCCGG' }], { encoding: 'onehot' });
 */
export async function marginalize(predict: BatchPredictor, backgrounds: readonly string[], motifs: readonly InsertedMotif[], options: MarginalizeOptions = {}): Promise<ColumnTable> {
  const { encoding = 'onehot', batchSize = 1024, strand = '+' } = options;
  const length = commonLength(backgrounds, 'backgrounds');
  const ids = idsFor(backgrounds, options.ids);
  if (!motifs.length) throw new OptionError('no motifs to insert', { option: 'motifs' });
  const tally = new PredictionTally(backgrounds.length * (1 + motifs.length), options.onProgress);
  const before = await predictSequences(predict, backgrounds, encoding, batchSize, tally);
  const columns = { motif: [] as string[], id: [] as string[], start: [] as number[], strand: [] as string[], before: [] as number[], after: [] as number[], effect: [] as number[] };
  for (const motif of motifs) {
    const site = motifSequence(motif, strand);
    const start = options.start ?? centeredStart(length, site.length);
    const after = await predictSequences(predict, backgrounds.map((b) => substitute(b, site, start)), encoding, batchSize, tally);
    for (let i = 0; i < backgrounds.length; i++) {
      columns.motif.push(motif.name);
      columns.id.push(ids[i]!);
      columns.start.push(start);
      columns.strand.push(strand);
      columns.before.push(before[i]!);
      columns.after.push(after[i]!);
      columns.effect.push(after[i]! - before[i]!);
    }
  }
  return aq.table(columns);
}

export interface AblateOptions extends ExperimentOptions {
  /** 1-based inclusive region to ablate. */
  start: number;
  end: number;
  /** Shuffles per sequence (default 20, tangermeme's `n`). */
  shuffles?: number;
  /** `shuffle` (mononucleotide, tangermeme's default), `dinucleotide`, or `replace` with `replacement`. */
  method?: 'shuffle' | 'dinucleotide' | 'replace';
  /** The string written over the region when `method` is `replace` (same length; N keeps the base). */
  replacement?: string;
  seed?: number;
}

/**
 * Effect of destroying a region: one row per sequence × shuffle — `id`, `shuffle` (1-based; 1 for a
 * replacement), `before`, `after`, `effect` (= after − before).
 * @example
 * const t = await ablate(predict, sequences, { start: 40, end: 49, method: 'dinucleotide' });
 */
export async function ablate(predict: BatchPredictor, sequences: readonly string[], options: AblateOptions): Promise<ColumnTable> {
  const { encoding = 'onehot', batchSize = 1024, start, end, method = 'shuffle', seed = 1 } = options;
  const length = commonLength(sequences);
  const ids = idsFor(sequences, options.ids);
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 1 || end < start || end > length) {
    throw new OptionError(`region ${start}–${end} must be 1-based, inclusive and within the sequences (length ${length})`, { option: 'start' });
  }
  if (!['shuffle', 'dinucleotide', 'replace'].includes(method)) throw new OptionError(`unknown method '${method}'; expected shuffle, dinucleotide or replace`, { option: 'method' });
  const shuffles = method === 'replace' ? 1 : options.shuffles ?? 20;
  if (!Number.isInteger(shuffles) || shuffles < 1) throw new OptionError(`expected a positive integer, got ${shuffles}`, { option: 'shuffles' });
  if (method === 'replace' && (options.replacement === undefined || options.replacement.length !== end - start + 1)) {
    throw new OptionError(`method 'replace' needs a replacement of ${end - start + 1} nt`, { option: 'replacement' });
  }
  const tally = new PredictionTally(sequences.length * (1 + shuffles), options.onProgress);
  const before = await predictSequences(predict, sequences, encoding, batchSize, tally);
  const edited: string[] = [];
  sequences.forEach((sequence, i) => {
    const random = createRandom(deriveSeed(seed, 'ablate', i));
    for (let k = 0; k < shuffles; k++) {
      edited.push(method === 'replace' ? substitute(sequence, motifSequence({ name: 'replacement', sequence: options.replacement! }), start) : shuffleRegion(sequence, start, end, method, random));
    }
  });
  const after = await predictSequences(predict, edited, encoding, batchSize, tally);
  const n = edited.length;
  const id: string[] = new Array(n);
  const shuffle = new Int32Array(n);
  const beforeColumn = new Float64Array(n);
  const effect = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const i = Math.floor(r / shuffles);
    id[r] = ids[i]!;
    shuffle[r] = (r % shuffles) + 1;
    beforeColumn[r] = before[i]!;
    effect[r] = after[r]! - before[i]!;
  }
  return aq.table({ id, shuffle, before: beforeColumn, after, effect });
}

/**
 * Mean effect per group with its standard deviation, standard error and count: `groupBy` columns, `mean`,
 * `sd`, `se`, `n` (e.g. per motif after `marginalize`, per sequence after `ablate`).
 * @example
 * summarizeEffects(await marginalize(predict, backgrounds, motifs), ['motif']);
 */
export function summarizeEffects(table: ColumnTable, groupBy: readonly string[], value = 'effect'): ColumnTable {
  return table
    .groupby(...groupBy)
    .rollup({ mean: aq.op.mean(value), sd: aq.op.stdev(value), n: aq.op.count() })
    .derive({ se: (d: { sd: number; n: number }) => d.sd / Math.sqrt(d.n) })
    .orderby(...groupBy);
}

export function idsFor(sequences: readonly string[], ids?: readonly string[]): readonly string[] {
  const out = ids ?? sequences.map((_, i) => `seq_${i + 1}`);
  if (out.length !== sequences.length) throw new OptionError(`${out.length} ids for ${sequences.length} sequences`, { option: 'ids' });
  return out;
}
