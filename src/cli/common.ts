/**
 * Pieces the model commands share: reading a data argument into a promoter pipeline, parsing a region,
 * and writing a table as TSV atomically.
 */
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { writeFileAtomic } from '../io/atomic';
import { hasData } from '../data/data-dir';
import { promoters, type Promoters } from '../dsl/promoters';

/**
 * `--data` values: a file path, `dream2022:test|demo_train|demo_val` (read from the data directory), or
 * `simulate[:N]` (the built-in simulator, seed 1). DREAM sets are Camformer-preprocessed.
 */
export function dataArgument(value: string, dataDir?: string): Promoters {
  const [kind, arg] = value.split(':', 2);
  if (kind === 'dream2022') {
    const set = arg ?? 'test';
    if (!['test', 'demo_train', 'demo_val'].includes(set)) {
      throw new OptionError(`unknown DREAM2022 set '${set}'; expected test, demo_train or demo_val`, { option: 'data' });
    }
    return promoters.dream2022(set as 'test', { dataDir });
  }
  if (kind === 'simulate') {
    const n = arg === undefined ? 2000 : Number(arg);
    if (!Number.isInteger(n) || n < 1) throw new OptionError(`expected simulate:N with a positive integer N, got '${value}'`, { option: 'data' });
    return promoters.simulate({ n, seed: 1 });
  }
  return promoters(value);
}

/** True for the `dream2022:…` and `simulate[:N]` data sets, false for a file path. */
export function isNamedDataSet(value: string): boolean {
  const kind = value.split(':', 1)[0];
  return kind === 'dream2022' || kind === 'simulate';
}

/** True when the DREAM2022 data can be found (the main job falls back to the simulator otherwise). */
export function dreamDataAvailable(dataDir?: string): boolean {
  return hasData('dream2022', dataDir);
}

/** `START-END`, 1-based inclusive. */
export function parseRegion(value: string | undefined, option = 'region'): { start: number; end: number } | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)-(\d+)$/.exec(value.trim());
  if (!match || Number(match[1]) < 1 || Number(match[2]) < Number(match[1])) {
    throw new OptionError(`expected START-END (1-based, inclusive, START ≤ END), got '${value}'`, { option });
  }
  return { start: Number(match[1]), end: Number(match[2]) };
}

/** Tab-separated text of a table, numbers at full precision, written atomically. */
export function writeTsv(table: ColumnTable, path: string): void {
  const names = table.columnNames();
  const columns = names.map((name) => table.array(name) as ArrayLike<unknown>);
  const lines = [names.join('\t')];
  for (let row = 0; row < table.numRows(); row++) lines.push(columns.map((c) => String(c[row])).join('\t'));
  writeFileAtomic(path, lines.join('\n') + '\n');
}
