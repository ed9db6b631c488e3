/**
 * Motif spacing and orientation (tangermeme's `space`, space.py lines 34–163, made pairwise): motif A is
 * written at a fixed place, motif B at every spacing on either side and in every orientation, and each
 * background is predicted with nothing, A alone, B alone and both. The interaction at a spacing is
 * both − A − B + background (0 when the effects add); the table holds one row per background × spacing ×
 * orientation, `spaceSummary` the means with standard errors — the interaction matrix.
 *
 * Differences from tangermeme: tangermeme centres the whole arrangement and returns only the predictions
 * with all motifs in (spacings ≥ 0, order given by the motif list); here A stays put (so "A alone" is one
 * arrangement for all spacings, as in EUGENe's de Almeida-style `motif_distance_dependence_gia`), negative
 * spacings put B upstream of A, and the single-motif predictions come with it.
 *
 * `spacingInShuffledBackgrounds` is the Camformer question (Fig. 8, IME1 with UME6) asked causally:
 * native promoters' variable regions are dinucleotide-shuffled into backgrounds (seeded) and the pair is
 * written into them.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { DREAM_VARIABLE_REGION } from '../data/dream2022/read';
import { deriveSeed } from '../stats/random';
import { consensus, type Motif } from '../motifs/motif';
import type { BatchPredictor } from './ism';
import { idsFor, type ExperimentOptions } from './experiments';
import { checkRegion, shuffledReferences, type Region } from './references';
import { centeredStart, commonLength, motifSequence, predictSequences, PredictionTally, substitute, type InsertedMotif } from './sequence-edits';

export const ORIENTATIONS = ['++', '+-', '-+', '--'] as const;
export type Orientation = (typeof ORIENTATIONS)[number];

export interface SpaceOptions extends ExperimentOptions {
  /** Where both motifs must lie, 1-based inclusive (default 18–97, the DREAM variable region). */
  region?: Region;
  /** 1-based start of A (default: A centred in the region). */
  start?: number;
  /** Gaps between A and B in nt; negative puts B upstream (default: every gap that fits the region). */
  spacings?: readonly number[];
  /** Strands of A and B (default all four). */
  orientations?: readonly Orientation[];
}

/**
 * One row per background × spacing × orientation: `id`, `spacing`, `orientation`, `b_start`, `background`,
 * `a`, `b`, `both` (predictions) and `interaction` = both − a − b + background.
 * @example
 * const t = await space(predict, backgrounds, { name: 'IME1', sequence: 'TTTCCGCA' }, { name: 'UME6', sequence: 'TAGCCGCCGA' });
 */
export async function space(predict: BatchPredictor, backgrounds: readonly string[], a: InsertedMotif, b: InsertedMotif, options: SpaceOptions = {}): Promise<ColumnTable> {
  const { encoding = 'onehot', batchSize = 1024, region = DREAM_VARIABLE_REGION, orientations = ORIENTATIONS } = options;
  const length = commonLength(backgrounds, 'backgrounds');
  checkRegion(region, length);
  const ids = idsFor(backgrounds, options.ids);
  for (const o of orientations) if (!ORIENTATIONS.includes(o)) throw new OptionError(`unknown orientation '${o}'; expected ${ORIENTATIONS.join(', ')}`, { option: 'orientations' });
  const la = motifSequence(a).length;
  const lb = motifSequence(b).length;
  const aStart = options.start ?? region.start - 1 + centeredStart(region.end - region.start + 1, la);
  if (aStart < region.start || aStart + la - 1 > region.end) throw new OptionError(`motif '${a.name}' at ${aStart} does not fit region ${region.start}–${region.end}`, { option: 'start' });
  const bStartOf = (spacing: number) => (spacing >= 0 ? aStart + la + spacing : aStart - lb + spacing);
  const fits = (spacing: number) => bStartOf(spacing) >= region.start && bStartOf(spacing) + lb - 1 <= region.end;
  const spacings = options.spacings ?? range(-(aStart - region.start), region.end - (aStart + la - 1)).filter(fits);
  const bad = spacings.find((d) => !Number.isInteger(d) || !fits(d));
  if (bad !== undefined) throw new OptionError(`spacing ${bad} puts '${b.name}' outside region ${region.start}–${region.end}`, { option: 'spacings' });

  // Every distinct edited sequence once: background, A per strand, B per strand and place, both per layout.
  const aOf = (s: '+' | '-') => motifSequence(a, s);
  const bOf = (s: '+' | '-') => motifSequence(b, s);
  const sequences: string[] = [...backgrounds];
  const index = new Map<string, number>();
  const add = (key: string, make: () => string[]) => { index.set(key, sequences.length); sequences.push(...make()); };
  for (const s of ['+', '-'] as const) add(`a${s}`, () => backgrounds.map((x) => substitute(x, aOf(s), aStart)));
  for (const d of spacings) {
    for (const s of ['+', '-'] as const) add(`b${s}${d}`, () => backgrounds.map((x) => substitute(x, bOf(s), bStartOf(d))));
    for (const o of orientations) add(`ab${o}${d}`, () => backgrounds.map((x) => substitute(substitute(x, aOf(o[0] as '+' | '-'), aStart), bOf(o[1] as '+' | '-'), bStartOf(d))));
  }
  const predicted = await predictSequences(predict, sequences, encoding, batchSize, new PredictionTally(sequences.length, options.onProgress));
  const n = backgrounds.length;
  const at = (key: string, i: number) => predicted[index.get(key)! + i]!;
  const columns = { id: [] as string[], spacing: [] as number[], orientation: [] as string[], b_start: [] as number[], background: [] as number[], a: [] as number[], b: [] as number[], both: [] as number[], interaction: [] as number[] };
  for (const d of spacings) {
    for (const o of orientations) {
      for (let i = 0; i < n; i++) {
        const bg = predicted[i]!;
        const va = at(`a${o[0]}`, i);
        const vb = at(`b${o[1]}${d}`, i);
        const vab = at(`ab${o}${d}`, i);
        columns.id.push(ids[i]!);
        columns.spacing.push(d);
        columns.orientation.push(o);
        columns.b_start.push(bStartOf(d));
        columns.background.push(bg);
        columns.a.push(va);
        columns.b.push(vb);
        columns.both.push(vab);
        columns.interaction.push(vab - va - vb + bg);
      }
    }
  }
  return aq.table(columns);
}

