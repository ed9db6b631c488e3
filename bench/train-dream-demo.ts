/**
 * Accuracy check: camformer-mini trained on DREAM demo_train (6,369 noisy sequences), Pearson r and
 * Spearman ρ on the 71,103 DREAM test sequences (measured_expr). Same recipe and budget as
 * `bench/reference/torch_models.py train` (L1, AdamW 1e-3/1e-3, batch 256, plateau schedule, 8% seeded
 * validation, early stopping on r + ρ, best weights). Sequences are padded with N at the 3′ end or truncated
 * to 110 nt. Compile as bench/train.bench.ts says, then:
 *   node out/bench-js/bench/train-dream-demo.js [--epochs 5] [--seed 7] [--workers 1|2] [--data ../shared/data/dream2022]
 *     [--engine auto|onnx|tfjs] [--val-index-out FILE] [--pred-out FILE] [--model-out DIR]
 * `--val-index-out` writes the 0-based rows of demo_train held out for validation (JSON), so that
 * `torch_models.py train --val-index FILE` trains on exactly the same split. `--pred-out` writes the test
 * predictions, one per line in test-file order, so that seed ensembles can be scored afterwards.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { initBackend } from '../src/kernels/tensor/backend';
import { buildModel } from '../src/kernels/camformer/model';
import { fit, validationIndices } from '../src/kernels/camformer/train';
import { predict } from '../src/kernels/camformer/predict';
import { saveModel } from '../src/kernels/camformer/persistence';
import { encode } from '../src/data/encode';
import { pearson, spearman } from '../src/stats/correlation';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const epochs = Number(arg('epochs', '5'));
const seed = Number(arg('seed', '7'));
const workers = Number(arg('workers', '1'));
const engine = arg('engine', 'auto') as 'auto' | 'onnx' | 'tfjs';
const dataDir = arg('data', process.env.CISLAB_DATA ? path.join(process.env.CISLAB_DATA, 'dream2022') : '/work/shared/data/dream2022');
const fit110 = (s: string) => (s.toUpperCase() + 'N'.repeat(110)).slice(0, 110);

async function main() {
  const backend = await initBackend();
  const rows = fs.readFileSync(path.join(dataDir, 'demo_train.txt'), 'utf8').split('\n').filter((l) => l.trim()).map((l) => l.split('\t'));
  const x = encode(rows.map((r) => fit110(r[0]!)), 'onehotWithP');
  const y = Float32Array.from(rows, (r) => Number(r[1]));
  const valIndexOut = arg('val-index-out', '');
  if (valIndexOut) fs.writeFileSync(valIndexOut, JSON.stringify(Array.from(validationIndices(y.length, 0.08, seed).validation)));
  const model = buildModel('camformer-mini', { seed });
  model.preprocessing = { targetLength: 110, pad: 'N at 3′', truncate: '3′' };
  const started = Date.now();
  await fit(model, { x, y }, {
    epochs, seed, patience: 5, workers, engine,
    onEngine: (choice) => process.stderr.write(`engine ${choice.engine}: ${choice.reason}\n`),
    onProgress: (e) => {
      if (e.type === 'epoch') {
        process.stderr.write(`epoch ${e.epoch}/${e.epochs} loss ${e.loss.toFixed(4)} val r ${e.metrics.valPearson?.toFixed(4)} ρ ${e.metrics.valSpearman?.toFixed(4)} ${e.examplesPerSecond.toFixed(1)} seq/s\n`);
      } else if (e.type === 'batch' && e.batch % 5 === 0) {
        process.stderr.write(`  batch ${e.batch}/${e.batches} loss ${e.loss.toFixed(4)} ${e.examplesPerSecond.toFixed(1)} seq/s ETA ${e.etaSeconds.toFixed(0)} s\n`);
      }
    },
  });
  const trainSeconds = (Date.now() - started) / 1000;
  saveModel(model, arg('model-out', 'out/bench/camformer-mini-demo'));
  const lines = zlib.gunzipSync(fs.readFileSync(path.join(dataDir, 'test.tsv.gz'))).toString('utf8').split('\n').filter((l) => l.trim());
  const header = lines[0]!.split('\t');
  const si = header.indexOf('sequence');
  const ei = header.indexOf('measured_expr');
  const test = lines.slice(1).map((l) => l.split('\t'));
  const tx = encode(test.map((t) => fit110(t[si]!)), 'onehotWithP');
  const ty = Float64Array.from(test, (t) => Number(t[ei]));
  const t0 = Date.now();
  const p = await predict(model, tx, { workers: 2, batchSize: 256 });
  const predictSeconds = (Date.now() - t0) / 1000;
  const predOut = arg('pred-out', '');
  if (predOut) fs.writeFileSync(predOut, Array.from(p, (v) => v.toPrecision(7)).join('\n') + '\n');
  console.log(JSON.stringify({
    model: 'camformer-mini', backend, engine, seed, epochs, workers, trainSeconds, predictSeconds, predictSeqPerSecond: ty.length / predictSeconds,
    testN: ty.length, testR: pearson(p, ty), testRho: spearman(p, ty),
    predMean: p.reduce((a, b) => a + b, 0) / p.length, measuredMean: ty.reduce((a, b) => a + b, 0) / ty.length, history: model.history,
  }));
}

void main();
