/**
 * `seq2exp(data)`: the Seq2Exp pipeline — long DNA + epigenomic signal tracks → expression through a learned
 * sparse per-base mask. `data` is Seq2ExpData, the simulator's output (whose causal positions are the ground
 * truth for the mask), or a function giving either. `.fit(options)` returns a lazy trained stage: awaiting it
 * trains once and gives the `TrainedSeq2Exp`; `evaluate`, `history`, `compareRegions` and `retrain` each call
 * one kernel function and return a result (`table` and `plot()`).
 */
import { Lazy } from './lazy';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { simulateSeq2Exp, type Seq2ExpSimulation, type SimulateSeq2ExpOptions } from '../simulate/seq2exp';
import { initBackend } from '../kernels/tensor/backend';
import type { PeakOptions } from '../data/tracks/peaks';
import { compareRegionsAt, defaultSelectors, retrainOnSelections } from '../kernels/seq2exp/regions';
import {
  evaluateSeq2Exp, predictSeq2Exp, seq2ExpDataOf, seq2ExpPredictionTable, trainSeq2Exp,
  type Seq2ExpInput, type TrainSeq2ExpOptions, type TrainedSeq2Exp,
} from '../kernels/seq2exp/train';
import { groupedBars, lineBand } from '../viz/categorical';
import { densityScatter } from '../viz/scatter';
import { result, type Result } from './result';
import { count, showsProgress, trainingReporter, withProgress, type ProgressOption } from './stage-progress';

export type { Seq2ExpInput };
/** Seq2Exp data, the simulator's output, or a function giving either, for {@link seq2exp}. */
export type Seq2ExpSource = Seq2ExpInput | Seq2ExpSimulation | (() => Seq2ExpInput | Seq2ExpSimulation | Promise<Seq2ExpInput | Seq2ExpSimulation>);

/**
 * The Seq2Exp pipeline over its data (lazy). Start one with {@link seq2exp} or `seq2exp.simulate()`.
 * @example
 * const stage = seq2exp.simulate({ n: 400, seed: 1 });
 * const fitted = stage.fit({ epochs: 15 });
 * const coverage = await fitted.compareRegions({ ratio: [0.05, 0.1] });
 */
export class Seq2ExpStage extends Lazy<Seq2ExpInput> {
  constructor(private readonly source: Seq2ExpSource) {
    super();
  }

  protected async compute(): Promise<Seq2ExpInput> {
    return seq2ExpDataOf(await (typeof this.source === 'function' ? this.source() : this.source));
  }

  /**
   * The data (loaded or simulated once).
   * @returns The data (with `causal` when it has a ground truth).
   * @example
   * const { sequences, tracks } = await seq2exp.simulate().data();
   */
  data(): Promise<Seq2ExpInput> {
    return this.run();
  }

  /**
   * A lazy trained stage (trainSeq2Exp runs once, when awaited or asked for a result).
   * @param options - As {@link trainSeq2Exp}: `epochs` (default 20), `batchSize` (16), `learningRate` (0.005),
   *   `klWeight` (0.05), `mask` ('soft'), `maskRatio` (0.05), `onProgress`, `progress` (default true; false: no progress display), ….
   * @returns A lazy {@link Seq2ExpFit}.
   * @example
   * const fitted = seq2exp.simulate().fit({ mask: 'hard', epochs: 15 });
   */
  fit(options: TrainSeq2ExpOptions & ProgressOption = {}): Seq2ExpFit {
    const { progress, onProgress, ...train } = options;
    return new Seq2ExpFit(this, () => initBackend().then(async () => {
      const data = await this.data();
      return withProgress('training Seq2Exp', showsProgress(progress, onProgress), undefined, (p) => {
        const report = trainingReporter(p);
        return trainSeq2Exp(data, { ...train, onProgress: (e) => { report(e); onProgress?.(e); } });
      });
    }), train);
  }

