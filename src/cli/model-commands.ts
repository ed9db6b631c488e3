/**
 * `cislab train`: training on the command line. A promoter file is streamed into a compact sequence store
 * (`loadTrainingSet`: ~51 bytes per 110-nt row, no table), so the 6.7 M-row DREAM training set trains in a few
 * GB; the named data sets (`dream2022:…`, `simulate:N`) go through the DSL. The streamed `predict` and `ism`
 * commands are in predict-ism.ts.
 */
import { InputError, ModelError } from '../errors';
import { CAMFORMER_PREPROCESSING } from '../data/preprocess';
import { initBackend } from '../kernels/tensor/backend';
import { LOSSES, type LossName } from '../kernels/tensor/losses';
import type { OptimizerName } from '../kernels/tensor/optimizers';
import type { ScheduleName } from '../kernels/tensor/schedules';
import { TRAINING_ENGINES } from '../kernels/camformer/engine';
import { saveModel } from '../kernels/camformer/persistence';
import { resolvePredictor } from '../kernels/camformer/resolve';
import { fit, type FitOptions } from '../kernels/camformer/train';
import { Model } from '../kernels/camformer/model';
import { loadTrainingSet } from '../data/load-store';
import { choiceOption, numberOption, parseCommandArgs, requireOption, type Command } from './args';
import { dataArgument, isNamedDataSet } from './common';
import { guardCheckpoint } from './outputs';
import { guardOutput, recoverDirectory } from '../io/output-guard';
import { terminalProgress } from './progress';

const trainUsage =
  'cislab train --model NAME --data FILE --out DIR [--epochs 20] [--batch-size 256] [--lr 1e-3] [--loss l1|mse|huber (default: l1)] ' +
  '[--optimizer adamw|lion (default: adamw)] [--schedule plateau|onecycle|cosine|constant (default: plateau)] [--patience 5] [--seed 0] [--engine auto|onnx|tfjs (default: auto)] [--workers 2] [--max-steps N (default: no limit)] [--validation 0.08] ' +
  '[--checkpoint DIR (default: OUT.checkpoint)] [--checkpoint-every STEPS (default: epoch ends only)] [--resume] [--force] [--data-dir DIR]';

