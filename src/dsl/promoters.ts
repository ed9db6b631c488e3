/**
 * The fluent pipeline a user starts from: `promoters(source)`. A stage is immutable and lazy — every method
 * returns a new stage and nothing is read until the stage is awaited (it is thenable) or asked for a
 * result. A stage caches what it computed, so reusing it does no work twice. Each method calls one plain
 * function of a lower layer; the chain only strings them together and keeps the log of what each step did.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { readPromoters, type ReadOptions } from '../data/read';
import { preprocess, reindex, type PreprocessOptions } from '../data/preprocess';
import { readDream2022, readDream2022Pairs, type Dream2022Options, type Dream2022Set } from '../data/dream2022/read';
import { simulatePromoters, type SimulateOptions } from '../simulate/promoters';
import { encode, type Encoded, type Encoding } from '../data/encode';
import { ModelStage, type ModelSource, type ModelStageOptions } from './model-stage';
import { scanTable } from '../interpret/motif-pairs';
import type { Motif } from '../motifs/motif';
import type { FimoOptions } from '../motifs/fimo';
import type { Result } from './result';

/** What a promoter stage holds once run: the table, and one log row per step. */
export interface PromoterData {
  table: ColumnTable;
  /** `step`, `rows` (after the step), `removed`, `detail`. */
  log: LogRow[];
  /** Extra tables that came with the source (DREAM pairs, simulator ground truth). */
  extras: Record<string, ColumnTable>;
}

export interface LogRow {
  step: string;
  rows: number;
  removed: number;
  detail: string;
}

export type PromoterSource = string | ColumnTable | (() => PromoterData | Promise<PromoterData>);

export class Promoters implements PromiseLike<ColumnTable> {
  private cache?: Promise<PromoterData>;

  constructor(private readonly load: () => PromoterData | Promise<PromoterData>) {}

  /** Runs the pipeline up to here (once) and returns table, log and extras. */
  run(): Promise<PromoterData> {
    return (this.cache ??= Promise.resolve().then(this.load));
  }

