/**
 * FIMO-scan throughput: all JASPAR 2024 fungi motifs (178) over the variable regions (80 nt) of the 71,103
 * DREAM test sequences, both strands, p ≤ 1e-4 with q-values — with the pure-JS kernel (`scanFimo`), and the
 * tfjs convolution kernel (`scanFimoTensor`) on a subset, extrapolated.
 *   npx tsx bench/scan.bench.ts [n] [tensorN]   (defaults: n = all 71,103; tensorN = 500)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { jaspar, scanFimoDetailed, type NamedSequence } from '../src/motifs';
import { scanFimoTensorDetailed } from '../src/kernels/motifs';
import { resolveDataDir } from '../src/data/data-dir';

const REGION = { start: 18, end: 97 };

function dreamTest(limit: number): NamedSequence[] {
  const file = join(resolveDataDir('dream2022'), 'test.tsv.gz');
  const lines = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n');
  const header = lines[0]!.split('\t');
  const [idx, seq] = [header.indexOf('idx'), header.indexOf('sequence')];
  return lines.slice(1, 1 + limit).map((l) => {
    const f = l.split('\t');
    return { name: `sequence_${f[idx]}`, sequence: f[seq]! };
  });
}

/** The kernels layer's backend set-up when it exists (another module's work); else tfjs' default. */
async function setUpBackend(): Promise<string> {
  const modulePath = '../src/kernels/backend';
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const backend = require(modulePath) as { initBackend?: () => Promise<string> };
    if (backend.initBackend) return await backend.initBackend();
  } catch {
    // Not there yet: fall through to tfjs' default backend.
  }
  await tf.ready();
  return tf.getBackend();
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? Infinity);
  const tensorN = Number(process.argv[3] ?? 500);
  const sequences = dreamTest(n);
  const motifs = jaspar('fungi');
  const pairs = sequences.length * motifs.length;
  console.log(`FIMO scan: ${sequences.length.toLocaleString()} sequences (80-nt region) × ${motifs.length} motifs, both strands, p ≤ 1e-4, q-values`);

  let started = performance.now();
  const js = scanFimoDetailed(motifs, sequences, { region: REGION });
  const jsSeconds = (performance.now() - started) / 1000;
  console.log(`  JS kernel (scanFimo)      : ${jsSeconds.toFixed(1)} s, ${js.hits.numRows().toLocaleString()} hits, ${Math.round(pairs / jsSeconds).toLocaleString()} sequences×motifs/s`);

  const backend = await setUpBackend();
  const subset = sequences.slice(0, tensorN);
  started = performance.now();
  const tensor = await scanFimoTensorDetailed(motifs, subset, { region: REGION });
  const tensorSeconds = (performance.now() - started) / 1000;
  const tensorRate = (subset.length * motifs.length) / tensorSeconds;
  console.log(`  tfjs conv1d (${backend}), ${subset.length} seq: ${tensorSeconds.toFixed(1)} s, ${tensor.hits.numRows().toLocaleString()} hits, ${Math.round(tensorRate).toLocaleString()} sequences×motifs/s` +
    ` (all ${sequences.length.toLocaleString()}: ~${Math.round(pairs / tensorRate)} s)`);
  console.log(`  JS / tensor throughput: ${(pairs / jsSeconds / tensorRate).toFixed(1)}×`);
}

void main();
