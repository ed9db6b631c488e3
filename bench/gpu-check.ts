/**
 * The GPU check behind bench/gpu-check.sh: training, prediction and fast-ISM throughput of the Camformer presets
 * on every ONNX Runtime execution provider that starts here (CPU, WebGPU, CUDA), on tfjs-node-gpu when it is
 * installed and loads, and on PyTorch with CUDA when /usr/bin/python3 (or $PYTHON) has it. Anything that cannot
 * run is reported with the reason and skipped: the check never needs the network and never fails because a
 * GPU stack is missing.
 *
 *   node --require tsx/cjs bench/gpu-check.ts [--providers cpu,webgpu,cuda] [--models camformer-mini,...]
 *     [--steps 20] [--batch 256] [--predict-batch 1024] [--ism-sequences 16] [--no-torch] [--no-tfjs]
 * or from the prebuilt bundle (bench/gpu-bundle.sh): node out/gpu-bundle/gpu-check.js [same options]
 * Prints one line per (model, task, engine) and a table at the end; JSON to out/bench/gpu-check.json.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { encode } from '../src/data/encode';
import { createRandom } from '../src/stats/random';
import type { PresetName } from '../src/kernels/camformer/config';
import { OnnxTrainer } from '../src/kernels/camformer/onnx/trainer';
import { fastIsmScores } from '../src/interpret/ism-fast';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1]! : fallback);
const providers = arg('providers', 'cpu,webgpu,cuda').split(',') as Array<'cpu' | 'webgpu' | 'cuda'>;
const models = arg('models', 'camformer-mini,camformer-small,camformer').split(',') as PresetName[];
const steps = Number(arg('steps', '20'));
const batch = Number(arg('batch', '256'));
const predictBatch = Number(arg('predict-batch', '1024'));
const ismSequences = Number(arg('ism-sequences', '16'));
const python = process.env.PYTHON ?? '/usr/bin/python3';

interface Row { model: string; task: string; engine: string; perSecond?: number; note?: string }
const rows: Row[] = [];
const report = (r: Row) => {
  rows.push(r);
  console.log(`${r.model.padEnd(16)} ${r.task.padEnd(8)} ${r.engine.padEnd(22)} ${r.perSecond === undefined ? `not run: ${r.note}` : `${r.perSecond.toFixed(1)} sequences/s${r.note ? ` (${r.note})` : ''}`}`);
};
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)]!;

function sequences(n: number): string[] {
  const rng = createRandom(1);
  return Array.from({ length: n }, () => Array.from({ length: 110 }, () => 'ACGT'[rng.int(4)]).join(''));
}

/** Median sequences/s of `run` over `steps` calls after 2 warm-up calls. */
async function rate(items: number, run: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 2; i++) await run(i);
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t = performance.now();
    await run(i + 2);
    times.push(performance.now() - t);
  }
  return (items * 1000) / median(times);
}

async function onnxArm(model: PresetName, provider: 'cpu' | 'webgpu' | 'cuda') {
  const engine = `onnxruntime ${provider}`;
  let trainer: OnnxTrainer;
  try {
    trainer = await OnnxTrainer.create(model, { seed: 1, provider });
  } catch (err) {
    for (const task of ['train', 'predict', 'ism']) report({ model, task, engine, note: firstLine(err) });
    return;
  }
  const seqs = sequences(Math.max(batch, predictBatch, ismSequences));
  const x = encode(seqs.slice(0, batch), trainer.config.encoding);
  const y = Float32Array.from({ length: batch }, (_, i) => Math.sin(i));
  const xp = encode(seqs.slice(0, predictBatch), trainer.config.encoding);
  const tasks: Array<[string, number, (i: number) => Promise<unknown>]> = [
    ['train', batch, (i) => trainer.step(x.data, y, 1e-3, i)],
    ['predict', predictBatch, () => trainer.predict(xp.data)],
    ['ism', ismSequences, () => fastIsmScores(trainer, seqs.slice(0, ismSequences), { provider })],
  ];
  for (const [task, items, run] of tasks) {
    try {
      report({ model, task, engine, perSecond: await rate(items, run) });
    } catch (err) {
      report({ model, task, engine, note: firstLine(err) });
    }
  }
  trainer.dispose();
}

