/**
 * `cislab deeprage` and `cislab seq2exp`: train the two other founding models (on the simulators, or DeepRAGE
 * on a real matrix) and write their tables as TSV into one folder, each a thin layer over the DSL.
 */
import { join } from 'node:path';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { initBackend } from '../kernels/tensor/backend';
import { DEEPRAGE_JOINS, type DeepRageJoin, type DeepRageTask } from '../kernels/deeprage/model';
import { DEEPRAGE_SPLITS, type DeepRageSplitKind } from '../kernels/deeprage/train';
import type { MaskKind } from '../kernels/seq2exp/model';
import { DEEPRAGE_RECIPES } from '../kernels/deeprage/recipe';
import { SEQ2EXP_RECIPES } from '../kernels/seq2exp/recipe';
import { deeprage, type DeepRageStage } from '../dsl/deeprage-stage';
import { seq2exp } from '../dsl/seq2exp-stage';
import { choiceOption, numberOption, parseCommandArgs, requireOption, type Command } from './args';
import { writeTsv } from './common';
import { createOutputDirectory, guardOutput } from '../io/output-guard';
import { terminalProgress } from './progress';

const deeprageUsage =
  'cislab deeprage (--simulate [--genes 1500] [--conditions 16] [--promoter-length 300] [--anchor tss|atg] | --matrix FILE --regulators FILE --promoters FILE) ' +
  '[--split gene|condition|pair] [--join concat|tensor|rnn] [--task regression|classification] [--recipe paper] [--epochs 10] [--seed 1] [--force] --out DIR';

export const deeprageCommand: Command = {
  name: 'deeprage',
  usage: deeprageUsage,
  summary: 'train DeepRAGE (promoter + regulator expression → expression) on the simulator or a genes × conditions matrix; writes history, scores, filter motifs (and confusion, knock-out target recovery) as TSV',
  async run(argv) {
    const { values } = parseCommandArgs({ name: 'deeprage', usage: deeprageUsage }, argv, {
      simulate: { type: 'boolean', default: false }, matrix: { type: 'string' }, regulators: { type: 'string' }, promoters: { type: 'string' },
      genes: { type: 'string' }, conditions: { type: 'string' }, 'promoter-length': { type: 'string' },
      split: { type: 'string' }, join: { type: 'string' }, task: { type: 'string' }, epochs: { type: 'string' }, seed: { type: 'string' },
      out: { type: 'string' }, recipe: { type: 'string' }, anchor: { type: 'string' }, force: { type: 'boolean', default: false },
    });
    const out = requireOption(values['out'] as string, 'out', deeprageUsage);
    const recipe = choiceOption(values['recipe'] as string | undefined, 'recipe', DEEPRAGE_RECIPES);
    const anchor = choiceOption(values['anchor'] as string | undefined, 'anchor', ['tss', 'atg'] as const);
    const split: DeepRageSplitKind = choiceOption(values['split'] as string | undefined, 'split', DEEPRAGE_SPLITS, 'gene');
    const joinKind: DeepRageJoin = choiceOption(values['join'] as string | undefined, 'join', DEEPRAGE_JOINS, 'tensor');
    const task: DeepRageTask = choiceOption(values['task'] as string | undefined, 'task', ['regression', 'classification'] as const, 'regression');
    const seed = numberOption(values['seed'] as string, 'seed', 1, { integer: true, min: 0 });
    const epochs = numberOption(values['epochs'] as string, 'epochs', 10, { integer: true, min: 1 });
    const files = ['matrix', 'regulators', 'promoters'].filter((name) => values[name] !== undefined);
    if (values['simulate'] === (files.length > 0)) throw new OptionError(`give either --simulate or --matrix, --regulators and --promoters (cislab deeprage --help)`, { option: 'simulate' });
    console.error(`cislab deeprage: backend ${await initBackend()}`);
    guardOutput(out, { kind: 'directory', force: values['force'] as boolean });
    createOutputDirectory(out, 'deeprage');

    let stage: DeepRageStage;
    if (values['simulate']) {
      stage = deeprage.simulate({
        genes: numberOption(values['genes'] as string, 'genes', 1500, { integer: true, min: 20 }),
        conditions: numberOption(values['conditions'] as string, 'conditions', 16, { integer: true, min: 4 }),
        promoterLength: numberOption(values['promoter-length'] as string, 'promoter-length', 300, { integer: true, min: 20 }),
        regulators: 3, decoys: 3, seed, anchor,
      });
    } else {
      const read = deeprage.read({
        matrix: requireOption(values['matrix'] as string, 'matrix', deeprageUsage),
        regulators: requireOption(values['regulators'] as string, 'regulators', deeprageUsage),
        promoters: requireOption(values['promoters'] as string, 'promoters', deeprageUsage),
      });
      stage = read.stage;
      const dropped = await read.dropped();
      write(dropped, out, 'dropped.tsv');
      if (dropped.numRows()) console.error(`dropped ${dropped.numRows()} genes/regulators that could not be matched (see dropped.tsv)`);
    }
    const data = await stage.data();
    console.error(`${data.genes.length} genes × ${data.conditions.length} conditions, ${data.regulators.length} regulators`);

    const fit = stage.fit({
      join: joinKind, task, split, epochs, seed, recipe,
      onProgress: terminalProgress,
    });
    write((await fit.history()).table, out, 'history.tsv');
    const scores = await fit.evaluate();
    write(scores.table, out, 'scores.tsv');
    const test = scores.table.objects()[2] as Record<string, number>;
    if (task === 'regression') {
      console.log(`test (${split} split, ${joinKind} join): Pearson r ${test['pearson']!.toFixed(3)}, Spearman ρ ${test['spearman']!.toFixed(3)}, MSE ${test['mse']!.toFixed(4)} (${test['pairs']} pairs)`);
    } else {
      write((await fit.confusion('test')).table, out, 'confusion.tsv');
      console.log(`test (${split} split, ${joinKind} join): accuracy ${(100 * test['accuracy']!).toFixed(1)}% (majority class ${(100 * test['majority']!).toFixed(1)}%; ${test['pairs']} pairs)`);
    }
    write((await fit.filterMotifs()).table, out, 'filter-motifs.tsv');
    if (values['simulate'] && task === 'regression') {
      const recovery = await fit.targetRecovery();
      write(recovery.table, out, 'target-recovery.tsv');
      const aurocs = recovery.table.array('filterAuroc') as number[];
      console.log(`filter knock-outs recover the simulated targets: mean AUROC ${(aurocs.reduce((a, b) => a + b, 0) / aurocs.length).toFixed(3)} over ${aurocs.length} regulators`);
    }
    console.log(`wrote the tables to ${out}`);
    (await fit).model.dispose();
    return 0;
  },
};

