/**
 * Engines side by side: training, prediction and ISM throughput of camformer-mini, camformer-small and
 * camformer on ONNX Runtime (the compiled training step, OnnxTrainer), tfjs (wasm backend, one thread) and
 * PyTorch (Debian's torch 1.13, 2 threads), measured step-interleaved in one run: every arm is a long-lived
 * process (bench/engine-server.ts, bench/reference/torch_engine_server.py) and the benchmark asks each for one
 * step in turn (A B C A B C …, 0.3 s apart so spinning threads go idle), so machine load hits all arms alike.
 * A training or prediction step is one batch; an ISM step is --ism-sequences sequences on the cislab arms
 * (fast ISM batches them) and one sequence on PyTorch (torch_ism.py's measured best: one sequence's 241
 * variants per forward pass). Reported: median ms per step, sequences/s, the median and range of the per-round throughput ratio to PyTorch,
 * median CPU time per sequence (user + system, all threads: less sensitive to load than wall time, but it counts
 * spin-waiting), and each process's peak resident memory. An ONNX Runtime variant is an engine such as
 * `onnx:keep-patches=0+memory-pattern=1` (options of bench/engine-server.ts).
 *
 *   npx tsx bench/engine.bench.ts [--models camformer-mini,camformer-small,camformer] [--modes train,predict,ism]
 *     [--engines onnx,tfjs,torch] [--steps 200] [--steps-camformer 20] [--batch 256] [--predict-batch 1024]
 *     [--threads 2] [--warmup 2] [--ism-sequences 4]
 * PyTorch's BLAS is what its dynamic loader finds for libblas.so.3; for OpenBLAS (STACK-NOTES.md), either make it
 * the system's libblas.so.3 alternative or set TORCH_LD_LIBRARY_PATH=…/openblas-openmp for the PyTorch arm only.
 * Results also go to out/bench/engine-bench.json.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as readline from 'node:readline';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1]! : fallback);
const models = arg('models', 'camformer-mini,camformer-small,camformer').split(',');
const modes = arg('modes', 'train,predict,ism').split(',');
const engines = arg('engines', 'onnx,tfjs,torch').split(',');
const steps = Number(arg('steps', '200'));
const stepsCamformer = Number(arg('steps-camformer', '20'));
const batch = Number(arg('batch', '256'));
const predictBatch = Number(arg('predict-batch', '1024'));
const threads = arg('threads', '2');
const warmup = Number(arg('warmup', '2'));
const ismSequences = arg('ism-sequences', '4');

interface Reply { ms: number; items: number; cpu_ms: number; loss: number; rss_mb: number; peak_mb: number }

class Arm {
  private readonly lines: AsyncIterableIterator<string>;
  readonly times: number[] = [];
  /** Sequences per second of each recorded step. */
  readonly rates: number[] = [];
  readonly cpu: number[] = [];
  peak = 0;
  ready: Record<string, unknown> = {};
  constructor(readonly name: string, private readonly child: ChildProcessWithoutNullStreams) {
    this.lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    child.stderr.on('data', (d: Buffer) => process.stderr.write(`[${name}] ${d}`));
  }

  async start(): Promise<void> {
    this.ready = JSON.parse(await this.next());
  }

  async run(record: boolean): Promise<Reply> {
    this.child.stdin.write('run\n');
    const r = JSON.parse(await this.next()) as Reply;
    if (record) {
      this.times.push(r.ms);
      this.rates.push((r.items * 1000) / r.ms);
      this.cpu.push(r.cpu_ms / r.items);
    }
    this.peak = Math.max(this.peak, r.peak_mb);
    return r;
  }

  stop(): void {
    this.child.stdin.write('quit\n');
  }

  private async next(): Promise<string> {
    const { value, done } = await this.lines.next();
    if (done) throw new Error(`${this.name} ended early`);
    return value;
  }
}

/**
 * `onnx`, `loop` (train: cislab train's step through the loop's ONNX TrainingRun), `tfjs`, `torch`, `torch:passive` (OMP_WAIT_POLICY=PASSIVE), or an ONNX Runtime variant such as
 * `onnx:keep-patches=0+memory-pattern=1`. The first `torch…` arm is the reference of the ratios.
 */
