/**
 * `deeprage(data)`: the DeepRAGE pipeline (Liu et al.) — promoters and regulator expression → each gene's
 * expression in each condition. `data` is the simulator's output, assembled real data, or a function giving
 * either (run once, lazily). `.fit(options)` returns a lazy trained stage: awaiting it trains once and gives the
 * `TrainedDeepRage`; its methods (`evaluate`, `confusion`, `history`, `filterMotifs`, `knockouts`,
 * `targetRecovery`) each call one kernel function and return a result (`table` and `plot()`).
 */
import { Lazy } from './lazy';
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { assembleDeepRageData, readExpressionMatrix, readRegulatorList, type DeepRageData } from '../data/expression-matrix';
import { readPromoters } from '../data/read';
import { simulateDeepRage, type DeepRageSimulation, type SimulateDeepRageOptions } from '../simulate/deeprage';
import type { PwmLike } from '../motifs/motif';
import { initBackend } from '../kernels/tensor/backend';
import { DEEPRAGE_SUBSETS, predictDeepRage, trainDeepRage, type TrainDeepRageOptions, type TrainedDeepRage } from '../kernels/deeprage/train';
import { deepRageConfusion, evaluateDeepRage } from '../kernels/deeprage/evaluate';
import {
  filterKnockouts, filterMotifMatches, knockoutTargetRecovery, type FilterKnockoutOptions, type TargetRecoveryInput, type TargetRecoveryOptions,
} from '../kernels/deeprage/knockout';
import { jaspar } from '../motifs/database';
import { boxPlot } from '../viz/distribution';
import { groupedBars, heatmap, lineBand } from '../viz/categorical';
import { result, type Result } from './result';
import { showsProgress, trainingReporter, withProgress, type ProgressOption } from './stage-progress';

/** DeepRAGE data (or a function giving it) for {@link deeprage}. */
export type DeepRageSource = DeepRageData | (() => DeepRageData | Promise<DeepRageData>);

/**
 * The DeepRAGE pipeline over its data (lazy). Start one with {@link deeprage}, `deeprage.simulate()` or `deeprage.read()`.
 * @example
 * const stage = deeprage.simulate({ genes: 300, seed: 1 });
 * const trained = stage.fit({ epochs: 8 });
 * const scores = await trained.evaluate();
 */
export class DeepRageStage extends Lazy<DeepRageData> {
  constructor(private readonly source: DeepRageSource) {
    super();
  }

  protected compute(): DeepRageData | Promise<DeepRageData> {
    return typeof this.source === 'function' ? this.source() : this.source;
  }

  /**
   * The data (loaded or simulated once).
   * @returns The data.
   * @example
   * const { genes, conditions } = await deeprage.simulate().data();
   */
  data(): Promise<DeepRageData> {
    return this.run();
  }

  /**
   * Tidy pairs `gene, condition, expression` (missing values left out).
   * @returns The table.
   * @example
   * const pairs = await deeprage.simulate().table();
   */
  async table(): Promise<ColumnTable> {
    const data = await this.data();
    const C = data.conditions.length;
    const gene: string[] = [];
    const condition: string[] = [];
    const expression: number[] = [];
    data.expression.forEach((y, i) => {
      if (Number.isNaN(y)) return;
      gene.push(data.genes[Math.floor(i / C)]!), condition.push(data.conditions[i % C]!), expression.push(y);
    });
    return aq.table({ gene, condition, expression: Float64Array.from(expression) });
  }

  /**
   * A lazy trained stage: training (trainDeepRage) runs once, when the stage is awaited or asked for a result.
   * @param options - As {@link trainDeepRage}: `split` (default 'gene'), `epochs` (12), `batchGenes` (8),
   *   `learningRate` (5e-3), `optimizer` ('adam'), `patience` (3), `onProgress`, `progress` (default true; false:
   *   no progress display), model config fields.
   * @returns A lazy {@link DeepRageFit}.
   * @example
   * const fitted = deeprage.simulate().fit({ join: 'tensor', epochs: 8 });
   */
  fit(options: TrainDeepRageOptions & ProgressOption = {}): DeepRageFit {
    const { progress, onProgress, ...train } = options;
    return new DeepRageFit(this, () => initBackend().then(async () => {
      const data = await this.data();
      return withProgress('training DeepRAGE', showsProgress(progress, onProgress), undefined, (p) => {
        const report = trainingReporter(p);
        return trainDeepRage(data, { ...train, onProgress: (e) => { report(e); onProgress?.(e); } });
      });
    }));
  }