const seq2expUsage =
  'cislab seq2exp [--simulate 400] [--length 1000] [--mask soft|hard] [--ratio 0.05] [--recipe airs] [--epochs 15] [--retrain-epochs 0] [--seed 1] [--force] --out DIR';

export const seq2expCommand: Command = {
  name: 'seq2exp',
  usage: seq2expUsage,
  summary: 'train Seq2Exp (sequence + signal tracks → expression through a learned sparse mask) on N simulated regions; writes history, scores, learned mask vs peaks (and retrain-on-selection) as TSV',
  async run(argv) {
    const { values } = parseCommandArgs({ name: 'seq2exp', usage: seq2expUsage }, argv, {
      simulate: { type: 'string' }, length: { type: 'string' }, mask: { type: 'string' }, ratio: { type: 'string' },
      epochs: { type: 'string' }, 'retrain-epochs': { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' },
      recipe: { type: 'string' }, force: { type: 'boolean', default: false },
    });
    const recipe = choiceOption(values['recipe'] as string | undefined, 'recipe', SEQ2EXP_RECIPES);
    const out = requireOption(values['out'] as string, 'out', seq2expUsage);
    const n = numberOption(values['simulate'] as string, 'simulate', 400, { integer: true, min: 10 });
    const length = numberOption(values['length'] as string, 'length', 1000, { integer: true, min: 200 });
    const mask: MaskKind = choiceOption(values['mask'] as string | undefined, 'mask', ['soft', 'hard'] as const, 'soft');
    const ratio = numberOption(values['ratio'] as string, 'ratio', 0.05, { min: 0 });
    if (!(ratio > 0 && ratio < 1)) throw new OptionError(`expected a ratio in (0, 1), got ${ratio}`, { option: 'ratio' });
    const epochs = numberOption(values['epochs'] as string, 'epochs', 15, { integer: true, min: 1 });
    const retrainEpochs = numberOption(values['retrain-epochs'] as string, 'retrain-epochs', 0, { integer: true, min: 0 });
    const seed = numberOption(values['seed'] as string, 'seed', 1, { integer: true, min: 0 });
    console.error(`cislab seq2exp: backend ${await initBackend()}`);
    guardOutput(out, { kind: 'directory', force: values['force'] as boolean });
    createOutputDirectory(out, 'seq2exp');

    const stage = seq2exp.simulate({ n, length, seed });
    const fit = stage.fit({
      mask, maskRatio: ratio, epochs, seed, recipe,
      onProgress: terminalProgress,
    });
    write((await fit.history()).table, out, 'history.tsv');
    const scores = await fit.evaluate();
    write(scores.table, out, 'scores.tsv');
    const test = scores.table.objects()[2] as Record<string, number>;
    console.log(`test (${test['regions']} regions, ${mask} mask): MSE ${test['mse']!.toFixed(4)}, MAE ${test['mae']!.toFixed(4)}, Pearson r ${test['pearson']!.toFixed(3)}`);
    const regions = await fit.compareRegions({ ratio });
    write(regions.table, out, 'regions.tsv');
    const coverage = Object.fromEntries((regions.table.objects() as { method: string; coverage: number }[]).map((r) => [r.method, r.coverage]));
    console.log(`causal bases covered at mask ratio ${ratio}: learned mask ${fmt(coverage['seq2exp mask'])}, peaks (all tracks) ${fmt(coverage['peaks (all tracks)'])}, random ${fmt(coverage['random'])}`);
    if (retrainEpochs > 0) {
      const retrained = await fit.retrain({ ratio, epochs: retrainEpochs });
      write(retrained.table, out, 'retrain.tsv');
      for (const r of retrained.table.objects() as { selection: string; ratio: number; pearson: number }[]) console.log(`retrained on ${r.selection} (ratio ${r.ratio}): test Pearson r ${fmt(r.pearson)}`);
    }
    console.log(`wrote the tables to ${out}`);
    (await fit).model.dispose();
    return 0;
  },
};

function write(table: ColumnTable, dir: string, name: string): void {
  writeTsv(table, join(dir, name));
}

function fmt(x: number | undefined): string {
  return x === undefined ? 'n/a' : x.toFixed(3);
}