function startArm(engine: string, model: string, mode: string): Arm {
  const size = String(mode === 'predict' ? predictBatch : batch);
  const [base, settings] = engine.split(':');
  const extra = settings ? settings.split('+').flatMap((kv) => { const [k, v] = kv.split('='); return [`--${k}`, v!]; }) : [];
  if (base === 'torch') {
    // torch:passive sets OMP_WAIT_POLICY=PASSIVE (OpenMP threads sleep instead of spinning between parallel regions).
    const env = {
      ...process.env,
      ...(process.env.TORCH_LD_LIBRARY_PATH ? { LD_LIBRARY_PATH: process.env.TORCH_LD_LIBRARY_PATH } : {}),
      ...(settings === 'passive' ? { OMP_WAIT_POLICY: 'PASSIVE' } : {}),
    };
    return new Arm(engine, spawn('/usr/bin/python3', ['bench/reference/torch_engine_server.py', '--model', model, '--mode', mode, '--batch', size, '--threads', threads], { env }));
  }
  return new Arm(engine, spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), 'bench/engine-server.ts', '--engine', base!, '--model', model, '--mode', mode, '--batch', size, '--threads', threads, '--ism-sequences', ismSequences, ...extra]));
}

const median = (v: number[]) => { const s = [...v].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const loadAverage = () => Number(fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);

async function measure(model: string, mode: string) {
  const arms = engines.map((e) => startArm(e, model, mode));
  await Promise.all(arms.map((a) => a.start()));
  const rounds = model === 'camformer' ? stepsCamformer : steps;
  const loads: number[] = [];
  for (let i = 0; i < warmup + rounds; i++) {
    for (const arm of arms) {
      await sleep(300);
      loads.push(loadAverage());
      await arm.run(i >= warmup);
    }
  }
  for (const a of arms) a.stop();
  const torch = arms.find((a) => a.name.startsWith('torch'));
  const rows = arms.map((a) => {
    const ratios = torch && a !== torch ? a.rates.map((r, i) => r / torch.rates[i]!) : [];
    // (arms that share the reference's name prefix, e.g. a second PyTorch variant, get ratios too)
    return {
      engine: a.name, medianMs: median(a.times), cpuMsPerSequence: median(a.cpu), perSecond: median(a.rates), peakMb: a.peak,
      ratio: ratios.length ? median(ratios) : undefined, ratioRange: ratios.length ? [Math.min(...ratios), Math.max(...ratios)] : undefined,
      memoryRatio: torch && a !== torch ? a.peak / torch.peak : undefined, ready: a.ready, rates: a.rates,
    };
  });
  return { model, mode, rounds, unit: mode === 'ism' ? 'sequences (241 variants each)' : 'sequences', load: { median: median(loads), max: Math.max(...loads) }, rows };
}

async function main() {
  const results = [];
  console.log(`engines ${engines.join(', ')}; ${threads} threads (tfjs wasm: 1); train batch ${batch}, predict batch ${predictBatch}; load average of this machine printed per line`);
  console.log('| model | task | engine | median ms/step | per s | ratio to PyTorch (median, range) | CPU ms/sequence | peak MB | memory ratio |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const model of models) {
    for (const mode of modes) {
      const r = await measure(model, mode);
      results.push(r);
      for (const row of r.rows) {
        const ratio = row.ratio === undefined ? '—' : `${row.ratio.toFixed(2)} (${row.ratioRange!.map((v) => v.toFixed(2)).join('–')})`;
        console.log(`| ${model} | ${mode} | ${row.engine} | ${row.medianMs.toFixed(0)} | ${row.perSecond.toFixed(1)} | ${ratio} | ${row.cpuMsPerSequence.toFixed(1)} | ${row.peakMb} | ${row.memoryRatio === undefined ? '—' : row.memoryRatio.toFixed(2)} |`);
      }
      console.log(`|   | ${r.rounds} interleaved rounds; load average median ${r.load.median.toFixed(2)}, max ${r.load.max.toFixed(2)} |`);
    }
  }
  fs.mkdirSync('out/bench', { recursive: true });
  fs.writeFileSync('out/bench/engine-bench.json', JSON.stringify({ date: new Date().toISOString(), threads, batch, predictBatch, results }, null, 1));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
