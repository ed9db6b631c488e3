/**
 * The Random Promoter DREAM Challenge 2022 data (Rafi et al. 2024): the training-format demo files, the
 * 71,103-sequence test set with its scoring subsets, and the alt/ref pairs of the three pair subsets.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { join } from 'node:path';
import { InputError, OptionError } from '../../errors';
import { resolveDataDir } from '../data-dir';
import { readPromoters } from '../read';
import { readTextFile, splitLines } from '../../io/text-file';
import { DREAM_SUBSETS } from './score';

/** The DREAM2022 files {@link readDream2022} reads: the 71,103-sequence test set and the demo train/validation sets. */
export const DREAM2022_SETS = ['test', 'demo_train', 'demo_val'] as const;
/** One of {@link DREAM2022_SETS}. */
export type Dream2022Set = (typeof DREAM2022_SETS)[number];


/** The constant 17-nt 5′ flank of every DREAM2022 promoter. */
export const DREAM_FLANK_5 = 'TGCATTTTTTTCACATC';
/** The constant 13-nt 3′ flank of every DREAM2022 promoter. */
export const DREAM_FLANK_3 = 'GGTTACGGCTGTT';
/** 1-based inclusive variable region of the 110-nt DREAM promoter (after the 17-nt 5′ flank). */
export const DREAM_VARIABLE_REGION = { start: 18, end: 97 } as const;

export interface Dream2022Options {
  dataDir?: string;
}

/**
 * A DREAM2022 set as a promoter table. The test set has `idx`, `expression` (MAUDE scale), `split`, `categories`, `tags`.
 * @param set - 'test', 'demo_train' or 'demo_val'.
 * @param options - `dataDir` (default: see {@link resolveDataDir}).
 * @returns A promoter table; the test set has `id` (`sequence_<idx>`), `idx`, `sequence`, `expression`, `split`,
 *   `categories`, `tags`.
 * @example
 * const test = readDream2022('test');
 */
export function readDream2022(set: Dream2022Set, options: Dream2022Options = {}): ColumnTable {
  if (!DREAM2022_SETS.includes(set)) {
    throw new OptionError(`unknown DREAM2022 set '${set}'; expected one of ${DREAM2022_SETS.join(', ')}`, { option: 'set' });
  }
  const dir = resolveDataDir('dream2022', options.dataDir);
  if (set !== 'test') return readPromoters(join(dir, `${set}.txt`), { format: 'dream' });
  const table = readPromoters(join(dir, 'test.tsv.gz'), { format: 'tsv', expressionColumn: 'measured_expr', idColumn: 'idx' });
  const ids = table.array('id') as string[];
  return table.assign({ idx: Int32Array.from(ids, Number), id: ids.map((idx) => `sequence_${idx}`) })
    .select('id', 'idx', 'sequence', 'expression', 'split', 'categories', 'tags');
}

/**
 * The alt/ref pairs of the SNV, motif perturbation and motif tiling subsets (`test_pairs.tsv.gz`).
 * @param options - `dataDir` (default: see {@link resolveDataDir}).
 * @returns One row per scored pair of test sequences, as in the file.
 * @example
 * const pairs = readDream2022Pairs();
 */
export function readDream2022Pairs(options: Dream2022Options = {}): ColumnTable {
  const file = join(resolveDataDir('dream2022', options.dataDir), 'test_pairs.tsv.gz');
  const lines = splitLines(readTextFile(file));
  const header = lines[0]?.split('\t') ?? [];
  const at = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new InputError(`missing column '${name}'`, { file, line: 1 });
    return i;
  };
  const [typeAt, altAt, refAt, splitAt, sourceAt] = ['pair_type', 'alt_idx', 'ref_idx', 'split', 'source'].map(at) as number[];
  const n = lines.length - 1;
  const pairType: string[] = new Array(n);
  const split: string[] = new Array(n);
  const source: string[] = new Array(n);
  const altIdx = new Int32Array(n);
  const refIdx = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const fields = lines[i + 1]!.split('\t');
    if (fields.length !== header.length) {
      throw new InputError(`expected ${header.length} fields, found ${fields.length}`, { file, line: i + 2 });
    }
    pairType[i] = fields[typeAt!]!;
    altIdx[i] = parseIndex(fields[altAt!]!, file, i + 2, 'alt_idx');
    refIdx[i] = parseIndex(fields[refAt!]!, file, i + 2, 'ref_idx');
    split[i] = fields[splitAt!]!;
    source[i] = fields[sourceAt!]!;
  }
  return aq.table({ pair_type: pairType, alt_idx: altIdx, ref_idx: refIdx, split, source });
}

/** Subset → test indices (`all` included), parsed from the comma lists of the `categories` column. */
export function dreamSubsetMembers(test: ColumnTable): Map<string, number[]> {
  const members = new Map<string, number[]>(DREAM_SUBSETS.map((s) => [s, []]));
  const idx = test.array('idx') as ArrayLike<number>;
  const categories = test.array('categories') as string[];
  for (let row = 0; row < idx.length; row++) {
    // Sequences in no scored subset (split `none`) have no categories and are not part of `all` either.
    if (!categories[row]!.trim()) continue;
    members.get('all')!.push(idx[row]!);
    for (const category of categories[row]!.split(',')) {
      const name = category.trim();
      if (name && name !== 'all') (members.get(name) ?? members.set(name, []).get(name)!).push(idx[row]!);
    }
  }
  return members;
}

function parseIndex(text: string, file: string, line: number, field: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new InputError(`expected a non-negative integer, found '${text}'`, { file, line, field });
  return value;
}