export const trainCommand: Command = {
  name: 'train',
  usage: trainUsage,
  summary: 'train a model (camformer, camformer-small, camformer-mini, or a config .json) on a promoter file; checkpoints every epoch (default DIR.checkpoint); --workers 2 (default) splits each batch over two threads with per-half batch norm, --workers 1 is the single-batch reference recipe (tfjs engine); --engine auto (default) trains on ONNX Runtime where it loads, and says which engine it chose',
  async run(argv) {
    const { values } = parseCommandArgs({ name: 'train', usage: trainUsage }, argv, {
      model: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' },
      epochs: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' }, loss: { type: 'string' },
      optimizer: { type: 'string' }, schedule: { type: 'string' }, patience: { type: 'string' }, seed: { type: 'string' },
      resume: { type: 'boolean', default: false }, checkpoint: { type: 'string' }, 'data-dir': { type: 'string' },
      workers: { type: 'string' }, engine: { type: 'string' }, 'max-steps': { type: 'string' }, validation: { type: 'string' }, 'checkpoint-every': { type: 'string' },
      force: { type: 'boolean', default: false },
    });
    const name = requireOption(values['model'] as string, 'model', trainUsage);
    const data = requireOption(values['data'] as string, 'data', trainUsage);
    const out = requireOption(values['out'] as string, 'out', trainUsage);
    const loss: LossName = choiceOption(values['loss'] as string | undefined, 'loss', LOSSES, 'l1');
    const engine = choiceOption(values['engine'] as string | undefined, 'engine', TRAINING_ENGINES);
    const seed = numberOption(values['seed'] as string, 'seed', 0, { integer: true, min: 0 });
    const force = values['force'] as boolean;
    const resume = values['resume'] as boolean;
    // Everything about the outputs is checked before any work: a refusal after hours of training helps no one.
    const checkpointDir = (values['checkpoint'] as string | undefined) ?? `${out}.checkpoint`;
    recoverDirectory(out);
    guardOutput(out, { kind: 'directory', force, inputs: [data, name, values['data-dir'] as string | undefined] });
    guardCheckpoint(checkpointDir, { resume, force, inputs: [data, name] });
    const backend = await initBackend();
    console.error(`cislab train: backend ${backend}`);
    const fitOptions: CliFitOptions = {
      epochs: numberOption(values['epochs'] as string, 'epochs', 20, { integer: true, min: 1 }),
      batchSize: numberOption(values['batch-size'] as string, 'batch-size', 256, { integer: true, min: 1 }),
      lr: numberOption(values['lr'] as string, 'lr', 1e-3, { min: 0 }),
      loss,
      optimizer: ((values['optimizer'] as string) ?? 'adamw') as OptimizerName,
      schedule: ((values['schedule'] as string) ?? 'plateau') as ScheduleName,
      patience: numberOption(values['patience'] as string, 'patience', 5, { integer: true, min: 1 }),
      seed,
      engine,
      onEngine: (choice) => console.error(`cislab train: engine ${choice.engine} (${choice.reason})`),
      // tfjs engine, data parallel: half of each batch in a worker thread (wasm is one core per thread).
      workers: numberOption(values['workers'] as string, 'workers', 2, { integer: true, min: 1 }),
      // Beside the model, not inside it: the model directory is replaced atomically when saved.
      checkpointDir,
      checkpointEvery: values['checkpoint-every'] === undefined ? undefined : numberOption(values['checkpoint-every'] as string, 'checkpoint-every', 1, { integer: true, min: 1 }),
      // A share of the rows held out for early stopping (validated 1,024 rows at a time, so memory does not grow with it).
      validation: numberOption(values['validation'] as string, 'validation', 0.08, { min: 0 }),
      maxSteps: values['max-steps'] === undefined ? undefined : numberOption(values['max-steps'] as string, 'max-steps', 1, { integer: true, min: 1 }),
      resume,
      onProgress: terminalProgress,
    };
    const model = isNamedDataSet(data) ? await trainOnNamedSet(name, data, values['data-dir'] as string | undefined, seed, fitOptions) : await trainOnFile(name, data, seed, fitOptions);
    // The model carries the preprocessing it was trained with, so predict applies the same length rule.
    model.preprocessing = { ...CAMFORMER_PREPROCESSING, ...model.preprocessing };
    saveModel(model, out, { replace: force });
    const last = model.history[model.history.length - 1];
    console.log(`saved ${model.config.name} to ${out} (${model.history.length} epochs; last val r ${last?.valPearson?.toFixed(4) ?? 'n/a'})`);
    return 0;
  },
};

/** Trains on `dream2022:…` or `simulate:N` through the DSL, saying what reading and preprocessing kept and dropped. */
async function trainOnNamedSet(name: string, data: string, dataDir: string | undefined, seed: number, options: CliFitOptions): Promise<Model> {
  const stage = dataArgument(data, dataDir).preprocess();
  const log = (await stage.summary()).objects() as { step: string; rows: number; detail: string }[];
  for (const row of log) console.error(`cislab train: ${row.step}: ${row.rows} rows (${row.detail})`);
  if (!log.length || log[log.length - 1]!.rows === 0) throw new InputError('no sequences left to train on after preprocessing (see the lines above)', { option: 'data' });
  return stage.model(name, { seed }).fit(options);
}

/** What the command passes to training: fit's options with the validation share as a number. */
type CliFitOptions = Omit<FitOptions, 'validation'> & { validation?: number };

/**
 * Streams `file` into a sequence store with Camformer preprocessing, says what preprocessing dropped, padded or
 * truncated, and trains a new network named `name` (preset or config .json) on it.
 */
async function trainOnFile(name: string, file: string, seed: number, options: CliFitOptions): Promise<Model> {
  const { predictor, trained } = resolvePredictor(name, { seed });
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
