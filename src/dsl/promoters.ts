/**
 * The fluent pipeline a user starts from: `promoters(source)`. A stage is immutable and lazy — every method
 * returns a new stage and nothing is read until the stage is awaited (it is thenable: awaiting gives the Arquero
 * table) or asked for a result. A stage caches what it computed, so reusing it does no work twice. Each method
 * calls one plain function of a lower layer; the chain only strings them together and keeps the log of what
 * each step did.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { readPromoters, type ReadOptions } from '../data/read';
import { displayPath } from '../data/data-dir';
import { preprocess, preprocessSummary, reindex, type PreprocessOptions } from '../data/preprocess';
import { readDream2022, readDream2022Pairs, type Dream2022Options, type Dream2022Set } from '../data/dream2022/read';
import { encode, type Encoded, type Encoding } from '../data/encode';
import { simulatePromoters, type SimulateOptions } from '../simulate/promoters';
import type { Motif } from '../motifs/motif';
import type { FimoOptions } from '../motifs/fimo';
import { scanTable } from '../interpret/motif-pairs';
import { groupedBars } from '../viz/categorical';
import type { Model } from '../kernels/camformer/model';
import type { Ensemble, Predictor } from '../kernels/camformer/predict';
import { Lazy } from './lazy';
import { ModelStage, type ModelSource, type ModelStageOptions } from './model-stage';
import type { LogRow, PromoterData } from './pipeline';
import { result, type Result } from './result';
import { count, withReportedProgress, type ProgressOption } from './stage-progress';

export type { LogRow, PromoterData };
/** Where a promoter pipeline's rows come from: a file path, an Arquero table with a `sequence` column, or a loader. */
export type PromoterSource = string | ColumnTable | (() => PromoterData | Promise<PromoterData>);

/**
 * A promoter pipeline stage: immutable and lazy (every method returns a new stage; nothing is read until the stage
 * is awaited, which gives its Arquero table, or asked for a result). Start one with {@link promoters}.
 * @example
 * const train = promoters.dream2022('demo_train').head(5000);
 * const table = await train; // the Arquero table
 * const log = await train.summary(); // what each step kept and removed
 */
export class Promoters extends Lazy<PromoterData, ColumnTable> {
  constructor(private readonly load: () => PromoterData | Promise<PromoterData>) {
    super();
  }

  protected compute(): PromoterData | Promise<PromoterData> {
    return this.load();
  }

  /** Awaiting a stage gives its Arquero table. */
  protected override view(data: PromoterData): ColumnTable {
    return data.table;
  }

  /** A new stage from a function of this one's data, appending to the log. */
  private next(step: (data: PromoterData) => PromoterData): Promoters {
    return new Promoters(() => this.run().then(step));
  }

  /**
   * Keeps rows for which `predicate(row)` is true; the log says how many were removed and names the step `label`.
   * @param predicate - Called with each row as an object.
   * @param label - The step's name in the log (default 'filter').
   * @returns A new stage.
   * @example
   * promoters.dream2022('test').filter((d) => d.split === 'private', 'private split');
   */
  filter(predicate: (row: Record<string, any>) => boolean, label = 'filter'): Promoters {
    return this.next((data) => {
      const rows: number[] = [];
      const objects = data.table.objects();
      objects.forEach((row, i) => predicate(row) && rows.push(i));
      return withStep(data, reindex(data.table, rows), label, `kept ${rows.length} of ${objects.length}`);
    });
  }

  /**
   * Camformer preprocessing (110 ± 3, ≤ 3 N, pad/truncate); the removed counts by reason go to the log.
   * @param options - `length` (default 110), `margin` (default 3), `maxN` (default 3).
   * @returns A new stage.
   * @example
   * promoters('train.txt').preprocess({ margin: 5 });
   */
  preprocess(options: PreprocessOptions = {}): Promoters {
    return this.next((data) => {
      const { table, report } = preprocess(data.table, options);
      return { ...withStep(data, table, 'preprocess', preprocessSummary(report)), extras: { ...data.extras, preprocessing: report } };
    });
  }