  /** Awaiting a stage gives its Arquero table. */
  then<A = ColumnTable, B = never>(
    onfulfilled?: ((table: ColumnTable) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.run().then((data) => data.table).then(onfulfilled, onrejected);
  }

  /** A new stage from a function of this one's data, appending to the log. */
  private next(step: (data: PromoterData) => PromoterData): Promoters {
    return new Promoters(() => this.run().then(step));
  }

  /** Keeps rows for which `predicate(row)` is true; the log says how many were removed. */
  filter(predicate: (row: Record<string, any>) => boolean, label = 'filter'): Promoters {
    return this.next((data) => {
      const rows: number[] = [];
      const objects = data.table.objects();
      objects.forEach((row, i) => predicate(row) && rows.push(i));
      const table = reindex(data.table, rows);
      return withStep(data, table, label, `kept ${rows.length} of ${objects.length}`);
    });
  }

  /** Camformer preprocessing (110 ± 3, ≤ 3 N, pad/truncate); the removed counts by reason go to the log. */
  preprocess(options: PreprocessOptions = {}): Promoters {
    return this.next((data) => {
      const { table, report } = preprocess(data.table, options);
      const counts = Object.fromEntries((report.objects() as { reason: string; count: number; detail: string }[]).map((r) => [r.reason, r]));
      const detail = `dropped ${counts['length']!.count} by length (${counts['length']!.detail}), ` +
        `${counts['N']!.count} by N (${counts['N']!.detail}); ${counts['kept']!.detail}`;
      return { ...withStep(data, table, 'preprocess', detail), extras: { ...data.extras, preprocessing: report } };
    });
  }

  /** The first `n` rows. */
  head(n: number): Promoters {
    if (!Number.isInteger(n) || n < 0) throw new OptionError(`expected a non-negative integer, got ${n}`, { option: 'n' });
    return this.next((data) => withStep(data, data.table.slice(0, n), 'head', `first ${n} rows`));
  }

  /** The log of every step: rows after it, rows removed, and why. */
  async summary(): Promise<ColumnTable> {
    const { log } = await this.run();
    return aq.from(log);
  }

  /** One of the extra tables of the source (`pairs`, `sites`, `preprocessing`). */
  async extra(name: string): Promise<ColumnTable> {
    const { extras } = await this.run();
    const table = extras[name];
    if (!table) throw new OptionError(`no extra table '${name}'; this pipeline has: ${Object.keys(extras).join(', ') || 'none'}`, { option: 'name' });
    return table;
  }

  /** Joins a model: a preset name or config to `fit`, a trained model or ensemble, or a saved model's directory. */
  model(source: ModelSource, options: ModelStageOptions = {}): ModelStage {
    return new ModelStage(this, source, options);
  }

  /** FIMO-equivalent scan of every sequence (DREAM test rows are named `sequence_<idx>`); see `scanFimo`. */
  async motifs(motifs: readonly Motif[], options: FimoOptions = {}): Promise<Result> {
    return scanTable((await this.run()).table, motifs, options);
  }

  /** Sequences encoded as a flat [n, length, channels] array (see `encode`). */
  async encode(encoding: Encoding = 'onehot'): Promise<Encoded> {
    const { table } = await this.run();
    const expression = table.columnNames().includes('expression') ? (table.array('expression') as ArrayLike<number>) : undefined;
    return encode(table.array('sequence') as string[], encoding, { expression });
  }
}

function withStep(data: PromoterData, table: ColumnTable, step: string, detail: string): PromoterData {
  const removed = data.table.numRows() - table.numRows();
  return { ...data, table, log: [...data.log, { step, rows: table.numRows(), removed, detail }] };
}

function fromTable(table: ColumnTable, step: string, detail: string, extras: Record<string, ColumnTable> = {}): PromoterData {
  return { table, log: [{ step, rows: table.numRows(), removed: 0, detail }], extras };
}

export interface PromotersOptions extends ReadOptions {
  /** Apply Camformer preprocessing right after reading (default false; DREAM sets default to true). */
  preprocess?: boolean | PreprocessOptions;
}

/**
 * A promoter pipeline over a file (DREAM txt, TSV/CSV, FASTA, gzip or not), an Arquero table with a
 * `sequence` column, or a loader function.
 */
export function promoters(source: PromoterSource, options: PromotersOptions = {}): Promoters {
  const { preprocess: pre = false, ...read } = options;
  const stage = new Promoters(() => {
    if (typeof source === 'function') return source();
    if (typeof source === 'string') return fromTable(readPromoters(source, read), 'read', source);
    if (!source.columnNames().includes('sequence')) {
      throw new OptionError(`table has no 'sequence' column (columns: ${source.columnNames().join(', ')})`, { option: 'source' });
    }
    return fromTable(source, 'table', 'in-memory table');
  });
  return pre ? stage.preprocess(pre === true ? {} : pre) : stage;
}

/** A DREAM2022 set (`test`, `demo_train`, `demo_val`), Camformer-preprocessed; the test set carries its pairs. */
promoters.dream2022 = function dream2022(set: Dream2022Set, options: Dream2022Options & { preprocess?: boolean | PreprocessOptions } = {}) {
  const { preprocess: pre = true, ...read } = options;
  const stage = new Promoters(() => {
    const table = readDream2022(set, read);
    const extras: Record<string, ColumnTable> = set === 'test' ? { pairs: readDream2022Pairs(read) } : {};
    return fromTable(table, 'read', `DREAM2022 ${set}`, extras);
  });
  return pre ? stage.preprocess(pre === true ? {} : pre) : stage;
};

/** Simulated DREAM-style promoters with planted motifs; the ground truth is the extra table `sites`. */
promoters.simulate = function simulate(options: SimulateOptions = {}) {
  return new Promoters(() => {
    const { table, sites } = simulatePromoters(options);
    return fromTable(table, 'simulate', `${table.numRows()} simulated promoters (seed ${options.seed ?? 1})`, { sites });
  });
};