  /**
   * A trained stage over an already trained model (e.g. trained on other data with the same regulators).
   * @param trained - A {@link TrainedDeepRage}.
   * @returns A {@link DeepRageFit} that does not train.
   * @example
   * const fitted = deeprage.simulate({ seed: 1 }).fit({ epochs: 8 });
   * const other = deeprage.simulate({ seed: 2 }).with(await fitted);
   */
  with(trained: TrainedDeepRage): DeepRageFit {
    return new DeepRageFit(this, () => trained);
  }
}

/**
 * A trained DeepRAGE stage: awaiting it trains once and gives the {@link TrainedDeepRage}; each method returns a result.
 * @example
 * const fitted = deeprage.simulate().fit({ epochs: 8 });
 * const recovery = await fitted.targetRecovery();
 */
export class DeepRageFit extends Lazy<TrainedDeepRage> {
  private predictions?: Promise<Float32Array>;

  /**
   * A trained stage over `stage`'s data; `train` runs once, when first needed.
   * @param stage - The data stage.
   * @param train - Trains (or gives) the model.
   */
  constructor(readonly stage: DeepRageStage, private readonly train: () => TrainedDeepRage | Promise<TrainedDeepRage>) {
    super();
  }

  protected compute(): TrainedDeepRage | Promise<TrainedDeepRage> {
    return this.train();
  }

  /** Predictions for every gene × condition (computed once; evaluate and confusion share them). */
  private predicted(): Promise<Float32Array> {
    return (this.predictions ??= Promise.all([this.run(), this.stage.data()]).then(([t, d]) => predictDeepRage(t.model, d)));
  }

  /**
   * One row per epoch (the training loop's history: `trainLoss`, `valLoss`, `learningRate`, …); `plot()` draws the two loss curves (Fig. 3).
   * @returns A result: the history table.
   * @example
   * const fitted = deeprage.simulate({ seed: 1 }).fit({ epochs: 8 });
   * (await fitted.history()).plot();
   */
  async history(): Promise<Result> {
    const { history } = await this.run();
    return result(history, (t, o) => lineBand(lossCurves(t), { x: 'epoch', y: 'loss', color: 'curve', title: 'DeepRAGE training and validation loss', ...o }));
  }

  /**
   * Scores per split subset (evaluateDeepRage): Pearson, Spearman and MSE for regression, accuracy and the
   * majority-class baseline for classification; `plot()` draws them per subset.
   * @returns A result: one row per subset.
   * @example
   * const fitted = deeprage.simulate({ seed: 1 }).fit({ epochs: 8 });
   * const { table } = await fitted.evaluate();
   */
  async evaluate(): Promise<Result> {
    const [trained, data, predictions] = await Promise.all([this.run(), this.stage.data(), this.predicted()]);
    const scores = evaluateDeepRage(trained, data, predictions);
    const metrics = trained.model.config.task === 'regression' ? ['pearson', 'spearman'] : ['accuracy', 'majority'];
    return result(scores, (t, o) => groupedBars(t.fold(metrics, { as: ['metric', 'value'] }), {
      x: 'subset', y: 'value', color: 'metric', title: `DeepRAGE ${trained.model.config.join} join`, ...o,
    }));
  }

