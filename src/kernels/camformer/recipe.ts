/**
 * The Camformer authors' training recipe per published model (`recipe: 'paper'` of `fit`, `cislab train --recipe
 * paper`), read from their code (gautammalik-git/Camformer, identical in Bornelov-lab/Camformer):
 *
 * - which run each preset is: `train_rep.py` L27–30 — camformer = run 9 (`9_onehot_L1_AdamW_ReduceLROnPlateau`, the
 *   DREAM submission), camformer-small = run 141 (`141_onehotWithP_Huber_AdamW_ReduceLROnPlateau`), camformer-mini =
 *   run 219 (`219_onehotWithP_MSE_AdamW_ReduceLROnPlateau`); `recipe: 'paper-large'` is run 14
 *   (`14_onehot_Huber_AdamW_OneCycleLR`, "best Large configuration") on the camformer structure;
 * - epochs 50, patience 10, lr 1e-3, weight decay 1e-3, batch 256 (`large_camformer.py` L63–67,
 *   `base_camformer.py` L68–72; the tuned runs' config.json files are not published);
 * - AdamW betas (0.9, 0.999) (base/model_utils.py L39); Huber δ 0.9 (L50);
 * - ReduceLROnPlateau(optimizer, "min") with PyTorch's defaults, stepped once per epoch on the mean validation
 *   batch loss (L79, L150–154); OneCycleLR(max_lr=0.01, steps_per_epoch=len(TrainLoader), epochs) stepped per batch
 *   (L77, L117–118), cycling AdamW's β₁ 0.95 → 0.85 → 0.95 (PyTorch's cycle_momentum default);
 * - early stopping on validation r + ρ, strictly better than the best so far, which starts at −1; the best epoch's
 *   model is the one kept (L89, L158–163, L189; train_rep.py L89–90 reloads it);
 * - the split: stratified on 10 expression quantile bins, 10 % held out and halved into 5 % validation and 5 %
 *   test (base/utils.py L426–451 with trProp 0.9, train_rep.py L52–54), seeded per replicate;
 * - the last partial training batch dropped (base/utils.py L787–793); the validation loader shuffled with its last
 *   partial batch dropped too (L799–803);
 * - one device: batch norm over the whole batch of 256 (cislab: `workers: 1`).
 *
 * `recipeFitOptions` turns that into FitOptions; `fit` lays them under whatever the caller passes explicitly.
 * RECIPE_DIFFERENCES lists what cislab does not reproduce.
 */
import { OptionError } from '../../errors';
import type { Encoding } from '../../data/encode';
import type { LossName } from '../tensor/losses';
import { TORCH_PLATEAU, type ScheduleName, type ScheduleOptions } from '../tensor/schedules';
import { PRESETS, type PresetName } from './config';
import type { Model } from './model';

/** The Camformer authors' recipes: 'paper' (the preset's published run) and 'paper-large' (run 14). */
export const RECIPES = ['paper', 'paper-large'] as const;
/** One of {@link RECIPES}. */
export type Recipe = (typeof RECIPES)[number];

/** One published training run of the authors' grid. */
export interface PaperRun {
  /** Run number in the authors' tuning grid (`tuning_results/<run>_…`). */
  run: number;
  /** The grid directory name, as `train_rep.py` names it. */
  label: string;
  /** The cislab preset with the run's structure. */
  preset: PresetName;
  /** The run's input encoding. */
  encoding: Encoding;
  /** The run's loss. */
  loss: LossName;
  /** The run's learning-rate schedule (ReduceLROnPlateau or OneCycleLR). */
  schedule: ScheduleName;
}

/** The published runs, by preset ('paper') and the Large variant ('paper-large'). */
export const PAPER_RUNS: Readonly<Record<PresetName | 'camformer-large', PaperRun>> = {
  'camformer': { run: 9, label: '9_onehot_L1_AdamW_ReduceLROnPlateau', preset: 'camformer', encoding: 'onehot', loss: 'l1', schedule: 'plateau' },
  'camformer-small': { run: 141, label: '141_onehotWithP_Huber_AdamW_ReduceLROnPlateau', preset: 'camformer-small', encoding: 'onehotWithP', loss: 'huber', schedule: 'plateau' },
  'camformer-mini': { run: 219, label: '219_onehotWithP_MSE_AdamW_ReduceLROnPlateau', preset: 'camformer-mini', encoding: 'onehotWithP', loss: 'mse', schedule: 'plateau' },
  'camformer-large': { run: 14, label: '14_onehot_Huber_AdamW_OneCycleLR', preset: 'camformer', encoding: 'onehot', loss: 'huber', schedule: 'onecycle' },
};

