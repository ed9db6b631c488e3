/**
 * Named motif collections read from the reference data folder: `jaspar('fungi')` is the JASPAR 2024 CORE
 * fungi non-redundant set (178 motifs), `jaspar('fungi-union')` adds the older versions (364 motifs, e.g.
 * MA0412.2). The folder is `options.dataDir`, else `$CISLAB_DATA`, else `../shared/data` from the working
 * directory or from the package root.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OptionError } from '../errors';
import { readMotifs } from './formats';
import type { Motif } from './motif';

export const JASPAR_COLLECTIONS = {
  fungi: 'JASPAR2024_CORE_fungi_non-redundant_pfms_meme.txt',
  'fungi-union': 'JASPAR_fungi_union_2020-2024_meme.txt',
} as const;
export type JasparCollection = keyof typeof JASPAR_COLLECTIONS;

export interface MotifDataOptions {
  /** Folder holding `jaspar/`, `dream2022/`, …; defaults as described above. */
  dataDir?: string;
}

/** The first existing data folder that holds `subdir`; the error lists every place looked in. */
export function motifDataDir(subdir: string, options: MotifDataOptions = {}): string {
  const candidates = options.dataDir !== undefined
    ? [resolve(options.dataDir)]
    : process.env['CISLAB_DATA']
      ? [resolve(process.env['CISLAB_DATA'])]
      : [resolve(process.cwd(), '..', 'shared', 'data'), resolve(__dirname, '..', '..', '..', 'shared', 'data')];
  const found = candidates.find((dir) => existsSync(join(dir, subdir)));
  if (!found) {
    throw new OptionError(`cannot find '${subdir}/' in ${candidates.join(' or ')}; pass { dataDir } or set CISLAB_DATA`, { option: 'dataDir' });
  }
  return join(found, subdir);
}

/** Loads a JASPAR collection; `ids` keeps only those motifs (in the order given), failing on unknown ids. */
export function jaspar(collection: JasparCollection = 'fungi', options: MotifDataOptions & { ids?: readonly string[] } = {}): Motif[] {
  const fileName = JASPAR_COLLECTIONS[collection];
  if (!fileName) {
    throw new OptionError(`unknown JASPAR collection '${collection}'; expected one of ${Object.keys(JASPAR_COLLECTIONS).join(', ')}`, { option: 'collection' });
  }
  const motifs = readMotifs(join(motifDataDir('jaspar', options), fileName), 'meme');
  return options.ids ? selectMotifs(motifs, options.ids) : motifs;
}

/** Picks motifs by id or alt id (e.g. 'MA0320.1' or 'IME1'), in the order asked. */
export function selectMotifs(motifs: readonly Motif[], ids: readonly string[]): Motif[] {
  return ids.map((id) => {
    const found = motifs.find((m) => m.id === id) ?? motifs.find((m) => m.altId === id);
    if (!found) throw new OptionError(`no motif '${id}' in the collection (${motifs.length} motifs)`, { option: 'ids' });
    return found;
  });
}
