/**
 * `cislab train`, `cislab predict` and `cislab ism`: the model side of the command line, each a thin layer
 * over the DSL (which calls the kernels).
 */
import { currentBackend, initBackend } from '../kernels/tensor/backend';
import { INFERENCE_ENGINES, inferenceEngine } from '../kernels/camformer/predict';
import { LOSSES } from '../kernels/tensor/losses';
import { OPTIMIZERS } from '../kernels/tensor/optimizers';
import { SCHEDULES } from '../kernels/tensor/schedules';
import { INITS } from '../kernels/camformer/model';
import { RECIPES } from '../kernels/camformer/recipe';
import { saveModel } from '../kernels/camformer/persistence';
import { choiceOption, numberOption, parseCommandArgs, requireOption, type Command } from './args';
import { dataArgument, parseRegion, writeTsv } from './common';
import { terminalProgress } from './progress';

const trainUsage =
  'cislab train --model NAME --data FILE --out DIR [--recipe paper|paper-large] [--epochs 20] [--batch-size 256] [--lr 1e-3] ' +
  '[--loss l1|mse|huber] [--huber-delta 1] [--optimizer adamw|adam|lion|sgd] [--schedule plateau|onecycle|cosine|constant] [--patience 5] ' +
  '[--split random|stratified] [--init he|pytorch] [--seed 0] [--workers 2] [--max-steps N] ' +
  '[--checkpoint DIR] [--checkpoint-every STEPS] [--resume] [--data-dir DIR]';