/** The recipe's training options (the subset of FitOptions it sets). */
export interface RecipeOptions {
  epochs: number;
  patience: number;
  batchSize: number;
  loss: LossName;
  huberDelta: number;
  optimizer: 'adamw';
  /** The base rate (plateau) or OneCycle's max rate. */
  lr: number;
  weightDecay: number;
  schedule: ScheduleName;
  scheduleOptions: ScheduleOptions;
  validation: number;
  split: 'stratified';
  dropLast: boolean;
  validationDropLast: boolean;
  initialBest: number;
  restoreBest: boolean;
  workers: number;
}

/** What cislab does differently from the authors' runs, even with the recipe (see README "The authors' recipe"). */
export const RECIPE_DIFFERENCES: readonly string[] = [
  'random streams: the split, the batch order, dropout masks and the initial weights come from cislab\'s seeded PRNG, not PyTorch\'s and numpy\'s generators, so a replicate with seed 42 is not the authors\' replicate 42 (the distributions are the same)',
  'initial weights: the recipe trains whatever model it is given; for the replicates\' PyTorch default initialisation build it with { init: \'pytorch\' } (the CLI and the DSL do so for an untrained preset); buildModel\'s default is He-normal, as the authors\' own large_camformer.py applies',
  'the stratified split reproduces pandas\' quantile bins and sklearn\'s per-bin allocation, but a bin\'s count can differ by one where sklearn breaks ties between equal remainders at random',
  'camformer (512 channels) on the wasm backend computes batch-norm statistics per micro-batch of 128 (the wasm heap cannot hold 256 sequences\' activations; see maxMicroBatch); camformer-small and camformer-mini use the whole batch of 256',
  'arithmetic: float32 tfjs kernels (wasm or CPU) instead of cuDNN; results agree to rounding, not bit for bit',
  'the test half of the held-out 10 % is left out of training but not scored by fit (the authors score it after training: train_rep.py L93–98); validationIndices(n, 0.05, seed, { split: \'stratified\', y }) gives its rows',
  'the authors\' later convenience scripts differ from train_rep.py in two places where the recipe follows train_rep.py: base_camformer.py validates without dropping the last batch (L205–209), large_camformer.py applies He initialisation (L257–258)',
];

/**
 * The recipe's FitOptions for `model` (see the module header): `'paper'` is the preset's published run,
 * `'paper-large'` run 14 on the camformer structure. Throws an OptionError when the model is not a preset or its
 * encoding is not the run's.
 * @param model - The model to train (a preset, with the run's encoding).
 * @param recipe - 'paper' or 'paper-large'.
 * @returns The training options the recipe sets, for {@link fit} to lay under explicit ones.
 * @example
 * const options = recipeFitOptions(buildModel('camformer-mini'), 'paper'); // MSE, ReduceLROnPlateau, 50 epochs
 */
export function recipeFitOptions(model: Model, recipe: Recipe): RecipeOptions {
  const run = paperRun(model.config.name, recipe);
  if (model.encoding !== run.encoding) {
    throw new OptionError(
      `run ${run.run} (${run.label}) used the '${run.encoding}' encoding; this model reads '${model.encoding}' — build it with { base: '${run.preset}', encoding: '${run.encoding}' }`,
      { option: 'recipe' },
    );
  }
  const onecycle = run.schedule === 'onecycle';
  return {
    epochs: 50, patience: 10, batchSize: 256, loss: run.loss, huberDelta: 0.9, optimizer: 'adamw',
    lr: onecycle ? 0.01 : 1e-3, weightDecay: 1e-3, schedule: run.schedule,
    scheduleOptions: onecycle ? { cycleMomentum: true, baseMomentum: 0.85, maxMomentum: 0.95, pctStart: 0.3, divFactor: 25, finalDivFactor: 1e4 } : { ...TORCH_PLATEAU },
    validation: 0.05, split: 'stratified', dropLast: true, validationDropLast: true, initialBest: -1, restoreBest: true, workers: 1,
  };
}

/** The published run a recipe names for a model called `name` (a preset name). */
export function paperRun(name: string, recipe: Recipe): PaperRun {
  if (!RECIPES.includes(recipe)) throw new OptionError(`unknown recipe '${recipe as string}'; expected ${RECIPES.join(' or ')}`, { option: 'recipe' });
  if (!(PRESETS as readonly string[]).includes(name)) {
    throw new OptionError(`the authors' recipe is defined for the presets (${PRESETS.join(', ')}); this model is '${name}'`, { option: 'recipe' });
  }
  if (recipe === 'paper-large') {
    if (name !== 'camformer') throw new OptionError(`recipe 'paper-large' (run 14) trains the camformer structure, not '${name}'`, { option: 'recipe' });
    return PAPER_RUNS['camformer-large'];
  }
  return PAPER_RUNS[name as PresetName];
}