  /**
   * Retrain-on-selection (retrainOnSelections, the paper's "top 10%"): a fresh predictor per selector, trained on
   * the top `ratio` bases of each region. Selectors default to the full input, the peak caller on all tracks and,
   * with a ground truth, the causal bases (an oracle). Table `selection, ratio, mse, mae, pearson`.
   * @param options - Training options, `ratio` (default 0.1), `selectors` (per-base scores by name, or 'all'), `peaks` (peak caller options),
   *   `onProgress` (each run's training events), `progress` (default true; false: no progress display).
   * @returns A result: `selection, ratio, mse, mae, pearson`.
   * @example
   * const { table } = await seq2exp.simulate().retrain({ ratio: 0.1, epochs: 10 });
   */
  async retrain(options: TrainSeq2ExpOptions & ProgressOption & { ratio?: number; selectors?: Record<string, ArrayLike<number> | 'all'>; peaks?: PeakOptions } = {}): Promise<Result> {
    const { selectors, peaks, progress, onProgress, ...train } = options;
    await initBackend();
    const data = await this.data();
    const chosen = selectors ?? defaultSelectors(data, data.causal, peaks);
    const runs = Object.keys(chosen).length;
    const table = await withProgress(`retraining Seq2Exp on ${count(runs, 'selection')}`, showsProgress(progress, onProgress), undefined, (p) => {
      let current = { selection: '', index: 0 };
      return retrainOnSelections(data, chosen, {
        ...train,
        onSelection: (selection, index) => (current = { selection, index }),
        onProgress: (e) => {
          // One display over all runs: each run has the same steps (same data and options).
          if (e.type !== 'end') p.report(current.index * e.steps + e.step, runs * e.steps, `${current.selection} · epoch ${e.epoch}/${e.epochs}`);
          onProgress?.(e);
        },
      });
    });
    return result(table, retrainPlot);
  }
}

/**
 * A trained Seq2Exp stage: awaiting it trains once and gives the {@link TrainedSeq2Exp}; each method returns a result.
 * @example
 * const fitted = seq2exp.simulate().fit({ epochs: 15 });
 * const { table } = await fitted.evaluate();
 */
export class Seq2ExpFit extends Lazy<TrainedSeq2Exp> {
  private predictions?: Promise<{ prediction: Float64Array; mask: Float32Array }>;

  /**
   * A trained stage over `stage`'s data; `train` runs once, when first needed.
   * @param stage - The data stage.
   * @param train - Trains (or gives) the model.
   * @param options - The training options (reused by {@link Seq2ExpFit.retrain}).
   */
  constructor(readonly stage: Seq2ExpStage, private readonly train: () => TrainedSeq2Exp | Promise<TrainedSeq2Exp>, private readonly options: TrainSeq2ExpOptions = {}) {
    super();
  }

  protected compute(): TrainedSeq2Exp | Promise<TrainedSeq2Exp> {
    return this.train();
  }

  /**
   * Predictions and the expected mask [n × L] for every region (predictSeq2Exp, once).
   * @returns `prediction` per region and `mask` [n × length].
   * @example
   * const fitted = seq2exp.simulate({ seed: 1 }).fit({ epochs: 15 });
   * const { mask } = await fitted.predicted();
   */
  predicted(): Promise<{ prediction: Float64Array; mask: Float32Array }> {
    return (this.predictions ??= Promise.all([this.run(), this.stage.data()]).then(([t, d]) => predictSeq2Exp(t.model, d, 64, t.selection)));
  }

  /**
   * Per region `region, subset, expression, prediction`; `plot()` draws measured vs predicted.
   * @returns A result: one row per region.
   * @example
   * const fitted = seq2exp.simulate({ seed: 1 }).fit({ epochs: 15 });
   * (await fitted.predict()).plot();
   */
  async predict(): Promise<Result> {
    const [data, { prediction }, trained] = await Promise.all([this.stage.data(), this.predicted(), this.run()]);
    return result(seq2ExpPredictionTable(trained, data, prediction), (t, o) => densityScatter(t, { x: 'expression', y: 'prediction', xTitle: 'measured', yTitle: 'predicted', ...o }));
  }

  /**
   * One row per epoch (the training loop's history: `trainLoss`, `kl`, `valMse`, …); `plot()` draws the training loss and validation MSE.
   * @returns A result: the history table.
   * @example
   * const fitted = seq2exp.simulate({ seed: 1 }).fit({ epochs: 15 });
   * (await fitted.history()).plot();
   */
  async history(): Promise<Result> {
    const { history } = await this.run();
    return result(history, (t, o) => lineBand(t.fold(['trainLoss', 'valMse'], { as: ['curve', 'value'] }), {
      x: 'epoch', y: 'value', color: 'curve', title: 'Seq2Exp training loss (MSE + KL) and validation MSE (standardised)', ...o,
    }));
  }

  /**
   * Scores per subset (evaluateSeq2Exp): `subset, regions, mse, mae, pearson, maskRatio`; `plot()` draws them.
   * @returns A result: one row per subset.
   * @example
   * const fitted = seq2exp.simulate({ seed: 1 }).fit({ epochs: 15 });
   * const { table } = await fitted.evaluate();
   */
  async evaluate(): Promise<Result> {
    const [trained, data, predicted] = await Promise.all([this.run(), this.stage.data(), this.predicted()]);
    const table = evaluateSeq2Exp(trained, data, predicted);
    return result(table, (t, o) => groupedBars(t.fold(['mse', 'mae', 'pearson', 'maskRatio'], { as: ['metric', 'value'] }), {
      x: 'metric', y: 'value', color: 'subset', title: `Seq2Exp (${trained.model.config.mask} mask)`, ...o,
    }));
  }