export const trainCommand: Command = {
  name: 'train',
  usage: trainUsage,
  summary: 'train a model (camformer, camformer-small, camformer-mini, or a config .json) on a promoter file; checkpoints every epoch (default DIR.checkpoint); --workers 2 (default) splits each batch over two threads with per-half batch norm, --workers 1 is the single-batch reference recipe; --recipe paper trains as the authors did (their run for the preset: loss, ReduceLROnPlateau or OneCycle as PyTorch, 50 epochs, patience 10, stratified 90/5/5 split, dropped partial batches, one thread, PyTorch default init; options given explicitly override it)',
  async run(argv) {
    const { values } = parseCommandArgs({ name: 'train', usage: trainUsage }, argv, {
      model: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' }, recipe: { type: 'string' },
      epochs: { type: 'string' }, 'batch-size': { type: 'string' }, lr: { type: 'string' }, loss: { type: 'string' }, 'huber-delta': { type: 'string' },
      optimizer: { type: 'string' }, schedule: { type: 'string' }, patience: { type: 'string' }, seed: { type: 'string' },
      split: { type: 'string' }, init: { type: 'string' },
      resume: { type: 'boolean', default: false }, checkpoint: { type: 'string' }, 'data-dir': { type: 'string' },
      workers: { type: 'string' }, 'max-steps': { type: 'string' }, 'checkpoint-every': { type: 'string' },
    });
    const name = requireOption(values['model'] as string, 'model', trainUsage);
    const data = requireOption(values['data'] as string, 'data', trainUsage);
    const out = requireOption(values['out'] as string, 'out', trainUsage);
    const recipe = choiceOption(values['recipe'] as string | undefined, 'recipe', RECIPES);
    // Options not given stay undefined, so fit's defaults — or the recipe's — apply.
    const optional = (option: string, rule: { integer?: boolean; min?: number } = {}) =>
      values[option] === undefined ? undefined : numberOption(values[option] as string, option, 0, rule);
    const seed = numberOption(values['seed'] as string, 'seed', 0, { integer: true, min: 0 });
    const backend = await initBackend();
    console.error(`cislab train: backend ${backend}${recipe ? `, the authors' recipe (${recipe})` : ''}`);
    const stage = dataArgument(data, values['data-dir'] as string).preprocess();
    const init = choiceOption(values['init'] as string | undefined, 'init', INITS) ?? (recipe ? 'pytorch' : 'he');
    const model = await stage.model(name, { seed, init }).fit({
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
      // Data parallel by default: half of each batch in a worker thread (wasm is one core per thread); the recipe: one thread.
      workers: optional('workers', { integer: true, min: 1 }) ?? (recipe ? undefined : 2),
      // Beside the model, not inside it: the model directory is replaced atomically when saved.
      checkpointDir: (values['checkpoint'] as string | undefined) ?? `${out}.checkpoint`,
      checkpointEvery: optional('checkpoint-every', { integer: true, min: 1 }),
      maxSteps: optional('max-steps', { integer: true, min: 1 }),
      resume: values['resume'] as boolean,
      onProgress: terminalProgress,
    });
    saveModel(model, out);
    const last = model.history[model.history.length - 1];
    console.log(`saved ${model.config.name} to ${out} (${model.history.length} epochs; last val r ${last?.valPearson?.toFixed(4) ?? 'n/a'})`);
    return 0;
  },
};

const predictUsage = 'cislab predict --model DIR --data FILE --out FILE [--reverse-complement] [--engine auto|onnx|tfjs] [--workers N] [--data-dir DIR]';

export const predictCommand: Command = {
  name: 'predict',
  usage: predictUsage,
  summary: 'predict expression for every sequence of a file with a saved model; writes id (idx) and prediction as TSV',
  async run(argv) {
    const { values } = parseCommandArgs({ name: 'predict', usage: predictUsage }, argv, {
      model: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' },
      'reverse-complement': { type: 'boolean', default: false }, workers: { type: 'string' }, 'data-dir': { type: 'string' },
      engine: { type: 'string' },
    });
    const dir = requireOption(values['model'] as string, 'model', predictUsage);
    const data = requireOption(values['data'] as string, 'data', predictUsage);
    const out = requireOption(values['out'] as string, 'out', predictUsage);
    await initBackend();
    const { table: predictions } = await dataArgument(data, values['data-dir'] as string).model(dir).predict({
      reverseComplement: values['reverse-complement'] as boolean,
      workers: numberOption(values['workers'] as string, 'workers', 1, { integer: true, min: 1 }),
      engine: choiceOption(values['engine'] as string | undefined, 'engine', INFERENCE_ENGINES),
    });
    const keep = ['id', 'idx', 'prediction'].filter((c) => predictions.columnNames().includes(c));
    writeTsv(predictions.select(...keep), out);
    console.log(`wrote ${predictions.numRows()} predictions to ${out}`);
    return 0;
  },
};

const ismUsage = 'cislab ism --model DIR --data FILE [--region 18-97] [--limit N] [--engine auto|onnx|tfjs] --out FILE.tsv [--data-dir DIR]';

export const ismCommand: Command = {
  name: 'ism',
  usage: ismUsage,
  summary: 'in silico saturation mutagenesis: one row per sequence × position × alternative base',
  async run(argv) {
    const { values } = parseCommandArgs({ name: 'ism', usage: ismUsage }, argv, {
      model: { type: 'string' }, data: { type: 'string' }, out: { type: 'string' }, region: { type: 'string' },
      limit: { type: 'string' }, 'data-dir': { type: 'string' }, engine: { type: 'string' },
    });
    const dir = requireOption(values['model'] as string, 'model', ismUsage);
    const data = requireOption(values['data'] as string, 'data', ismUsage);
    const out = requireOption(values['out'] as string, 'out', ismUsage);
    await initBackend();
    let stage = dataArgument(data, values['data-dir'] as string);
    if (values['limit'] !== undefined) stage = stage.head(numberOption(values['limit'] as string, 'limit', 0, { integer: true, min: 1 }));
    const started = performance.now();
    const engine = choiceOption(values['engine'] as string | undefined, 'engine', INFERENCE_ENGINES);
    console.error(`cislab ism: predicting with ${inferenceEngine(engine) === 'onnx' ? 'ONNX Runtime' : `tfjs (${currentBackend()})`}`);
    const { table } = await stage.model(dir).ism({
      region: parseRegion(values['region'] as string), engine,
      onProgress: (done, total) => process.stderr.write(`\rism ${done}/${total}`),
    });
    process.stderr.write('\n');
    writeTsv(table.select('id', 'position', 'ref', 'alt', 'prediction', 'reference', 'effect'), out);
    const seconds = (performance.now() - started) / 1000;
    console.log(`wrote ${table.numRows()} variants to ${out} in ${seconds.toFixed(1)} s (${Math.round(table.numRows() / seconds)} variants/s)`);
    return 0;
  },
};
