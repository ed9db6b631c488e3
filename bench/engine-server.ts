/**
 * The cislab arms of bench/engine.bench.ts: a long-lived step server for one engine (ONNX Runtime or tfjs)
 * and one task, so that the benchmark can interleave single steps of every engine under the same load.
 *
 *   node --require tsx/cjs bench/engine-server.ts --engine onnx|loop|tfjs --model camformer-mini --mode train|predict|ism
 *     [--batch 256] [--threads 2]
 * ONNX Runtime variants for A/B runs: [--keep-patches auto|1|0] [--memory-pattern 1|0] [--arena 1|0] [--spin 1|0].
 * [--ism-sequences 4] sequences per ISM step.
 * Prints {"ready": true, ...} once, then answers each "run" line on stdin with one JSON line: ms (one
 * training step on one batch, eval-mode prediction of one batch, or ISM of one sequence: its 240 variants of
 * positions 18–97), items (sequences done), cpu_ms (user + system time of the step), loss, rss_mb and peak_mb (this process's peak resident set so far). "quit" ends it.
 * ONNX Runtime: OnnxTrainer (compiled training step; fast ISM for ISM); tfjs: the wasm backend, one thread,
 * trainStep / predict / ismScores as cislab runs them today. `loop` (train only): what `cislab train` runs per
 * step on ONNX Runtime: the training loop's OnnxCamformerRun, each batch encoded from 2-bit-store-like base
 * codes (codeRows) of a 4,096-row training set at the loop's random indices.
 */
import * as readline from 'node:readline';
import * as tf from '@tensorflow/tfjs';
import { encode } from '../src/data/encode';
import { createRandom } from '../src/stats/random';
import type { PresetName } from '../src/kernels/camformer/config';
import { OnnxTrainer } from '../src/kernels/camformer/onnx/trainer';
import { initBackend } from '../src/kernels/tensor/backend';
import { buildModel } from '../src/kernels/camformer/model';
import { trainStep } from '../src/kernels/camformer/step';
import { createOptimizer } from '../src/kernels/tensor/optimizers';
import { predict } from '../src/kernels/camformer/predict';
import { ismScores } from '../src/interpret/ism';
import { fastIsmScores } from '../src/interpret/ism-fast';
import { OnnxCamformerRun } from '../src/kernels/camformer/onnx-run';
import { codeRows } from '../src/data/store-rows';
import { sequenceCodes } from '../src/interpret/ism';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1]! : fallback);
const engine = arg('engine', 'onnx');
const modelName = arg('model', 'camformer-mini') as PresetName;
const mode = arg('mode', 'train');
const batch = Number(arg('batch', '256'));
const threads = Number(arg('threads', '2'));
/** ISM: sequences per step (their 240 variants each). */
const ismSequences = Number(arg('ism-sequences', '4'));
// ONNX Runtime variants for A/B runs: --keep-patches auto|1|0, --memory-pattern 1|0, --arena 1|0, --spin 1|0.
const keepArg = arg('keep-patches', 'auto');
const variant = {
  keepPatches: keepArg === 'auto' ? ('auto' as const) : keepArg === '1',
  ...(args.includes('--memory-pattern') ? { memoryPattern: arg('memory-pattern', '0') === '1' } : {}),
  ...(args.includes('--arena') ? { memoryArena: arg('arena', '1') === '1' } : {}),
  ...(args.includes('--spin') ? { spin: arg('spin', '0') === '1' } : {}),
};

function memory(): { rss_mb: number; peak_mb: number } {
  return { rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20), peak_mb: Math.round(process.resourceUsage().maxRSS / 1024) };
}

async function main() {
  const rng = createRandom(1);
  const sequences = Array.from({ length: Math.max(batch, ismSequences) }, () => Array.from({ length: 110 }, () => 'ACGT'[rng.int(4)]).join(''));
  const y = Float32Array.from({ length: batch }, () => rng.normal());
  const items = mode === 'ism' ? ismSequences : batch;
  const ismBatch = sequences.slice(0, ismSequences);
  let run: (i: number) => Promise<number>;
  let info: Record<string, unknown> = {};
  if (engine === 'loop') {
    if (mode !== 'train') throw new Error('--engine loop measures training only');
    const model = buildModel(modelName, { seed: 1 });
    const n = 4096;
    const codes = sequenceCodes(Array.from({ length: n }, () => Array.from({ length: 110 }, () => 'ACGT'[rng.int(4)]).join('')));
    const targets = Float32Array.from({ length: n }, () => rng.normal());
    const rows = codeRows(codes, 110, { encoding: model.encoding, expression: targets });
    const all = Int32Array.from({ length: n }, (_, i) => i);
    const trainingRun = await OnnxCamformerRun.create(model, { rows, index: all, y: targets }, { rows, index: all.subarray(0, 0), y: targets }, {
      loss: 'l1', optimizer: 'adamw', weightDecay: 1e-3, session: { threads, keepPatches: variant.keepPatches, ...(variant.spin !== undefined ? { spin: variant.spin } : {}) },
    });
    run = async (i) => {
      const order = createRandom(i).shuffle(all.slice());
      return (await trainingRun.step(order.subarray(0, batch), { learningRate: 1e-3, seed: i })).loss;
    };
  } else if (engine === 'onnx') {
    const trainer = await OnnxTrainer.create(modelName, { seed: 1, threads, ...variant });
    const x = encode(sequences.slice(0, batch), trainer.config.encoding);
    info = { keepPatches: trainer.compiled.keepPatches, nodes: trainer.compiled.nodes };
    if (mode === 'train') run = (i) => trainer.step(x.data, y, 1e-3, i);
    else if (mode === 'predict') run = async () => (await trainer.predict(x.data))[0]!;
    else {
      run = async () => (await fastIsmScores(trainer, ismBatch)).numRows();
    }
  } else {
    info = { backend: await initBackend({ backend: 'wasm' }) };
    const model = buildModel(modelName, { seed: 1 });
    const x = encode(sequences.slice(0, batch), model.encoding);
    const optimizer = createOptimizer('adamw');
    const xt = tf.tensor3d(x.data, x.shape);
    const yt = tf.tensor1d(y);
    if (mode === 'train') run = (i) => trainStep(model, optimizer, xt, yt, { lr: 1e-3, dropoutSeed: i });
    else if (mode === 'predict') run = async () => (await predict(model, x, { engine: 'tfjs', batchSize: batch }))[0]!;
    else run = async () => (await ismScores((b) => predict(model, b, { engine: 'tfjs', batchSize: 1024 }), ismBatch, { encoding: model.encoding })).numRows();
  }
  console.log(JSON.stringify({ ready: true, engine, model: modelName, mode, batch, threads, ...info }));
  let i = 0;
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (line.trim() === 'quit') break;
    const started = performance.now();
    const cpu = process.cpuUsage();
    const loss = await run(i++);
    const used = process.cpuUsage(cpu);
    console.log(JSON.stringify({ ms: performance.now() - started, items, cpu_ms: (used.user + used.system) / 1000, loss, ...memory() }));
  }
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