/**
 * The interaction matrix: per spacing × orientation the mean predictions (`background`, `a`, `b`, `both`),
 * the mean `interaction`, its standard error `se` and the number of backgrounds `n`.
 * @example
 * const matrix = spaceSummary(await space(predict, backgrounds, a, b));
 */
export function spaceSummary(table: ColumnTable): ColumnTable {
  return table
    .groupby('spacing', 'orientation')
    .rollup({
      background: aq.op.mean('background'), a: aq.op.mean('a'), b: aq.op.mean('b'), both: aq.op.mean('both'),
      interaction: aq.op.mean('interaction'), sd: aq.op.stdev('interaction'), n: aq.op.count(),
    })
    .derive({ se: (d: { sd: number; n: number }) => d.sd / Math.sqrt(d.n) })
    .select('spacing', 'orientation', 'background', 'a', 'b', 'both', 'interaction', 'se', 'n')
    .orderby('orientation', 'spacing');
}

export interface ShuffledSpacingOptions extends SpaceOptions {
  /** Dinucleotide shuffles of each native's region (default 1). */
  shuffles?: number;
  /** Seed of the shuffles (default 1). */
  seed?: number;
}

export interface SpacingResult {
  /** Per background × spacing × orientation (see `space`); ids are `<native id>_shuf<k>`. */
  table: ColumnTable;
  /** The interaction matrix (`spaceSummary`). */
  summary: ColumnTable;
  /** The sequences written in for A and B (+ strand). */
  sites: { a: InsertedMotif; b: InsertedMotif };
}

/**
 * Motif A alone vs A with B at each spacing, written into dinucleotide-shuffled copies of native promoters
 * (their region shuffled, flanks kept). Motifs may be sites or PWMs (their consensus is written).
 * @example
 * // Camformer Fig. 8, causally: IME1 (MA0320.1) with UME6 (MA0412.3) in shuffled yeast promoters.
 * const db = readMotifs('JASPAR2024_CORE_fungi_non-redundant_pfms_meme.txt');
 * const r = await spacingInShuffledBackgrounds(predict, natives, findMotif(db, 'IME1'), findMotif(db, 'UME6'), { encoding: 'onehotWithP' });
 */
export async function spacingInShuffledBackgrounds(
  predict: BatchPredictor, natives: readonly string[], a: Motif | InsertedMotif, b: Motif | InsertedMotif, options: ShuffledSpacingOptions & { nativeIds?: readonly string[] } = {},
): Promise<SpacingResult> {
  const { shuffles = 1, seed = 1, region = DREAM_VARIABLE_REGION, nativeIds } = options;
  if (!Number.isInteger(shuffles) || shuffles < 1) throw new OptionError(`expected a positive integer, got ${shuffles}`, { option: 'shuffles' });
  const length = commonLength(natives, 'natives');
  checkRegion(region, length);
  const names = idsFor(natives, nativeIds);
  const backgrounds: string[] = [];
  const ids: string[] = [];
  // One stream per native (from the seed and its index), so the backgrounds do not depend on batching.
  natives.forEach((native, i) => {
    shuffledReferences(native, region, shuffles, deriveSeed(seed, 'spacing'), i).forEach((s, k) => {
      backgrounds.push(s);
      ids.push(`${names[i]}_shuf${k + 1}`);
    });
  });
  const sites = { a: asInserted(a), b: asInserted(b) };
  const table = await space(predict, backgrounds, sites.a, sites.b, { ...options, region, ids });
  return { table, summary: spaceSummary(table), sites };
}

/** A motif to write: a site as given, or a PWM's consensus named by its TF (altId) or id. */
export function asInserted(motif: Motif | InsertedMotif): InsertedMotif {
  return 'probabilities' in motif ? { name: motif.altId || motif.id, sequence: consensus(motif) } : motif;
}

/**
 * The first motif of a database whose id or TF name (altId) is `name` (case-insensitive).
 * @example
 * const ume6 = findMotif(readMotifs(jasparFile), 'UME6');
 */
export function findMotif(database: readonly Motif[], name: string): Motif {
  const wanted = name.toUpperCase();
  const found = database.find((m) => m.id.toUpperCase() === wanted || m.altId.toUpperCase() === wanted);
  if (!found) throw new OptionError(`no motif '${name}' in the database (${database.length} motifs)`, { option: 'motifs' });
  return found;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}
