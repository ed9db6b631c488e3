/**
 * `cislab train`: training on the command line. A promoter file is streamed into a compact sequence store
 * (`loadTrainingSet`: ~51 bytes per 110-nt row, no table), so the 6.7 M-row DREAM training set trains in a few
 * GB; the named data sets (`dream2022:…`, `simulate:N`) go through the DSL. The streamed `predict` and `ism`
 * commands are in predict-ism.ts.
 */
import { InputError, ModelError } from '../errors';
import { CAMFORMER_PREPROCESSING } from '../data/preprocess';
import { initBackend } from '../kernels/tensor/backend';
import { LOSSES } from '../kernels/tensor/losses';
import { OPTIMIZERS } from '../kernels/tensor/optimizers';
import { SCHEDULES } from '../kernels/tensor/schedules';
import { RECIPES } from '../kernels/camformer/recipe';
import { TRAINING_ENGINES } from '../kernels/camformer/engine';
import { saveModel } from '../kernels/camformer/persistence';
import { resolvePredictor } from '../kernels/camformer/resolve';
import { fit, type FitOptions } from '../kernels/camformer/train';
import { INITS, Model, type BuildOptions } from '../kernels/camformer/model';
import { loadTrainingSet } from '../data/load-store';
import { choiceOption, numberOption, parseCommandArgs, requireOption, type Command } from './args';
import { dataArgument, isNamedDataSet } from './common';
import { guardCheckpoint } from './outputs';
import { guardOutput, recoverDirectory } from '../io/output-guard';
import { terminalProgress } from './progress';

const trainUsage =
  'cislab train --model NAME --data FILE --out DIR [--recipe paper|paper-large] [--epochs 20] [--batch-size 256] [--lr 1e-3] ' +
  '[--loss l1|mse|huber (default: l1)] [--huber-delta 1] [--optimizer adamw|adam|lion|sgd (default: adamw)] ' +
  '[--schedule plateau|onecycle|cosine|constant (default: plateau)] [--patience 5] [--split random|stratified (default: random)] ' +
  '[--init he|pytorch (default: he; with --recipe: pytorch)] [--seed 0] [--engine auto|onnx|tfjs (default: auto)] ' +
  '[--workers 2 (default: 2; with --recipe: 1)] [--max-steps N (default: no limit)] [--validation 0.08 (default: 0.08; with --recipe: 0.05)] ' +
  '[--checkpoint DIR (default: OUT.checkpoint)] [--checkpoint-every STEPS (default: epoch ends only)] [--resume] [--force] [--data-dir DIR]';

