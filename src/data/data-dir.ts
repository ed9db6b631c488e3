/**
 * Where the reference data lives. The order: an explicit `dataDir` option, the `CISLAB_DATA` environment
 * variable, then `shared/data` beside the cislab checkout (`../shared/data` from the project root, which is
 * where it sits on our machines), then `../shared/data` from the working directory.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { OptionError } from '../errors';

/** Root of the cislab package (the folder holding package.json), from src/ or dist/ alike. */
import { PACKAGE_ROOT } from '../io/package-root';

export function dataDirCandidates(dataDir?: string): string[] {
  if (dataDir !== undefined) return [resolve(dataDir)];
  const fromEnv = process.env['CISLAB_DATA'];
  if (fromEnv) return [resolve(fromEnv)];
  return [resolve(PACKAGE_ROOT, '..', 'shared', 'data'), resolve(process.cwd(), '..', 'shared', 'data')];
}

/**
 * The data directory holding `subdir` (e.g. `dream2022`); the error lists every place looked in.
 * Looked in order: `dataDir`, `$CISLAB_DATA`, `../shared/data` beside the package, `../shared/data` from the
 * working directory; an OptionError lists every place when none holds `subdir`.
 * @param subdir - A folder of the data directory, e.g. 'dream2022' or 'jaspar'.
 * @param dataDir - An explicit data directory (default: searched as above).
 * @returns The absolute path of `subdir`.
 * @example
 * const dir = resolveDataDir('dream2022'); // e.g. /work/shared/data/dream2022
 */
export function resolveDataDir(subdir: string, dataDir?: string): string {
  const candidates = dataDirCandidates(dataDir);
  const found = candidates.find((dir) => existsSync(join(dir, subdir)));
  if (!found) {
    throw new OptionError(
      `cannot find '${subdir}' in ${candidates.join(' or ')}; pass { dataDir } or set CISLAB_DATA to the folder holding '${subdir}/'`,
      { option: 'dataDir' },
    );
  }
  return join(found, subdir);
}

/** True when the reference data for `subdir` can be found (tests and the main job use this to choose). */
export function hasData(subdir: string, dataDir?: string): boolean {
  return dataDirCandidates(dataDir).some((dir) => existsSync(join(dir, subdir)));
}
