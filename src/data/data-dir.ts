/**
 * Where the reference data lives. The order: an explicit `dataDir` option, the `CISLAB_DATA` environment
 * variable, then `shared/data` beside the cislab checkout (`../shared/data` from the project root, which is
 * where it sits on our machines), then `../shared/data` from the working directory, then the user's data folder
 * (`$XDG_DATA_HOME/cislab/data`, by default `~/.local/share/cislab/data`), where `cislab data fetch` puts the
 * data when no other folder is there.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { OptionError } from '../errors';

/** Root of the cislab package (the folder holding package.json), from src/ or dist/ alike. */
import { PACKAGE_ROOT } from '../io/package-root';

/** The user's own data folder: `$XDG_DATA_HOME/cislab/data`, by default `~/.local/share/cislab/data`. */
export function userDataDir(): string {
  const base = process.env['XDG_DATA_HOME'] || join(homedir(), '.local', 'share');
  return resolve(base, 'cislab', 'data');
}

/** The folders looked in for the data, in order (see the module comment). */
export function dataDirCandidates(dataDir?: string): string[] {
  if (dataDir !== undefined) return [resolve(dataDir)];
  const fromEnv = process.env['CISLAB_DATA'];
  if (fromEnv) return [resolve(fromEnv)];
  return [resolve(PACKAGE_ROOT, '..', 'shared', 'data'), resolve(process.cwd(), '..', 'shared', 'data'), userDataDir()];
}

/**
 * The folder `cislab data fetch` writes into when not told: `$CISLAB_DATA` when set, else the first of the
 * folders cislab reads that exists, else the user's data folder ({@link userDataDir}) — so what it fetches is
 * what the readers find afterwards.
 * @returns An absolute path (which need not exist yet).
 * @example
 * const dir = defaultDataDir(); // e.g. /home/me/.local/share/cislab/data
 */
export function defaultDataDir(): string {
  const candidates = dataDirCandidates();
  if (process.env['CISLAB_DATA']) return candidates[0]!;
  return candidates.find((dir) => existsSync(dir)) ?? userDataDir();
}

/**
 * The data directory holding `subdir` (e.g. `dream2022`); the error lists every place looked in.
 * Looked in order: `dataDir`, `$CISLAB_DATA`, `../shared/data` beside the package, `../shared/data` from the
 * working directory, the user's data folder; an OptionError lists every place when none holds `subdir` (and names
 * `cislab data fetch`, which downloads the DREAM2022 and Vaishnav et al. data).
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
      `cannot find '${subdir}' in ${candidates.join(' or ')}; pass { dataDir } or set CISLAB_DATA to the folder holding '${subdir}/'${subdir === 'dream2022' || subdir === 'vaishnav2022' ? ", or download it with 'cislab data fetch'" : ''}`,
      { option: 'dataDir' },
    );
  }
  return join(found, subdir);
}

/** True when the reference data for `subdir` can be found (tests and the main job use this to choose). */
export function hasData(subdir: string, dataDir?: string): boolean {
  return dataDirCandidates(dataDir).some((dir) => existsSync(join(dir, subdir)));
}

/**
 * A file path as cislab shows it in logs and tables: relative to the data folder, marked so, when the file lies
 * in one of the folders cislab reads data from (so a notebook's stored outputs name no machine's folders), else
 * as given.
 * @param file - A file path.
 * @returns E.g. 'dream2022/demo_train.txt (data folder)'.
 * @example
 * displayPath(resolveDataDir('dream2022') + '/demo_train.txt'); // 'dream2022/demo_train.txt (data folder)'
 */
export function displayPath(file: string): string {
  const absolute = resolve(file);
  for (const root of dataDirCandidates()) {
    if (absolute.startsWith(root + sep)) return `${relative(root, absolute)} (data folder)`;
  }
  return file;
}
