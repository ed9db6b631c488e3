/**
 * Barnes-Hut t-SNE: cislab's `tsneParallel` (every core; `--threads`) and single-thread `tsne` against
 * scikit-learn's `TSNE` (the implementation the Camformer authors ran; Cython, OpenMP on 2 threads) with the same
 * settings, on the same deterministic blobs (5 clusters in 50 dimensions, as after the paper's 50-component
 * PCA), on this machine. The arms alternate (ours, scikit-learn, ours, …, `--repeats` rounds) so that machine
 * load hits both alike; medians of seconds, points/s, the ratio of the per-round throughputs, and the final KL
 * divergence of each: the speed ratio only means something if the KL divergences agree.
 *   npx tsx bench/tsne.bench.ts [--n 2000,10000] [--threads 2] [--repeats 3] [--single] [--no-sklearn]
 * The reference needs Debian's python3-sklearn (apt-get install python3-sklearn).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tsne } from '../src/embed/tsne';
import { tsneParallel } from '../src/embed/tsne-parallel';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1]! : fallback);
const sizes = arg('n', '2000,10000').split(',').map(Number);
const threads = Number(arg('threads', '2'));
const repeats = Number(arg('repeats', '3'));
const d = 50;
const k = 5;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)]!;
const load = () => Number(fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);

async function main() {
  for (const n of sizes) {
    // The formula of bench/reference/tsne_sklearn.py and test/embed/tsne.test.ts.
    const data = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) data[i * d + f] = 4 * Math.sin(((i % k) + 1) * (f + 1) * 0.7) + Math.sin(i * 12.9898 + f * 78.233);
    const rounds: Array<{ ours: number; single?: number; sklearn?: number; kl: number; klSingle?: number; klSklearn?: number; load: number }> = [];
    for (let r = 0; r < repeats; r++) {
      const loadBefore = load();
      let started = performance.now();
      const ours = await tsneParallel(data, [n, d], { threads });
      const row: (typeof rounds)[number] = { ours: (performance.now() - started) / 1000, kl: ours.klDivergence, load: loadBefore };
      if (args.includes('--single')) {
        started = performance.now();
        row.klSingle = tsne(data, [n, d]).klDivergence;
        row.single = (performance.now() - started) / 1000;
      }
      if (!args.includes('--no-sklearn')) {
        const line = execFileSync('/usr/bin/python3', ['bench/reference/tsne_sklearn.py', '--n', String(n), '--d', String(d), '--k', String(k), '--threads', String(threads)], { encoding: 'utf8' });
        const ref = JSON.parse(line.trim().split('\n').pop()!) as { seconds: number; kl: number };
        row.sklearn = ref.seconds;
        row.klSklearn = ref.kl;
      }
      rounds.push(row);
    }
    const m = median(rounds.map((r) => r.ours));
    console.log(`t-SNE of ${n} points × ${d} features, perplexity 30, 1,000 iterations, θ 0.5; ${repeats} alternating rounds, load average ${rounds.map((r) => r.load.toFixed(1)).join(', ')}`);
    console.log(`  cislab tsneParallel (${threads} threads): ${m.toFixed(1)} s  (${Math.round(n / m)} points/s)  KL ${rounds[0]!.kl.toFixed(4)}`);
    if (rounds[0]!.single !== undefined) {
      const s = median(rounds.map((r) => r.single!));
      console.log(`  cislab tsne (1 thread)         : ${s.toFixed(1)} s  (${Math.round(n / s)} points/s)  KL ${rounds[0]!.klSingle!.toFixed(4)}`);
    }
    if (rounds[0]!.sklearn !== undefined) {
      const s = median(rounds.map((r) => r.sklearn!));
      const ratios = rounds.map((r) => r.sklearn! / r.ours);
      console.log(`  scikit-learn (${threads} threads)       : ${s.toFixed(1)} s  (${Math.round(n / s)} points/s)  KL ${median(rounds.map((r) => r.klSklearn!)).toFixed(4)}`);
      console.log(`  ratio cislab/scikit-learn throughput: median ${median(ratios).toFixed(2)} (rounds: ${ratios.map((v) => v.toFixed(2)).join(', ')})`);
    }
  }
}

void main();