  /**
   * Confusion matrix of a classification model on one subset (`truth, predicted, count`); `plot()` is a heat map (Table 2).
   * @param subset - 'train', 'validation' or 'test' (default).
   * @returns A result: `truth, predicted, count`.
   * @example
   * const { table } = await deeprage.simulate().fit({ task: 'classification' }).confusion('test');
   */
  async confusion(subset: (typeof DEEPRAGE_SUBSETS)[number] = 'test'): Promise<Result> {
    const [trained, data, predictions] = await Promise.all([this.run(), this.stage.data(), this.predicted()]);
    const table = deepRageConfusion(trained, data, subset, predictions);
    return result(table, (t, o) => heatmap(t, { x: 'predicted', y: 'truth', value: 'count', format: 'd', title: `Confusion matrix (${subset})`, ...o }));
  }

  /**
   * Filters matched to motifs (Fig. 4): each filter's PFM from its top activating windows, best motif by
   * similarity (filterMotifMatches). Motifs default to JASPAR fungi. `plot()` draws each filter's best similarity.
   * @param motifs - Motifs to match (default `jaspar('fungi')`).
   * @param options - `top` windows per filter (default 100), `matches` per filter (default 1).
   * @returns A result: `filter, motif_id, motif_alt_id, similarity`.
   * @example
   * const fitted = deeprage.simulate({ seed: 1 }).fit({ epochs: 8 });
   * const { table } = await fitted.filterMotifs(undefined, { matches: 3 });
   */
  async filterMotifs(motifs?: readonly PwmLike[], options: { top?: number; matches?: number } = {}): Promise<Result> {
    const [trained, data] = await Promise.all([this.run(), this.stage.data()]);
    const table = filterMotifMatches(trained.model, data.sequences, motifs ?? jaspar('fungi'), options);
    return result(table, (t, o) => groupedBars(t.derive({ label: aq.escape((d: { filter: number }) => `f${d.filter}`) }).dedupe('filter'), {
      x: 'label', y: 'similarity', color: 'motif_alt_id', xTitle: 'filter', title: 'Filters and their best-matching motifs', ...o,
    }));
  }

  /**
   * In silico knock-out of each filter (filterKnockouts; `mode: 'weights'` zeroes the filter's weights as the
   * paper, default 'output' zeroes its activations): `filter, gene, effect`; `plot()` draws the effect
   * distribution per filter (Fig. 5).
   * @param options - `filters` to knock out (default all) and `mode` ('output', default, or 'weights').
   * @returns A result: `filter, gene, effect`.
   * @example
   * const fitted = deeprage.simulate({ seed: 1 }).fit({ epochs: 8 });
   * const { table } = await fitted.knockouts({ filters: [0, 1], mode: 'weights' });
   */
  async knockouts(options: FilterKnockoutOptions = {}): Promise<Result> {
    const [trained, data] = await Promise.all([this.run(), this.stage.data()]);
    const table = filterKnockouts(trained.model, data, options);
    return result(table, (t, o) => boxPlot(t.derive({ label: aq.escape((d: { filter: number }) => `f${d.filter}`) }), {
      x: 'label', y: 'effect', xTitle: 'filter knocked out', yTitle: 'mean |Δ prediction| per gene', title: 'Filter knock-out effects', ...o,
    }));
  }

  /**
   * How well knock-outs recover the simulator's known targets (knockoutTargetRecovery): per regulator its
   * best-matching filter, the AUROC of the filter knock-out with the paper's rank-sum and top-5 Fisher p-values,
   * and the AUROC of the regulator and (tensor join) filter × regulator knock-outs. Needs data with a ground
   * truth (`truth`, `regulatorMotifs`: the simulator's output).
   * @param options - `top` windows per filter PFM (default 100), `mode` ('output', default, or 'weights'),
   *   `topGenes` for Fisher's test (default 5).
   * @returns A result: one row per regulator with its filter, similarity, AUROCs and p-values.
   * @example
   * const { table } = await deeprage.simulate().fit().targetRecovery({ mode: 'weights' });
   */
  async targetRecovery(options: TargetRecoveryOptions = {}): Promise<Result> {
    const [trained, data] = await Promise.all([this.run(), this.stage.data()]);
    if (!hasTruth(data)) throw new OptionError('target recovery needs data with a ground truth (truth, regulatorMotifs), e.g. deeprage.simulate(...)', { option: 'data' });
    const table = knockoutTargetRecovery(trained.model, data, options);
    const kinds = ['filterAuroc', 'regulatorAuroc', ...(trained.model.config.join === 'tensor' ? ['pairAuroc'] : [])];
    return result(table, (t, o) => groupedBars(t.fold(kinds, { as: ['knockout', 'auroc'] }), {
      x: 'regulator', y: 'auroc', color: 'knockout', yTitle: 'AUROC (true targets vs other genes)', title: 'Knock-outs recover the known targets', ...o,
    }));
  }
}

