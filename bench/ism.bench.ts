/**
 * ISM throughput: cislab's `ismScores` (predictions by `--engine auto|onnx|tfjs`: ONNX Runtime, or the tfjs
 * backend in use, where `--workers 2` predicts in two worker threads) against the PyTorch reference ISM
 * (bench/reference/torch_ism.py, same networks, same variants, 2 threads) on the same DREAM test sequences,
 * on this machine. Both time everything from sequences to effects (variant generation, encoding, prediction).
 *
 *   npm run build && npx tsx bench/ism.bench.ts [--models camformer-mini,camformer] [--n 20] [--workers 2] [--engine auto] [--no-torch]
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { initBackend } from '../src/kernels/tensor/backend';
import { buildModel } from '../src/kernels/camformer/model';
import { inferenceEngine, predict, type InferenceEngine } from '../src/kernels/camformer/predict';
import { ismScores } from '../src/interpret/ism';
import { readDream2022 } from '../src/data/dream2022/read';
import type { PresetName } from '../src/kernels/camformer/config';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1]! : fallback);
const models = arg('models', 'camformer-mini').split(',') as PresetName[];
const n = Number(arg('n', '20'));
const workers = Number(arg('workers', '2'));
const engine = arg('engine', 'auto') as InferenceEngine;

async function main() {
  const backend = await initBackend();
  const sequences = (readDream2022('test').array('sequence') as string[]).slice(0, n);
  const file = join(tmpdir(), 'cislab-ism-bench.txt');
  writeFileSync(file, sequences.join('\n'));
  const used = inferenceEngine(engine);
  console.log(`ISM of ${n} DREAM test sequences (positions 18–97, 240 variants each); engine ${used === 'onnx' ? 'ONNX Runtime' : `tfjs ${backend}, ${workers} worker(s)`}`);
  for (const name of models) {
    const model = buildModel(name, { seed: 0 });
    const started = performance.now();
    const table = await ismScores((batch) => predict(model, batch, { workers, batchSize: 1024, engine }), sequences, { encoding: model.encoding, sequencesPerBatch: 16 });
    const seconds = (performance.now() - started) / 1000;
    const ours = { seqPerS: n / seconds, variantsPerS: table.numRows() / seconds };
    let line = `${name.padEnd(16)} cislab ${ours.seqPerS.toFixed(2)} seq/s (${Math.round(ours.variantsPerS)} variants/s, ${seconds.toFixed(1)} s)`;
    if (!args.includes('--no-torch')) {
      const torch = JSON.parse(execFileSync('/usr/bin/python3', ['bench/reference/torch_ism.py', '--model', name, '--sequences', file], { encoding: 'utf8' }));
      line += ` | PyTorch ${torch.seq_per_s.toFixed(2)} seq/s (${Math.round(torch.variants_per_s)} variants/s) | ratio cislab/PyTorch ${(ours.seqPerS / torch.seq_per_s).toFixed(2)}`;
    }
    console.log(line);
    model.dispose();
  }
  process.exit(0); // worker threads keep the event loop alive
}

main();