async function tfjsGpuArm(model: PresetName) {
  const engine = 'tfjs-node-gpu';
  let tf: typeof import('@tensorflow/tfjs');
  try {
    // Optional native backend: present only where it was installed (it downloads libtensorflow at install).
    tf = require('@tensorflow/tfjs-node-gpu') as typeof import('@tensorflow/tfjs');
    await tf.setBackend('tensorflow');
  } catch (err) {
    for (const task of ['train', 'predict']) report({ model, task, engine, note: `not installed or does not load (${firstLine(err)})` });
    return;
  }
  const { buildModel } = require('../src/kernels/camformer/model') as typeof import('../src/kernels/camformer/model');
  const { trainStep } = require('../src/kernels/camformer/step') as typeof import('../src/kernels/camformer/step');
  const { createOptimizer } = require('../src/kernels/tensor/optimizers') as typeof import('../src/kernels/tensor/optimizers');
  const m = buildModel(model, { seed: 1 });
  const seqs = sequences(Math.max(batch, predictBatch));
  const xt = tf.tensor3d(encode(seqs.slice(0, batch), m.encoding).data, [batch, 110, m.inputChannels]);
  const yt = tf.tensor1d(Float32Array.from({ length: batch }, (_, i) => Math.sin(i)));
  const xp = tf.tensor3d(encode(seqs.slice(0, predictBatch), m.encoding).data, [predictBatch, 110, m.inputChannels]);
  const optimizer = createOptimizer('adamw');
  report({ model, task: 'train', engine, perSecond: await rate(batch, (i) => trainStep(m, optimizer, xt, yt, { lr: 1e-3, dropoutSeed: i })) });
  report({ model, task: 'predict', engine, perSecond: await rate(predictBatch, async () => { const p = m.apply(xp); await p.data(); p.dispose(); }) });
  tf.dispose([xt, yt, xp]);
  m.dispose();
}

/** PyTorch with CUDA through the step server of bench/engine.bench.ts. */
async function torchArm(model: PresetName) {
  const engine = 'pytorch cuda';
  const server = path.resolve('bench', 'reference', 'torch_engine_server.py'); // run from the checkout's root
  const probe = fs.existsSync(python) ? spawnSync(python, ['-c', 'import torch; assert torch.cuda.is_available(), "torch.cuda.is_available() is False"; print(torch.__version__)'], { encoding: 'utf8' }) : undefined;
  if (!probe || probe.status !== 0 || !fs.existsSync(server)) {
    const why = !probe ? `${python} not found` : !fs.existsSync(server) ? `${server} not found` : firstLine(probe.stderr.trim().split('\n').pop() ?? 'no torch');
    for (const task of ['train', 'predict', 'ism']) report({ model, task, engine, note: why });
    return;
  }
  for (const task of ['train', 'predict', 'ism']) {
    const size = String(task === 'predict' ? predictBatch : batch);
    const child = spawn(python, [server, '--model', model, '--mode', task, '--batch', size, '--device', 'cuda']);
    const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    try {
      await lines.next();
      const rates: number[] = [];
      for (let i = 0; i < steps + 2; i++) {
        child.stdin.write('run\n');
        const r = JSON.parse((await lines.next()).value as string) as { ms: number; items: number };
        if (i >= 2) rates.push((r.items * 1000) / r.ms);
      }
      report({ model, task, engine, perSecond: median(rates), note: task === 'ism' ? 'naive ISM, one sequence per step' : undefined });
    } catch (err) {
      report({ model, task, engine, note: firstLine(err) });
    } finally {
      child.stdin.write('quit\n');
    }
  }
}

/** The readable part of an error: ONNX Runtime prefixes its messages with a source path and a C++ signature. */
function firstLine(err: unknown): string {
  const text = String((err as Error)?.message ?? err).split('\n')[0]!;
  const reason = text.match(/(?:was false\.|\] :|: FAIL :)\s*(.*)$/)?.[1] ?? text;
  return reason.slice(0, 160);
}

async function main() {
  console.log(`GPU check: providers ${providers.join(', ')}; ${steps} timed steps; train batch ${batch}, predict batch ${predictBatch}, ISM ${ismSequences} sequences per step`);
  for (const model of models) {
    for (const provider of providers) await onnxArm(model, provider);
    if (!args.includes('--no-tfjs')) await tfjsGpuArm(model);
    if (!args.includes('--no-torch')) await torchArm(model);
  }
  console.log('\n| model | task | engine | sequences/s | note |\n|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.model} | ${r.task} | ${r.engine} | ${r.perSecond === undefined ? '—' : r.perSecond.toFixed(1)} | ${r.note ?? ''} |`);
  fs.mkdirSync('out/bench', { recursive: true });
  fs.writeFileSync('out/bench/gpu-check.json', JSON.stringify({ date: new Date().toISOString(), rows }, null, 1));
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
