/**
 * One-hot encoding throughput: cislab's `encode` against numpy (the usual Python route: a lookup table
 * indexed by the byte values) on the same sequences, on this machine.
 *   npx tsx bench/encode.bench.ts [n]     (default n = 1,000,000 sequences of 110 nt, the DREAM test set repeated)
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { readDream2022 } from '../src/data/dream2022/read';
import { encode } from '../src/data/encode';

const n = Number(process.argv[2] ?? 1_000_000);
const test = readDream2022('test').array('sequence') as string[];
const sequences = Array.from({ length: n }, (_, i) => test[i % test.length]!);

const started = performance.now();
const { shape } = encode(sequences, 'onehot');
const ours = (performance.now() - started) / 1000;

const file = join(tmpdir(), 'cislab-encode-bench.txt');
writeFileSync(file, sequences.join('\n'));
const python = `
import numpy as np, time
seqs = open(${JSON.stringify(file)}).read().split('\\n')
t = time.perf_counter()
lut = np.zeros((256, 4), np.float32)
for i, b in enumerate(b'ACGT'): lut[b, i] = 1; lut[ord(chr(b).lower()), i] = 1
arr = np.frombuffer(''.join(seqs).encode(), np.uint8).reshape(len(seqs), -1)
x = lut[arr]
print(time.perf_counter() - t, x.shape)
`;
const [reference] = execFileSync('/usr/bin/python3', ['-c', python], { encoding: 'utf8' }).trim().split(' ');
const theirs = Number(reference);
console.log(`one-hot encode ${shape[0]} × ${shape[1]} nt`);
console.log(`  cislab encode : ${ours.toFixed(2)} s  (${Math.round(n / ours).toLocaleString()} seq/s)`);
console.log(`  numpy (LUT)   : ${theirs.toFixed(2)} s  (${Math.round(n / theirs).toLocaleString()} seq/s)`);
console.log(`  ratio cislab/numpy throughput: ${(theirs / ours).toFixed(2)}`);