export const trainCommand: Command = {
  name: 'train',
  usage: trainUsage,
  summary: 'train a model (camformer, camformer-small, camformer-mini, or a config .json) on a promoter file; checkpoints every epoch (default DIR.checkpoint); --workers 2 (default) splits each batch over two threads with per-half batch norm, --workers 1 is the single-batch reference recipe (tfjs engine); --engine auto (default) trains on ONNX Runtime where it loads and can run the recipe, and says which engine it chose; --recipe paper trains as the authors did (their run for the preset: loss, ReduceLROnPlateau or OneCycle as PyTorch, 50 epochs, patience 10, stratified 90/5/5 split, dropped partial batches, one thread, PyTorch default init; options given explicitly override it)',
  async run(argv) {
    const { values } = parseCommandArgs({ name: 'train', usage: trainUsage }, argv, {
      model: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' }, recipe: { type: 'string' },
      epochs: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' }, loss: { type: 'string' }, 'huber-delta': { type: 'string' },
      optimizer: { type: 'string' }, schedule: { type: 'string' }, patience: { type: 'string' }, seed: { type: 'string' },
      split: { type: 'string' }, init: { type: 'string' },
      resume: { type: 'boolean', default: false }, checkpoint: { type: 'string' }, 'data-dir': { type: 'string' },
      workers: { type: 'string' }, engine: { type: 'string' }, 'max-steps': { type: 'string' }, validation: { type: 'string' }, 'checkpoint-every': { type: 'string' },
      force: { type: 'boolean', default: false },
    });
    const name = requireOption(values['model'] as string, 'model', trainUsage);
    const data = requireOption(values['data'] as string, 'data', trainUsage);
    const out = requireOption(values['out'] as string, 'out', trainUsage);
    const recipe = choiceOption(values['recipe'] as string | undefined, 'recipe', RECIPES);
    const engine = choiceOption(values['engine'] as string | undefined, 'engine', TRAINING_ENGINES);
    // Options not given stay undefined, so fit's defaults — or the recipe's — apply.
    const optional = (option: string, rule: { integer?: boolean; min?: number } = {}) =>
      values[option] === undefined ? undefined : numberOption(values[option] as string, option, 0, rule);
    const seed = numberOption(values['seed'] as string, 'seed', 0, { integer: true, min: 0 });
    const force = values['force'] as boolean;
    const resume = values['resume'] as boolean;
    // Everything about the outputs is checked before any work: a refusal after hours of training helps no one.
    const checkpointDir = (values['checkpoint'] as string | undefined) ?? `${out}.checkpoint`;
    recoverDirectory(out);
    guardOutput(out, { kind: 'directory', force, inputs: [data, name, values['data-dir'] as string | undefined] });
    guardCheckpoint(checkpointDir, { resume, force, inputs: [data, name] });
    const backend = await initBackend();
    console.error(`cislab train: backend ${backend}${recipe ? `, the authors' recipe (${recipe})` : ''}`);
    const init = choiceOption(values['init'] as string | undefined, 'init', INITS) ?? (recipe ? 'pytorch' : 'he');
    const fitOptions: CliFitOptions = {
      recipe,
      epochs: optional('epochs', { integer: true, min: 1 }),
      batchSize: optional('batch-size', { integer: true, min: 1 }),
      lr: optional('lr', { min: 0 }),
      loss: choiceOption(values['loss'] as string | undefined, 'loss', LOSSES),
      huberDelta: optional('huber-delta', { min: 0 }),
      optimizer: choiceOption(values['optimizer'] as string | undefined, 'optimizer', OPTIMIZERS),
      schedule: choiceOption(values['schedule'] as string | undefined, 'schedule', SCHEDULES),
      patience: optional('patience', { integer: true, min: 1 }),
      split: choiceOption(values['split'] as string | undefined, 'split', ['random', 'stratified'] as const),
      seed,
      engine,
      onEngine: (choice) => console.error(`cislab train: engine ${choice.engine} (${choice.reason})`),
      // tfjs engine, data parallel by default: half of each batch in a worker thread (wasm is one core per thread);
      // the recipe: one thread.
      workers: optional('workers', { integer: true, min: 1 }) ?? (recipe ? undefined : 2),
      // Beside the model, not inside it: the model directory is replaced atomically when saved.
      checkpointDir,
      checkpointEvery: optional('checkpoint-every', { integer: true, min: 1 }),
      // A share of the rows held out for early stopping (validated 1,024 rows at a time, so memory does not grow
      // with it); default 0.08, the recipe's 0.05.
      validation: optional('validation', { min: 0 }),
      maxSteps: optional('max-steps', { integer: true, min: 1 }),
      resume,
      onProgress: terminalProgress,
    };
    const model = isNamedDataSet(data) ? await trainOnNamedSet(name, data, values['data-dir'] as string | undefined, { seed, init }, fitOptions)
      : await trainOnFile(name, data, { seed, init }, fitOptions);
    // The model carries the preprocessing it was trained with, so predict applies the same length rule.
    model.preprocessing = { ...CAMFORMER_PREPROCESSING, ...model.preprocessing };
    saveModel(model, out, { replace: force });
    const last = model.history[model.history.length - 1];
    console.log(`saved ${model.config.name} to ${out} (${model.history.length} epochs; last val r ${last?.valPearson?.toFixed(4) ?? 'n/a'})`);
    return 0;
  },
};

/** Trains on `dream2022:…` or `simulate:N` through the DSL, saying what reading and preprocessing kept and dropped. */
async function trainOnNamedSet(name: string, data: string, dataDir: string | undefined, build: BuildOptions, options: CliFitOptions): Promise<Model> {
  const stage = dataArgument(data, dataDir).preprocess();
  const log = (await stage.summary()).objects() as { step: string; rows: number; detail: string }[];
  for (const row of log) console.error(`cislab train: ${row.step}: ${row.rows} rows (${row.detail})`);
  if (!log.length || log[log.length - 1]!.rows === 0) throw new InputError('no sequences left to train on after preprocessing (see the lines above)', { option: 'data' });
  return stage.model(name, build).fit(options);
}

/** What the command passes to training: fit's options with the validation share as a number. */
type CliFitOptions = Omit<FitOptions, 'validation'> & { validation?: number };

/**
 * Streams `file` into a sequence store with Camformer preprocessing, says what preprocessing dropped, padded or
 * truncated, and trains a new network named `name` (preset or config .json) on it.
 */
async function trainOnFile(name: string, file: string, build: BuildOptions, options: CliFitOptions): Promise<Model> {
  const { predictor, trained } = await resolvePredictor(name, build);
  if (trained || !(predictor instanceof Model)) {
    throw new ModelError(`--model names the network to train: a preset or a config .json file, not a saved model ('${name}')`, { option: 'model' });
  }
  const model = predictor;
  const started = performance.now();
  const set = await loadTrainingSet(file, {
    onProgress: (read) => {
      if (process.stderr.isTTY && read % 1_048_576 < 8192) process.stderr.write(`\rreading ${file}: ${read.toLocaleString('en')} rows`);
    },
  });
  const { kept, length, N, padded, truncated } = set.counts;
  console.error(`${process.stderr.isTTY ? '\r' : ''}read ${set.read.toLocaleString('en')} rows of ${file} in ${((performance.now() - started) / 1000).toFixed(1)} s: ` +
    `${kept.toLocaleString('en')} kept (${padded} padded, ${truncated} truncated to ${set.store.length} nt), ` +
    `${length} dropped for their length, ${N} for too many N`);
  if (kept === 0) throw new ModelError(`no sequence of ${file} is left to train on after preprocessing`, { option: 'data' });
  await fit(model, { x: set.rows(model.encoding), y: set.expression }, options);
  return model;
}
