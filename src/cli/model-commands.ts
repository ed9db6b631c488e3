/**
 * `cislab train`: training on the command line, a thin layer over the DSL (which calls the kernels). The
 * streamed `predict` and `ism` commands are in predict-ism.ts.
 */
import { initBackend } from '../kernels/tensor/backend';
import { LOSSES } from '../kernels/tensor/losses';
import { OPTIMIZERS } from '../kernels/tensor/optimizers';
import { SCHEDULES } from '../kernels/tensor/schedules';
import { INITS } from '../kernels/camformer/model';
import { RECIPES } from '../kernels/camformer/recipe';
import { saveModel } from '../kernels/camformer/persistence';
import { choiceOption, numberOption, parseCommandArgs, requireOption, type Command } from './args';
import { dataArgument } from './common';
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