function hasTruth(data: DeepRageData): data is TargetRecoveryInput {
  const d = data as Partial<TargetRecoveryInput>;
  return d.truth !== undefined && Array.isArray(d.regulatorMotifs);
}

/** History in long form: one row per epoch and curve (training / validation loss). */
function lossCurves(history: ColumnTable): ColumnTable {
  return history.select('epoch', 'trainLoss', 'valLoss')
    .fold(['trainLoss', 'valLoss'], { as: ['curve', 'loss'] })
    .derive({ curve: (d: { curve: string }) => (d.curve === 'trainLoss' ? 'training' : 'validation') });
}

/** The files of real DeepRAGE data for `deeprage.read()`. */
export interface DeepRageFiles {
  /** Genes × conditions expression TSV (see readExpressionMatrix). */
  matrix: string;
  /** Regulator list (one name per line). */
  regulators: string;
  /** Promoters (FASTA or table with `id`, `sequence`), one per gene, all the same length. */
  promoters: string;
}

/** What `deeprage.read` returns besides the stage: what could not be matched (`kind, name, reason`). */
export interface DeepRageRead {
  stage: DeepRageStage;
  dropped: () => Promise<ColumnTable>;
}

/**
 * The DeepRAGE pipeline over `data`; `deeprage.simulate(options)` and `deeprage.read(files)` start one on the
 * simulator or on real files.
 * @param data - `DeepRageData` (e.g. a simulation), or a function giving it, run once when first needed.
 * @returns A lazy {@link DeepRageStage}.
 * @example
 * const stage = deeprage(simulateDeepRage({ motifs: jaspar('fungi'), seed: 3 }));
 */
export function deeprage(data: DeepRageSource): DeepRageStage {
  return new DeepRageStage(data);
}

/**
 * The simulator (real yeast promoters, JASPAR fungi motifs unless `motifs` is given).
 * @param options - As {@link simulateDeepRage} (every field optional; `motifs` default `jaspar('fungi')`).
 * @returns A lazy {@link DeepRageStage}.
 * @example
 * const fitted = deeprage.simulate({ genes: 300, conditions: 24, seed: 2 }).fit({ epochs: 8 });
 */
deeprage.simulate = (options: Partial<SimulateDeepRageOptions> = {}): DeepRageStage =>
  new DeepRageStage((): DeepRageSimulation => simulateDeepRage({ ...options, motifs: options.motifs ?? jaspar('fungi') }));

/**
 * Real data: a matrix, a regulator list and promoters, assembled (assembleDeepRageData) when first needed.
 * @param files - Paths of the expression `matrix`, the `regulators` list and the `promoters`.
 * @returns The lazy `stage`, and `dropped()`: what could not be matched (`kind, name, reason`).
 * @example
 * const { stage, dropped } = deeprage.read({ matrix: 'expression.tsv', regulators: 'regulators.txt', promoters: 'promoters.fa' });
 */
deeprage.read = (files: DeepRageFiles): DeepRageRead => {
  const assembled = () => assembleDeepRageData(readExpressionMatrix(files.matrix), readRegulatorList(files.regulators), readPromoters(files.promoters));
  let cache: ReturnType<typeof assembled> | undefined;
  const once = () => (cache ??= assembled());
  return { stage: new DeepRageStage(() => once().data), dropped: async () => once().dropped };
};
