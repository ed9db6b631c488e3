/**
 * Training and prediction throughput (sequences/s) of camformer-mini, camformer-small and camformer on the
 * tfjs backend in use and (prediction) on ONNX Runtime when onnxruntime-node is installed, side by side with
 * the same networks in PyTorch (bench/reference/torch_models.py, 2 threads) and the ratio.
 *
 *   npm run build && node node_modules/typescript/bin/tsc --outDir out/bench-js --rootDir . --module commonjs \
 *     --target ES2022 --esModuleInterop --skipLibCheck --types node bench/train.bench.ts \
 *     && node out/bench-js/bench/train.bench.js [--models camformer-mini,...] [--batches 2] [--no-torch]
 *
 * Env: CISLAB_BACKEND forces the backend. Prediction is timed in this thread and in 2 worker threads
 * (each its own wasm backend). Batch 256 for training and prediction, random one-hot input. Results also go
 * to out/bench/train-bench.json.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/kernels/tensor/backend';
import { buildModel, countParameters } from '../src/kernels/camformer/model';
import { createOptimizer } from '../src/kernels/tensor/optimizers';
import { parallelTrainStep, trainStep } from '../src/kernels/camformer/step';
import { predict } from '../src/kernels/camformer/predict';
import { onnxRuntime } from '../src/kernels/camformer/onnx/runtime';
import { ModelWorker, PredictPool } from '../src/kernels/camformer/workers/pool';
import { encode, sliceEncoded } from '../src/data/encode';
import { createRandom } from '../src/stats/random';
import type { PresetName } from '../src/kernels/camformer/config';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const models = arg('models', 'camformer-mini,camformer-small,camformer').split(',') as PresetName[];
const batches = Number(arg('batches', '2'));
const batchSize = 256;

function randomSequences(n: number, seed: number): string[] {
  const rng = createRandom(seed);
  return Array.from({ length: n }, () => Array.from({ length: 110 }, () => 'ACGT'[rng.int(4)]).join(''));
}

async function benchTfjs(name: PresetName) {
  const model = buildModel(name, { seed: 1 });
  const encoded = encode(randomSequences(batchSize * batches, 2), model.encoding);
  const firstBatch = sliceEncoded(encoded, 0, batchSize);
  const x = tf.tensor3d(firstBatch.data, firstBatch.shape);
  const y = tf.randomNormal([batchSize]) as tf.Tensor1D;
  const optimizer = createOptimizer('adamw');
  await trainStep(model, optimizer, x, y, { lr: 1e-3, dropoutSeed: 0 }); // warm-up (XNNPACK operator set-up)
  let t = performance.now();
  let c = process.cpuUsage();
  for (let b = 0; b < batches; b++) await trainStep(model, optimizer, x, y, { lr: 1e-3, dropoutSeed: b + 1 });
  const train = (batches * batchSize * 1000) / (performance.now() - t);
  const trainCpu = (batches * batchSize) / cpuSeconds(c);
  // Data-parallel: half of each batch in a worker thread (fit's `workers: 2`).
  let train2 = NaN;
  try {
    const helper = new ModelWorker(model);
    await parallelTrainStep(model, optimizer, helper, x, y, { lr: 1e-3, dropoutSeed: 0 });
    t = performance.now();
    for (let b = 0; b < batches; b++) await parallelTrainStep(model, optimizer, helper, x, y, { lr: 1e-3, dropoutSeed: b + 1 });
    train2 = (batches * batchSize * 1000) / (performance.now() - t);
    await helper.terminate();
  } catch (err) {
    process.stderr.write(`data-parallel training skipped: ${(err as Error).message}\n`);
  }
  await predict(model, firstBatch, { batchSize, engine: 'tfjs' });
  t = performance.now();
  c = process.cpuUsage();
  await predict(model, encoded, { batchSize, engine: 'tfjs' });
  const predict1 = (encoded.shape[0] * 1000) / (performance.now() - t);
  const predictCpu = encoded.shape[0] / cpuSeconds(c);
  // ONNX Runtime (onnxruntime-node, all cores) on the exported model: what predict's engine 'auto' picks here.
  let predictOrt = NaN;
  let predictOrtCpu = NaN;
  if (onnxRuntime()) {
    await predict(model, firstBatch, { batchSize, engine: 'onnx' }); // export + session creation, untimed
    t = performance.now();
    c = process.cpuUsage();
    await predict(model, encoded, { batchSize, engine: 'onnx' });
    predictOrt = (encoded.shape[0] * 1000) / (performance.now() - t);
    predictOrtCpu = encoded.shape[0] / cpuSeconds(c);
  }
  let predict2 = NaN;
  try {
    const pool = new PredictPool(model, 2);
    await pool.predict(firstBatch, batchSize / 2);
    t = performance.now();
    await pool.predict(encoded, batchSize / 2);
    predict2 = (encoded.shape[0] * 1000) / (performance.now() - t);
    await pool.close();
  } catch (err) {
    process.stderr.write(`worker prediction skipped: ${(err as Error).message}\n`);
  }
  const params = countParameters(model);
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return { params, train, train2, predict1, predict2, predictOrt, trainCpu, predictCpu, predictOrtCpu };
}

/** CPU seconds (user + system, all threads of this process) since `start`. */
function cpuSeconds(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

interface TorchResult { params: number; train_seq_s: number; predict_seq_s: number; train_seq_per_cpu_s: number; predict_seq_per_cpu_s: number; torch: string }

function benchTorch(names: string[]): Record<string, TorchResult> {
  const r = spawnSync('/usr/bin/python3', ['bench/reference/torch_models.py', 'bench', '--models', names.join(','), '--batches', String(batches)], { encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(`PyTorch reference failed: ${r.stderr}\n`);
    return {};
  }
  return Object.fromEntries(r.stdout.trim().split('\n').map((line) => { const o = JSON.parse(line); return [o.model, o]; }));
}

async function main() {
  const backend = await initBackend();
  const ours: Record<string, Awaited<ReturnType<typeof benchTfjs>>> = {};
  for (const name of models) {
    ours[name] = await benchTfjs(name);
    process.stderr.write(`${name}: ${JSON.stringify(ours[name])}\n`);
  }
  // PyTorch runs after tfjs, never beside it: both would share the same 2 cores.
  const torch = args.includes('--no-torch') ? {} : benchTorch(models);
  const f = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '—' : v.toFixed(1));
  const ratio = (a: number, b: number | undefined) => (b ? (a / b).toFixed(2) : '—');
  console.log(`tfjs backend: ${backend}; PyTorch ${Object.values(torch)[0]?.torch ?? 'n/a'} (2 threads); batch ${batchSize}; ${batches} timed batches`);
  console.log('| model | params | train tfjs 1 thread | train tfjs 2 threads | train torch | ratio (best tfjs) | predict tfjs 1 thread | predict tfjs 2 workers | predict ONNX Runtime | predict torch | ratio (best cislab) |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const name of models) {
    const o = ours[name]!;
    const t = torch[name];
    const bestPredict = Math.max(o.predict1, Number.isNaN(o.predict2) ? 0 : o.predict2, Number.isNaN(o.predictOrt) ? 0 : o.predictOrt);
    const bestTrain = Math.max(o.train, Number.isNaN(o.train2) ? 0 : o.train2);
    console.log(`| ${name} | ${o.params.toLocaleString('en')} | ${f(o.train)} | ${f(o.train2)} | ${f(t?.train_seq_s)} | ${ratio(bestTrain, t?.train_seq_s)} | ${f(o.predict1)} | ${f(o.predict2)} | ${f(o.predictOrt)} | ${f(t?.predict_seq_s)} | ${ratio(bestPredict, t?.predict_seq_s)} |`);
  }
  // Wall-clock rates depend on what else runs on the machine; sequences per CPU-second do much less.
  console.log('\nPer CPU-second (user+system over all threads; tfjs one thread, ONNX Runtime and PyTorch two):');
  console.log('| model | train tfjs | train torch | ratio | predict tfjs | predict ONNX Runtime | predict torch | ratio (tfjs) | ratio (ONNX Runtime) |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const name of models) {
    const o = ours[name]!;
    const t = torch[name];
    console.log(`| ${name} | ${f(o.trainCpu)} | ${f(t?.train_seq_per_cpu_s)} | ${ratio(o.trainCpu, t?.train_seq_per_cpu_s)} | ${f(o.predictCpu)} | ${f(o.predictOrtCpu)} | ${f(t?.predict_seq_per_cpu_s)} | ${ratio(o.predictCpu, t?.predict_seq_per_cpu_s)} | ${Number.isNaN(o.predictOrtCpu) ? '—' : ratio(o.predictOrtCpu, t?.predict_seq_per_cpu_s)} |`);
  }
  fs.mkdirSync('out/bench', { recursive: true });
  fs.writeFileSync('out/bench/train-bench.json', JSON.stringify({ backend, batches, batchSize, ours, torch, date: new Date().toISOString() }, null, 1));
}

void main();
