/**
 * Named motif collections: `jaspar('fungi')` is the JASPAR 2024 CORE fungi non-redundant set (178 motifs), which
 * cislab ships in `data/jaspar/` (CC BY 4.0; attribution in its README) so that it works in any installation;
 * `jaspar('fungi-union')` adds the older versions (364 motifs, e.g. MA0412.2) and is read from the reference
 * data folder, found as every reader finds it (`resolveDataDir`: the `dataDir` option, `$CISLAB_DATA`,
 * `../shared/data` beside the package or the working directory). An explicit `dataDir` is always read.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OptionError } from '../errors';
import { resolveDataDir } from '../data/data-dir';
import { PACKAGE_ROOT } from '../io/package-root';
import { readMotifs } from './formats';
import type { Motif } from './motif';

/** The JASPAR collections {@link jaspar} can load, and the MEME file each is read from. */
export const JASPAR_COLLECTIONS = {
  fungi: 'JASPAR2024_CORE_fungi_non-redundant_pfms_meme.txt',
  'fungi-union': 'JASPAR_fungi_union_2020-2024_meme.txt',
} as const;
/** Name of a JASPAR collection: 'fungi' (JASPAR 2024 CORE fungi non-redundant, 178 motifs) or 'fungi-union' (364). */
export type JasparCollection = keyof typeof JASPAR_COLLECTIONS;

export interface MotifDataOptions {
  /** Folder holding `jaspar/`, `dream2022/`, …; defaults as described above. */
  dataDir?: string;
}

/**
 * Loads a JASPAR collection; `ids` keeps only those motifs (in the order given), failing on unknown ids.
 * @param collection - Which collection (default 'fungi').
 * @param options - `ids`: keep only these motifs, by id or alt id, in the order given (an OptionError for an
 *   unknown id); `dataDir`: the data folder (default: `$CISLAB_DATA`, then `../shared/data` beside the package or
 *   the working directory).
 * @returns The motifs, in file order unless `ids` is given.
 * @example
 * const [ime1, ume6] = jaspar('fungi', { ids: ['IME1', 'UME6'] });
 */
export function jaspar(collection: JasparCollection = 'fungi', options: MotifDataOptions & { ids?: readonly string[] } = {}): Motif[] {
  const fileName = JASPAR_COLLECTIONS[collection];
  if (!fileName) {
    throw new OptionError(`unknown JASPAR collection '${collection}'; expected one of ${Object.keys(JASPAR_COLLECTIONS).join(', ')}`, { option: 'collection' });
  }
  const motifs = readMotifs(jasparFile(collection, options.dataDir), 'meme');
  return options.ids ? selectMotifs(motifs, options.ids) : motifs;
}

/** The file a collection is read from: the `dataDir` option's copy, else the shipped one, else the data folder's. */
export function jasparFile(collection: JasparCollection, dataDir?: string): string {
  const fileName = JASPAR_COLLECTIONS[collection];
  const shipped = join(PACKAGE_ROOT, 'data', 'jaspar', fileName);
  if (dataDir === undefined && existsSync(shipped)) return shipped;
  return join(resolveDataDir('jaspar', dataDir), fileName);
}

/**
 * Picks motifs by id or alt id (e.g. 'MA0320.1' or 'IME1'), in the order asked.
 * @param motifs - A motif collection.
 * @param ids - Ids (e.g. 'MA0320.1') or alt ids (e.g. 'IME1'); an unknown one is an OptionError.
 * @returns The motifs asked for, in the order of `ids`.
 * @example
 * selectMotifs(readMotifs('motifs.meme'), ['MA0320.1', 'UME6']);
 */
export function selectMotifs(motifs: readonly Motif[], ids: readonly string[]): Motif[] {
  return ids.map((id) => {
    const found = motifs.find((m) => m.id === id) ?? motifs.find((m) => m.altId === id);
    if (!found) throw new OptionError(`no motif '${id}' in the collection (${motifs.length} motifs)`, { option: 'ids' });
    return found;
  });
}