  /**
   * Learned mask vs peaks at equal mask ratios (compareRegionSelectors): per ratio and selector, the coverage of
   * the causal bases and the precision, on the test regions unless `subset` says otherwise. Needs a ground
   * truth (simulated data, or `causal` in the data). `plot()` draws coverage per ratio and selector.
   * @param options - `ratio` (one or several; default 0.05), `subset` (default 'test'), `peaks`, `seed`.
   * @returns A result: coverage and precision per ratio and selector.
   * @example
   * const fitted = seq2exp.simulate({ seed: 1 }).fit({ epochs: 15 });
   * const { table } = await fitted.compareRegions({ ratio: [0.05, 0.1] });
   */
  async compareRegions(options: { ratio?: number | number[]; subset?: 'train' | 'validation' | 'test' | 'all'; peaks?: PeakOptions; seed?: number } = {}): Promise<Result> {
    const [trained, data, { mask }] = await Promise.all([this.run(), this.stage.data(), this.predicted()]);
    if (!data.causal) throw new OptionError('comparing regions needs the causal positions (simulated data, or `causal` in the data)', { option: 'data' });
    const ratios = Array.isArray(options.ratio) ? options.ratio : [options.ratio ?? 0.05];
    const subset = options.subset ?? 'test';
    const table = compareRegionsAt(mask, data, data.causal, trained.split, { ratios, subset, peaks: options.peaks, seed: options.seed });
    return result(table, (t, o) => groupedBars(t, {
      x: 'ratio', y: 'coverage', color: 'method', yTitle: 'causal bases covered', title: `Learned mask vs peaks (${subset} regions)`, ...o,
    }));
  }

  /**
   * Retrain on this model's learned mask beside the default selectors (see Seq2ExpStage.retrain): the learned
   * mask is the `seq2exp mask` selector. Training options default to this fit's.
   * @param options - Training options (default: this fit's), `ratio` (default 0.1), `peaks`, `onProgress`, `progress` (default true).
   * @returns A result: `selection, ratio, mse, mae, pearson`.
   * @example
   * const fitted = seq2exp.simulate({ seed: 1 }).fit({ epochs: 15 });
   * const { table } = await fitted.retrain({ ratio: 0.1 });
   */
  async retrain(options: TrainSeq2ExpOptions & ProgressOption & { ratio?: number; peaks?: PeakOptions } = {}): Promise<Result> {
    const [data, { mask }] = await Promise.all([this.stage.data(), this.predicted()]);
    const { peaks, ...rest } = options;
    // The training options of this fit (without its progress callback: the retrained predictors are other runs).
    const train = this.options;
    const selectors = { 'seq2exp mask': mask, ...defaultSelectors(data, data.causal, peaks) };
    return this.stage.retrain({ ...train, ...rest, selectors });
  }
}

function retrainPlot(table: ColumnTable, options?: Record<string, unknown>) {
  return groupedBars(table.fold(['mse', 'mae', 'pearson'], { as: ['metric', 'value'] }), {
    x: 'metric', y: 'value', color: 'selection', title: 'Predictor retrained on each selection (test regions)', ...options,
  });
}

/**
 * The Seq2Exp pipeline over `data`; `seq2exp.simulate(options)` starts one on the simulator.
 * @param data - {@link Seq2ExpData}, a simulation, or a function giving either, run once when first needed.
 * @returns A lazy {@link Seq2ExpStage}.
 * @example
 * const stage = seq2exp(simulateSeq2Exp({ n: 300, seed: 2 }));
 */
export function seq2exp(data: Seq2ExpSource): Seq2ExpStage {
  return new Seq2ExpStage(data);
}

/**
 * The simulator (planted enhancers, decoy peaks, closed motifs; causal positions as the ground truth).
 * @param options - As {@link simulateSeq2Exp}: `n` (default 400), `length` (default 1000), `seed` (default 1), ….
 * @returns A lazy {@link Seq2ExpStage}.
 * @example
 * const fitted = seq2exp.simulate({ n: 400, seed: 1 }).fit({ epochs: 15 });
 */
seq2exp.simulate = (options: SimulateSeq2ExpOptions = {}): Seq2ExpStage => new Seq2ExpStage(() => simulateSeq2Exp(options));
