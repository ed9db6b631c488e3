/**
 * Scale: peak resident memory and throughput of cislab's data path on synthetic DREAM-format training files of
 * 1 M and 6.7 M rows (the size of the real DREAM training set), beside the Camformer authors' in-memory data path
 * (bench/reference/dream_data_path.py: pandas, nested lists, one float32 tensor) in the same run. Each
 * step reports its time and the peak RSS of its process up to then (`read` runs alone in one process, the
 * others one after another in a second, as a pipeline would):
 *
 *   read     stream and validate every record (readRecordBlocks)
 *   load     the same plus Camformer preprocessing into the 2-bit store (loadTrainingSet)
 *   encode   encode every kept row once, 256 rows per batch (what an epoch of training encodes)
 *   predict  camformer-mini predictions for the first --predict-rows stored rows (predictRows)
 *   ism      dense ISM of the first --ism stored rows over 18–97 (ismDense, 32 sequences per call)
 *   train    --train-steps optimiser steps of camformer-mini, batch 256, on the whole store (fit({ maxSteps }))
 *
 *   npx tsx bench/scale.bench.ts [--sizes 1000000,6739258] [--dir /tmp/cislab-scale] [--predict-rows 20000]
 *                                [--ism 1000] [--train-steps 200] [--reference-rows 1000000]
 *
 * Files are generated (seed 1) into --dir when missing, never inside the repository.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { makeDream } from './make-dream';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1]! : fallback);

interface SegmentResult {
  segment: string;
  rows: number;
  seconds: number;
  /** Rows (or variants for ism) per second of the measured step. */
  rate: number;
  unit: string;
  /** Peak RSS of the process up to the end of this step. */
  maxRssMb: number;
  detail?: string;
}

const seconds = (t: number) => (performance.now() - t) / 1000;
const rss = () => process.resourceUsage().maxRSS / 1024;

/** `read` alone in its process; `pipeline` = load → encode → predict → ism in one process (peak RSS after each). */
async function segment(name: string, file: string): Promise<SegmentResult[]> {
  const { readRecordBlocks } = await import('../src/data/read-stream');
  const { loadTrainingSet } = await import('../src/data/load-store');
  if (name === 'read') {
    const t = performance.now();
    let rows = 0;
    for await (const block of readRecordBlocks(file, { blockSize: 8192 })) rows += block.count;
    const s = seconds(t);
    return [{ segment: name, rows, seconds: s, rate: rows / s, unit: 'rows/s', maxRssMb: rss() }];
  }
  if (name !== 'pipeline') throw new Error(`unknown segment ${name}`);
  const results: SegmentResult[] = [];
  let t = performance.now();
  const set = await loadTrainingSet(file);
  let s = seconds(t);
  const kept = set.store.count;
  results.push({ segment: 'load', rows: set.read, seconds: s, rate: set.read / s, unit: 'rows/s', maxRssMb: rss(), detail: `${kept} kept; store ${(set.store.byteLength / 1e6).toFixed(0)} MB` });

  const encodeRows = set.rows('onehotWithP');
  const out = new Float32Array(256 * encodeRows.length * encodeRows.channels);
  const batch = new Int32Array(256);
  t = performance.now();
  for (let first = 0; first < kept; first += 256) {
    const n = Math.min(256, kept - first);
    for (let i = 0; i < n; i++) batch[i] = first + i;
    encodeRows.encodeRows(batch.subarray(0, n), out);
  }
  s = seconds(t);
  results.push({ segment: 'encode', rows: kept, seconds: s, rate: kept / s, unit: 'rows/s', maxRssMb: rss(), detail: 'every kept row once, onehotWithP, batches of 256' });

  const { initBackend } = await import('../src/kernels/tensor/backend');
  const { buildModel } = await import('../src/kernels/camformer/model');
  const { predict, predictRows, inferenceEngine } = await import('../src/kernels/camformer/predict');
  const { subsetRows } = await import('../src/data/store-rows');
  const { ismDense } = await import('../src/interpret/ism-dense');
  await initBackend();
  const model = buildModel('camformer-mini', { seed: 0 });
  const rows = set.rows(model.encoding);
  const engine = inferenceEngine();

  const nPredict = Math.min(kept, Number(arg('predict-rows', '20000')));
  t = performance.now();
  await predictRows(model, subsetRows(rows, Int32Array.from({ length: nPredict }, (_, i) => i)));
  s = seconds(t);
  results.push({ segment: 'predict', rows: nPredict, seconds: s, rate: nPredict / s, unit: 'seq/s', maxRssMb: rss(), detail: `camformer-mini on ${engine}` });

  const nIsm = Math.min(kept, Number(arg('ism', '1000')));
  const codes = new Uint8Array(32 * set.store.length);
  let variants = 0;
  t = performance.now();
  for (let first = 0; first < nIsm; first += 32) {
    const k = Math.min(32, nIsm - first);
    for (let i = 0; i < k; i++) set.store.readCodes(first + i, codes, i * set.store.length);
    const dense = await ismDense((b) => predict(model, b), codes.subarray(0, k * set.store.length), set.store.length, {
      region: { start: 18, end: 97 }, encoding: model.encoding, intChannel: set.multiCell.subarray(first, first + k),
    });
    variants += dense.predictions.length * 0.75 + dense.refCodes.filter((c) => c === 4).length;
  }
  s = seconds(t);
  results.push({ segment: 'ism', rows: nIsm, seconds: s, rate: variants / s, unit: 'variants/s', maxRssMb: rss(), detail: `${nIsm} sequences, ${variants} variants, camformer-mini on ${engine}` });
  results.push(await trainSegment(set));
  return results;
}