  /**
   * The first `n` rows (`Infinity`: all of them).
   * @param n - Rows to keep (a non-negative integer, or Infinity).
   * @returns A new stage.
   * @example
   * promoters.dream2022('demo_train').head(1000);
   */
  head(n: number): Promoters {
    if (!(n === Infinity || (Number.isInteger(n) && n >= 0))) throw new OptionError(`expected a non-negative integer or Infinity, got ${n}`, { option: 'n' });
    return this.next((data) => withStep(data, n === Infinity ? data.table : data.table.slice(0, n), 'head', n === Infinity ? 'all rows' : `first ${n} rows`));
  }

  /**
   * The log of every step: rows after it, rows removed, and why.
   * @returns A table `step, rows, removed, detail`.
   * @example
   * await promoters('train.txt').preprocess().summary();
   */
  async summary(): Promise<ColumnTable> {
    const { log } = await this.run();
    return aq.from(log);
  }

  /**
   * One of the extra tables of the source (`pairs`, `sites`, `preprocessing`).
   * @param name - The extra table's name; an OptionError lists the ones this pipeline has.
   * @returns The table.
   * @example
   * const sites = await promoters.simulate({ n: 500 }).extra('sites');
   */
  async extra(name: string): Promise<ColumnTable> {
    const { extras } = await this.run();
    const table = extras[name];
    if (!table) throw new OptionError(`no extra table '${name}'; this pipeline has: ${Object.keys(extras).join(', ') || 'none'}`, { option: 'name' });
    return table;
  }

  /**
   * Joins a model: a preset name or config (untrained: `.fit()` it), a trained model or ensemble, a saved model's
   * directory, or another model stage (e.g. one fitted on other promoters).
   * @param source - A preset name or (partial) config, a trained `Model` or {@link Ensemble}, a saved model's
   *   directory, or another {@link ModelStage}.
   * @param options - `seed` of the initial weights (default 0), `untrained` (allow results from random weights;
   *   default false).
   * @returns A {@link ModelStage}; awaiting it gives the model.
   * @example
   * const stage = promoters.dream2022('test').model('models/mini');
   */
  model(source: Ensemble | ModelStage<Ensemble>, options?: ModelStageOptions): ModelStage<Ensemble>;
  model(source: ModelSource, options?: ModelStageOptions): ModelStage<Model>;
  model(source: ModelSource, options: ModelStageOptions = {}): ModelStage<Predictor> {
    return new ModelStage<Predictor>(this, source, options);
  }

  /**
   * FIMO-equivalent scan of every sequence, named by `id` (see `scanFimo`); `plot()` draws hits per motif and strand.
   * @param motifs - Motifs to scan with (e.g. `jaspar('fungi')`).
   * @param options - FIMO options: `threshold` (default 1e-4), `region`, `qvalues` (default true), … (see {@link FimoOptions}),
   *   and `progress` (default true; false: no progress display).
   * @returns A result whose `table` holds the hits in FIMO's columns.
   * @example
   * const hits = await promoters.simulate({ n: 500 }).motifs(jaspar('fungi'), { threshold: 1e-5 });
   */
  async motifs(motifs: readonly Motif[], options: FimoOptions & ProgressOption = {}): Promise<Result> {
    const { progress, onProgress, ...fimo } = options;
    const { table } = await this.run();
    const label = `scanning ${count(table.numRows(), 'sequence')} for ${count(motifs.length, 'motif')}`;
    const hits = await withReportedProgress(label, { progress, onProgress }, motifs.length, async (report) =>
      scanTable(table, motifs, { ...fimo, onProgress: report }));
    return result(hits, (t, o) => {
      const counts = t.groupby('motif_alt_id', 'strand').count({ as: 'hits' }).orderby(aq.desc('hits')).slice(0, 60);
      return groupedBars(counts, { x: 'motif_alt_id', y: 'hits', color: 'strand', title: 'motif hits (p < threshold)', ...o });
    });
  }

