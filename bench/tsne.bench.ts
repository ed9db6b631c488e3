/**
 * Barnes-Hut t-SNE: cislab's `tsne` against scikit-learn's `TSNE` (the implementation the Camformer authors ran;
 * Cython, OpenMP on 2 threads) with the same settings, on the same deterministic blobs (5 clusters in 50
 * dimensions, as after the paper's 50-component PCA), on this machine. Prints seconds, points/s and the final
 * KL divergence of each: the speed ratio only means something if the KL divergences agree.
 *   npx tsx bench/tsne.bench.ts [--n 2000,10000] [--no-sklearn]
 * The reference needs Debian's python3-sklearn (apt-get install python3-sklearn).
 */
import { execFileSync } from 'node:child_process';
import { tsne } from '../src/embed/tsne';

const args = process.argv.slice(2);
const sizes = (args.includes('--n') ? args[args.indexOf('--n') + 1]! : '2000,10000').split(',').map(Number);
const d = 50;
const k = 5;

for (const n of sizes) {
  // The formula of bench/reference/tsne_sklearn.py and test/kernels/tsne.test.ts.
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) data[i * d + f] = 4 * Math.sin(((i % k) + 1) * (f + 1) * 0.7) + Math.sin(i * 12.9898 + f * 78.233);
  const started = performance.now();
  const ours = tsne(data, [n, d]);
  const seconds = (performance.now() - started) / 1000;
  console.log(`t-SNE of ${n} points × ${d} features, perplexity 30, 1,000 iterations, θ 0.5`);
  console.log(`  cislab tsne      : ${seconds.toFixed(1)} s  (${Math.round(n / seconds)} points/s)  KL ${ours.klDivergence.toFixed(4)}`);
  if (args.includes('--no-sklearn')) continue;
  const line = execFileSync('/usr/bin/python3', ['bench/reference/tsne_sklearn.py', '--n', String(n), '--d', String(d), '--k', String(k)], { encoding: 'utf8' });
  const ref = JSON.parse(line.trim().split('\n').pop()!) as { seconds: number; kl: number; sklearn: string };
  console.log(`  scikit-learn ${ref.sklearn}: ${ref.seconds.toFixed(1)} s  (${Math.round(n / ref.seconds)} points/s)  KL ${ref.kl.toFixed(4)}`);
  console.log(`  ratio cislab/scikit-learn throughput: ${(ref.seconds / seconds).toFixed(2)}`);
}
