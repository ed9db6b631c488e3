/**
 * `cislab main`: the README's main job on the embedded default. Trains camformer-mini on DREAM2022
 * `demo_train` (the simulator when the DREAM data cannot be found), predicts the 71,103-sequence DREAM test
 * set, scores it as the challenge did (private split), and writes the model, predictions, the metrics table
 * and a measured-vs-predicted figure. Training checkpoints every epoch; running again resumes.
 */
import { join } from 'node:path';
import * as aq from 'arquero';
import { initBackend } from '../kernels/tensor/backend';
import { saveModel } from '../kernels/camformer/persistence';
import { writeFileAtomic } from '../io/atomic';
import { createOutputDirectory, guardOutput, outputMarkerKind } from '../io/output-guard';
import { promoters, type Promoters } from '../dsl/promoters';
import { densityScatter } from '../viz/scatter';
import { render } from '../viz/render';
import { numberOption, parseCommandArgs, type Command } from './args';
import { dreamDataAvailable, writeTsv } from './common';
import { evaluationJson, formatEvaluation } from './evaluate';
import { terminalProgress } from './progress';
import type { DreamEvaluation } from '../data/dream2022/evaluate';
import { scoredWeight } from '../data/dream2022/score';

const usage = 'cislab main [--out DIR] [--epochs 3] [--quick] [--seed 7] [--workers 2] [--force] [--data-dir DIR]';

export const mainCommand: Command = {
  name: 'main',
  usage,
  summary: 'train camformer-mini on demo_train, evaluate on the DREAM2022 test set, write model, metrics and figure',
  async run(argv) {
    const { values } = parseCommandArgs({ name: 'main', usage }, argv, {
      out: { type: 'string', default: 'out/main' }, epochs: { type: 'string' }, quick: { type: 'boolean', default: false },
      seed: { type: 'string' }, workers: { type: 'string' }, 'data-dir': { type: 'string' },
      force: { type: 'boolean', default: false },
    });
    const out = values['out'] as string;
    const quick = values['quick'] as boolean;
    const dataDir = values['data-dir'] as string | undefined;
    // camformer-mini trains at ~75 sequences/s on wasm with 2 workers here: 3 epochs of demo_train take ~4 min.
    const epochs = numberOption(values['epochs'] as string, 'epochs', quick ? 1 : 3, { integer: true, min: 1 });
    const workers = numberOption(values['workers'] as string, 'workers', 2, { integer: true, min: 1 });
    const seed = numberOption(values['seed'] as string, 'seed', 7, { integer: true, min: 0 });
    // An earlier `cislab main` output is continued (its checkpoint resumes, its files are rewritten): that is what
    // re-running the README's main job means. Any other existing folder is refused unless it is a cislab output and
    // --force is given.
    guardOutput(out, { kind: 'directory', force: (values['force'] as boolean) || outputMarkerKind(out) === 'main', inputs: [dataDir] });
    createOutputDirectory(out, 'main');
    const started = performance.now();
    console.log(`cislab main: tfjs backend ${await initBackend()}`);

    const real = dreamDataAvailable(dataDir);
    let train: Promoters = real ? promoters.dream2022('demo_train', { dataDir }) : promoters.simulate({ n: 6000, seed: 1 });
    let test: Promoters = real ? promoters.dream2022('test', { dataDir }) : promoters.simulate({ n: 2000, seed: 2 });
    if (quick) [train, test] = [train.head(1000), test.head(2000)];
    console.log(real ? 'data: DREAM2022 demo_train → test' : 'data: DREAM2022 not found; using the built-in simulator');
    for (const row of (await train.summary()).objects() as { step: string; rows: number; detail: string }[]) {
      console.log(`  train ${row.step}: ${row.rows} rows (${row.detail})`);
    }

    const model = await train.model('camformer-mini', { seed }).fit({
      epochs, seed, workers, checkpointDir: join(out, 'checkpoint'), resume: true, onProgress: terminalProgress,
    });
    saveModel(model, join(out, 'model'), { replace: true });

    const evaluation = await test.model(model).evaluate({ split: quick ? 'all' : 'private', workers });
    const predictions = evaluation.predictions;
    const keep = ['id', 'idx', 'expression', 'prediction'].filter((c) => predictions.columnNames().includes(c));
    writeTsv(predictions.select(...keep), join(out, 'predictions.tsv'));
    writeTsv(evaluation.table, join(out, 'metrics.tsv'));
    if (evaluation.scores && evaluation.split) {
      const scored = {
        split: evaluation.split,
        pearsonScore: evaluation.scores.pearson,
        spearmanScore: evaluation.scores.spearman,
        subsets: evaluation.table.objects() as DreamEvaluation['subsets'],
        table: evaluation.table,
        unscored: evaluation.unscored ?? [],
        scoredWeight: scoredWeight(evaluation.unscored ?? []),
      };
      writeFileAtomic(join(out, 'metrics.json'), JSON.stringify(evaluationJson(scored), null, 2) + '\n');
      console.log(formatEvaluation(scored));
    } else {
      console.log(aq.from(evaluation.table.objects()).toMarkdown());
    }

    const spec = densityScatter(predictions, {
      x: 'expression', y: 'prediction', xTitle: 'measured expression', yTitle: 'predicted expression',
      title: `camformer-mini, ${epochs} epoch${epochs > 1 ? 's' : ''} on ${real ? 'demo_train' : 'simulated data'}`,
    });
    writeFileAtomic(join(out, 'figure.vl.json'), JSON.stringify(spec, null, 1) + '\n');
    writeFileAtomic(join(out, 'figure.svg'), await render(spec, 'svg'));
    writeFileAtomic(join(out, 'figure.png'), await render(spec, 'png'));
    console.log(`wrote model/, predictions.tsv, metrics.tsv, figure.{svg,png,vl.json} to ${out} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    return 0;
  },
};
