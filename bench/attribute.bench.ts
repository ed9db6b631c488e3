/**
 * Attribution throughput: cislab's `attributionBatches` (input gradients and DeepLIFT on ONNX Runtime or tfjs by `--engine`)
 * against a PyTorch reference of the same methods on the same camformer-mini weights, sequences and
 * DeepLIFT references (bench/reference/torch_attribute.py, --threads CPU threads), both at --batch model
 * evaluations per call (cislab's default for camformer-mini is 64 for the gradient methods, 48 pairs for DeepLIFT). Rounds alternate the two
 * implementations (ours, then PyTorch, per round) and medians are reported, since this machine is shared;
 * each side times only its own attribution work (PyTorch's import and start-up excluded). It also prints how
 * far the two agree (max |difference| of the projected attributions over max |PyTorch's|) and peak memory.
 *
 *   npx tsx bench/attribute.bench.ts [--n 32] [--rounds 3] [--threads 2] [--references 20] [--steps 50] [--batch 64] [--engine auto|onnx|tfjs]
 *                                    [--methods saliency,input-gradient,integrated-gradients,deeplift-shap,gradcam]
 * `gradcam` is standard Grad-CAM of every block output (`gradCam`, variant 'standard', on `--engine`), maps
 * upsampled to the 110 input positions, against the same maps from PyTorch autograd.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type { ColumnTable } from 'arquero';
import { initBackend } from '../src/kernels/tensor/backend';
import { buildModel } from '../src/kernels/camformer/model';
import { saveModel } from '../src/kernels/camformer/persistence';
import { attributionBatches, type AttributionMethod } from '../src/interpret/attribute';
import { gradCam } from '../src/interpret/gradcam';
import { encode } from '../src/data/encode';
import { differentiable } from '../src/interpret/differentiable';
import { inferenceEngine } from '../src/kernels/camformer/predict';
import { shuffledReferences } from '../src/interpret/references';
import { readDream2022 } from '../src/data/dream2022/read';
import { hasData } from '../src/data/data-dir';
import { simulatePromoters } from '../src/simulate/promoters';
import { createRandom } from '../src/stats/random';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1]! : fallback);
const n = Number(arg('n', '32'));
const rounds = Number(arg('rounds', '3'));
const threads = arg('threads', '2');
const references = Number(arg('references', '20'));
const steps = Number(arg('steps', '50'));
const batchSize = Number(arg('batch', '64'));
const engine = arg('engine', 'auto') as 'auto' | 'onnx' | 'tfjs'; // input gradients: ONNX Runtime or tfjs (DeepLIFT is tfjs)
const methods = arg('methods', 'saliency,input-gradient,integrated-gradients,deeplift-shap').split(',') as (AttributionMethod | 'gradcam')[];
const REGION = { start: 18, end: 97 };

/** A Grad-CAM table's values as [sequence, layer, position], PyTorch's order. */
function gradCamValues(maps: ColumnTable, layers: number): Float64Array {
  const ids = maps.array('id') as string[];
  const layer = maps.array('layer') as string[];
  const position = maps.array('position') as number[];
  const value = maps.array('value') as number[];
  const length = 110;
  const out = new Float64Array(n * layers * length);
  for (let i = 0; i < value.length; i++) {
    const s = Number(ids[i]!.slice('seq_'.length)) - 1;
    out[(s * layers + Number(layer[i]!.slice('block'.length)) - 1) * length + position[i]! - 1] = value[i]!;
  }
  return out;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

async function main() {
  const backend = await initBackend();
  const sequences = hasData('dream2022')
    ? (readDream2022('test').array('sequence') as string[]).slice(0, n)
    : (simulatePromoters({ n, seed: 1 }).table.array('sequence') as string[]);
  const dir = mkdtempSync(join(tmpdir(), 'cislab-attribute-bench-'));
  try {
    // camformer-mini with random biases and batch-norm statistics (He initialisation leaves them trivial).
    const model = buildModel('camformer-mini', { seed: 0 });
    const rng = createRandom(3);
    for (const [name, v] of [...model.params, ...model.state]) {
      const fill = name.endsWith('movingVariance') ? () => 0.5 + rng.float() : name.match(/bias|beta|movingMean/) ? () => 0.2 * rng.normal() : undefined;
      if (fill) v.assign(tf.tensor(Float32Array.from({ length: v.size }, fill), v.shape));
    }
    model.markChanged();
    saveModel(model, join(dir, 'model'));
    writeFileSync(join(dir, 'sequences.txt'), sequences.join('\n'));
    writeFileSync(join(dir, 'references.txt'), sequences.flatMap((s, i) => shuffledReferences(s, REGION, references, 1, i)).join('\n'));
    const target = differentiable(model, { engine });
    const records = sequences.map((sequence, i) => ({ id: `s${i}`, sequence }));

    const ours = new Map<string, number[]>(methods.map((m) => [m, []]));
    const theirs = new Map<string, number[]>(methods.map((m) => [m, []]));
    const oursValues = new Map<string, Float64Array>();
    let torchRss = 0;
    for (let round = 1; round <= rounds; round++) {
      for (const method of methods) {
        const started = performance.now();
        let values: Float64Array;
        if (method === 'gradcam') {
          values = gradCamValues(await gradCam(model, encode(sequences, model.encoding), { variant: 'standard', engine, batchSize }), model.config.convs.length);
        } else {
          values = new Float64Array(n * 80);
          let at = 0;
          for await (const b of attributionBatches(target, records, { method, references, steps, batchSize, seed: 1 })) (values.set(b.projected, at), (at += b.projected.length));
        }
        ours.get(method)!.push(n / ((performance.now() - started) / 1000));
        oursValues.set(method, values);
      }
      const lines = execFileSync('/usr/bin/python3', [
        'bench/reference/torch_attribute.py', '--model', join(dir, 'model'), '--sequences', join(dir, 'sequences.txt'), '--references', join(dir, 'references.txt'),
        '--methods', methods.join(','), '--steps', String(steps), '--batch', String(batchSize), '--threads', threads, '--out-prefix', join(dir, 'torch'),
      ], { encoding: 'utf8' }).trim().split('\n').map((l) => JSON.parse(l) as { method: string; seq_per_s: number; max_rss_mb: number });
      for (const l of lines) (theirs.get(l.method)!.push(l.seq_per_s), (torchRss = Math.max(torchRss, l.max_rss_mb)));
      process.stderr.write(`round ${round}/${rounds} done\n`);
    }
    const oursRss = process.resourceUsage().maxRSS / 1024;
    console.log(`attributions of ${n} ${hasData('dream2022') ? 'DREAM test' : 'simulated'} sequences (positions 18–97), camformer-mini; cislab input gradients, DeepLIFT and Grad-CAM on ${inferenceEngine(engine) === 'onnx' ? 'ONNX Runtime (every core)' : `tfjs ${backend} (1 thread)`}, vs PyTorch ${threads} thread(s); medians of ${rounds} alternating rounds; machine shared (measured under load)`);
    console.log('method                  cislab seq/s   PyTorch seq/s   ratio   max |Δ| / max |PyTorch|');
    for (const method of methods) {
      const reference = readFileSync(join(dir, `torch.${method}.txt`), 'utf8').trim().split(/\s+/).map(Number);
      const mine = oursValues.get(method)!;
      let diff = 0;
      let scale = 0;
      reference.forEach((v, i) => ((diff = Math.max(diff, Math.abs(v - mine[i]!))), (scale = Math.max(scale, Math.abs(v)))));
      const a = median(ours.get(method)!);
      const b = median(theirs.get(method)!);
      console.log(`${method.padEnd(22)} ${a.toFixed(2).padStart(13)} ${b.toFixed(2).padStart(15)} ${(a / b).toFixed(2).padStart(7)}   ${(diff / scale).toExponential(2)}`);
    }
    console.log(`peak resident memory: cislab ${oursRss.toFixed(0)} MB (whole process), PyTorch ${torchRss.toFixed(0)} MB`);
    if (methods.includes('deeplift-shap')) {
      // tangermeme's max-pool rule writes shares back by assignment: its per-pair completeness on this model.
      const assign = execFileSync('/usr/bin/python3', [
        'bench/reference/torch_attribute.py', '--model', join(dir, 'model'), '--sequences', join(dir, 'sequences.txt'), '--references', join(dir, 'references.txt'),
        '--methods', 'deeplift-shap', '--threads', threads, '--unpool', 'assign',
      ], { encoding: 'utf8' });
      const add = execFileSync('/usr/bin/python3', [
        'bench/reference/torch_attribute.py', '--model', join(dir, 'model'), '--sequences', join(dir, 'sequences.txt'), '--references', join(dir, 'references.txt'),
        '--methods', 'deeplift-shap', '--threads', threads, '--unpool', 'add',
      ], { encoding: 'utf8' });
      const gap = (s: string) => (JSON.parse(s.trim()) as { worst_pair_completeness_gap: number }).worst_pair_completeness_gap;
      console.log(`DeepLIFT per-pair completeness |Σ(x−r)·m − (f(x) − f(r))| / |f(x) − f(r)|, worst pair: max-pool shares added ${gap(add).toExponential(2)}, assigned (max_unpool1d, tangermeme) ${gap(assign).toExponential(2)}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