  /**
   * Sequences encoded as a flat [n, length, channels] array (see `encode`).
   * @param encoding - One of {@link ENCODINGS} (default 'onehot').
   * @returns The encoded batch (the Int channel read from `expression` when present).
   * @example
   * const x = await promoters.simulate({ n: 100 }).encode('onehotWithN');
   */
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

function fromTable(table: ColumnTable, step: string, detail: string, more: Partial<PromoterData> = {}): PromoterData {
  return { table, log: [{ step, rows: table.numRows(), removed: 0, detail }], extras: {}, ...more };
}

/** Options of {@link promoters}: how to read the file, and whether to preprocess. */
export interface PromotersOptions extends ReadOptions {
  /** Apply Camformer preprocessing right after reading (default false; DREAM sets default to true). */
  preprocess?: boolean | PreprocessOptions;
}

/**
 * A promoter pipeline over a file (DREAM txt, TSV/CSV, FASTA, gzip or not), an Arquero table with a
 * `sequence` column, or a loader function.
 * @example promoters('train.txt').preprocess().head(1000)
 * @param source - A file path, an Arquero table with a `sequence` column, or a function returning the data.
 * @param options - {@link ReadOptions} (`format`, column names), and `preprocess` (default false; true or
 *   {@link PreprocessOptions} applies it right after reading).
 * @returns A lazy {@link Promoters} stage; `promoters.dream2022(set)` and `promoters.simulate(options)` start one on
 *   the DREAM2022 sets (preprocessed by default) or on simulated promoters.
 */
export function promoters(source: PromoterSource, options: PromotersOptions = {}): Promoters {
  const { preprocess: pre = false, ...read } = options;
  const stage = new Promoters(() => {
    if (typeof source === 'function') return source();
    if (typeof source === 'string') return fromTable(readPromoters(source, read), 'read', displayPath(source));
    if (!source.columnNames().includes('sequence')) {
      throw new OptionError(`table has no 'sequence' column (columns: ${source.columnNames().join(', ')})`, { option: 'source' });
    }
    return fromTable(source, 'table', 'in-memory table');
  });
  return pre ? stage.preprocess(pre === true ? {} : pre) : stage;
}

/**
 * A DREAM2022 set (`test`, `demo_train`, `demo_val`), Camformer-preprocessed; the test set carries its pairs and
 * its identity, so `evaluate()` scores it as the challenge did.
 * @example promoters.dream2022('test').filter((d) => d.split === 'private', 'private split')
 * @param set - 'test', 'demo_train' or 'demo_val'.
 * @param options - `dataDir` (default: see {@link resolveDataDir}), `preprocess` (default true; false, or
 *   {@link PreprocessOptions}).
 * @returns A lazy {@link Promoters} stage that knows it is DREAM2022 data.
 */
promoters.dream2022 = function dream2022(set: Dream2022Set, options: Dream2022Options & { preprocess?: boolean | PreprocessOptions } = {}) {
  const { preprocess: pre = true, ...read } = options;
  const stage = new Promoters(() => fromTable(readDream2022(set, read), 'read', `DREAM2022 ${set}`, {
    extras: set === 'test' ? { pairs: readDream2022Pairs(read) } : {},
    dataset: { name: 'dream2022', set },
  }));
  return pre ? stage.preprocess(pre === true ? {} : pre) : stage;
};

/**
 * Simulated DREAM-style promoters with planted motifs; the ground truth is the extra table `sites`.
 * @example promoters.simulate({ n: 2000, seed: 1 })
 * @param options - As {@link simulatePromoters}: `n` (default 1000), `seed` (default 1), `motifs`, `logic`, ….
 * @returns A lazy {@link Promoters} stage; `extra('sites')` gives the planted sites.
 */
promoters.simulate = function simulate(options: SimulateOptions = {}) {
  return new Promoters(() => {
    const { table, sites } = simulatePromoters(options);
    return fromTable(table, 'simulate', `${table.numRows()} simulated promoters (seed ${options.seed ?? 1})`, { extras: { sites } });
  });
};