/**
 * The training-step segment: `--train-steps` optimiser steps (default 200; 0 skips it) of camformer-mini at batch
 * 256 on the whole stored file through `fit({ maxSteps })`, reading `SequenceRows` per batch. The validation
 * hold-out is 0.1 % (not fit's 8 %) so that the one validation pass at the end stays small beside the steps.
 */
async function trainSegment(set: import('../src/data/load-store').TrainingSet): Promise<SegmentResult> {
  const steps = Number(arg('train-steps', '200'));
  if (!steps) return { segment: 'train', rows: 0, seconds: NaN, rate: NaN, unit: 'steps/s', maxRssMb: NaN, detail: 'skipped (--train-steps 0)' };
  const { fit } = await import('../src/kernels/camformer/train');
  const { buildModel } = await import('../src/kernels/camformer/model');
  const { currentBackend } = await import('../src/kernels/tensor/backend');
  const model = buildModel('camformer-mini', { seed: 1 });
  const t = performance.now();
  await fit(model, { x: set.rows(model.encoding), y: set.expression }, { epochs: 1, maxSteps: steps, batchSize: 256, validation: 0.001, workers: 1, seed: 0 });
  const s = seconds(t);
  model.dispose();
  return { segment: 'train', rows: steps * 256, seconds: s, rate: (steps * 256) / s, unit: 'seq/s', maxRssMb: rss(), detail: `camformer-mini, ${steps} steps of 256 on tfjs ${currentBackend()}, then validation on ${Math.round(0.001 * set.store.count)} rows` };
}

function runSegment(name: string, file: string): SegmentResult[] {
  const out = execFileSync(process.execPath, ['--import', 'tsx', __filename, '--segment', name, '--file', file, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').pop()!) as SegmentResult[];
}

function runReference(file: string, rows: number): Record<string, unknown> {
  const out = execFileSync('/usr/bin/python3', [join(__dirname, 'reference', 'dream_data_path.py'), file, '--rows', String(rows)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
}

async function main(): Promise<void> {
  if (args.includes('--segment')) {
    const result = await segment(arg('segment', ''), arg('file', ''));
    console.log(JSON.stringify(result));
    process.exit(0); // worker threads or the ONNX session keep the loop alive
  }
  const dir = arg('dir', '/tmp/cislab-scale');
  mkdirSync(dir, { recursive: true });
  const sizes = arg('sizes', '1000000,6739258').split(',').map(Number);
  console.log(`scale benchmark: synthetic DREAM-format files in ${dir}; each segment a separate process (load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)} on ${(await import('node:os')).availableParallelism()} cores)`);
  for (const size of sizes) {
    const file = join(dir, `dream-${size}.txt`);
    if (!existsSync(file)) await makeDream(file, size, 1);
    console.log(`\n${size.toLocaleString('en')} rows (${(statSync(file).size / 1e6).toFixed(0)} MB)`);
    const results = new Map<string, SegmentResult>();
    for (const r of ['read', 'pipeline'].flatMap((name) => runSegment(name, file))) {
      results.set(r.segment, r);
      console.log(`  cislab ${r.segment.padEnd(8)} ${Number.isFinite(r.seconds) ? `${r.seconds.toFixed(1)} s, ${Math.round(r.rate).toLocaleString('en')} ${r.unit}, peak RSS ${r.maxRssMb.toFixed(0)} MB` : ''}${r.detail ? ` (${r.detail})` : ''}`);
    }
    const referenceRows = Math.min(size, Number(arg('reference-rows', '1000000')));
    const ref = runReference(file, referenceRows) as { rows: number; kept: number; seconds: Record<string, number>; total_seconds: number; peak_rss_mb: number; tensor_mb: number };
    const s = ref.seconds;
    console.log(`  reference data path (pandas + lists + torch.tensor) on the first ${ref.rows.toLocaleString('en')} rows: read ${s['read']!.toFixed(1)} s, split ${s['split']!.toFixed(1)} s, encode ${s['encode']!.toFixed(1)} s, tensor ${s['tensor']!.toFixed(1)} s; ${Math.round(ref.rows / ref.total_seconds).toLocaleString('en')} rows/s; peak RSS ${ref.peak_rss_mb.toFixed(0)} MB (tensors ${ref.tensor_mb.toFixed(0)} MB)`);
    const load = results.get('load')!;
    console.log(`  ratio (same run, data ready to train on: cislab's store vs the reference's tensors): cislab load ${Math.round(load.rate).toLocaleString('en')} rows/s vs reference ${Math.round(ref.rows / ref.total_seconds).toLocaleString('en')} rows/s = ${(load.rate / (ref.rows / ref.total_seconds)).toFixed(1)}×; peak RSS per row ${(load.maxRssMb / size * 1e6).toFixed(0)} vs ${(ref.peak_rss_mb / ref.rows * 1e6).toFixed(0)} bytes`);
  }
}

main();
