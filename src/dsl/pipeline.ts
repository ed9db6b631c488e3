/**
 * What flows between the DSL's stages: a promoter stage's data (table, log of steps, extra tables, and which
 * data set the rows come from), and the two stage shapes other stages consume. Kept apart from the stage
 * classes so that no stage module imports another that imports it back.
 */
import type { ColumnTable } from 'arquero';
import type { Dream2022Set } from '../data/dream2022/read';
import type { Predictor } from '../kernels/camformer/predict';

/** One row of a pipeline's log: rows after the step, rows removed, and why. */
export interface LogRow {
  /** The step's name (read, preprocess, filter label, head, …). */
  step: string;
  /** Rows after the step. */
  rows: number;
  /** Rows the step removed. */
  removed: number;
  /** What the step did, in words. */
  detail: string;
}

/**
 * Where a pipeline's rows come from, when they come from a known data set. The DSL applies a data set's own
 * rules (DREAM2022: the challenge's evaluation, its test sequences counted as multi-cell measurements) only when
 * the data says it is that data set — never by guessing from column names.
 */
export type DatasetIdentity = { name: 'dream2022'; set: Dream2022Set };

/** What a promoter stage holds once run. */
export interface PromoterData {
  /** The rows. */
  table: ColumnTable;
  /** One row per step so far. */
  log: LogRow[];
  /** Extra tables that came with the source (DREAM pairs, simulator ground truth, preprocessing report). */
  extras: Record<string, ColumnTable>;
  /** The known data set the rows come from, if any. */
  dataset?: DatasetIdentity;
}

/** A promoter stage as other stages see it. */
export interface PromoterPipeline {
  run(): Promise<PromoterData>;
}

/** A model stage as the stages built on it (ISM) see it. */
export interface ModelPipeline {
  readonly data: PromoterPipeline;
  /** The trained (or loaded) predictor; refuses an untrained one unless the stage allows it. */
  predictor(): Promise<Predictor>;
}

/** True when the rows are the DREAM2022 test set (or a subset of it). */
export function isDreamTest(data: PromoterData): boolean {
  return data.dataset?.name === 'dream2022' && data.dataset.set === 'test';
}
