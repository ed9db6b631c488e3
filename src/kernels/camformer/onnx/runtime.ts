/**
 * Inference through ONNX Runtime (`onnxruntime-node`, an optional dependency whose npm package carries the
 * CPU library). On this project's CPU machines it predicts several times faster than tfjs's wasm backend
 * (bench/train.bench.ts measures both), because its kernels use AVX2/FMA and all cores, where wasm SIMD has
 * 4-wide vectors, no FMA and one thread. Models are exported with `modelToOnnx` and one session per model
 * version is kept, so repeated calls (ISM batches) pay the export once.
 */
import * as os from 'node:os';
import { mapBatches, type Encoded } from '../../../data/encode';
import type { Model } from '../model';
import { modelToOnnx } from './export';

/** The part of onnxruntime-node's API used here (declared so the package stays optional at compile time). */
interface OrtTensor { data: Float32Array }
interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}
interface OrtModule {
  InferenceSession: { create(model: Uint8Array, options: Record<string, unknown>): Promise<OrtSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
}

let ort: OrtModule | null | undefined;

/**
 * The command that installs ONNX Runtime's CPU engine. `--onnxruntime-node-install=skip` matters: by default
 * onnxruntime-node's own install step downloads its CUDA provider on Linux x64, and where that download
 * fails (no network beyond the npm registry, a proxy) npm silently leaves the whole optional package out.
 */
export const INSTALL_ONNX_RUNTIME = 'npm install onnxruntime-node --onnxruntime-node-install=skip';

let warned = false;

/**
 * Says once per process, on stderr, that 'auto' runs on tfjs because onnxruntime-node is missing, and how to
 * install it (tfjs on wasm trains about 7× and predicts several times slower here).
 */
export function warnMissingOnnxRuntime(): void {
  if (warned) return;
  warned = true;
  process.stderr.write(`cislab: onnxruntime-node is not installed, so training and prediction run on tfjs, several times slower; install it with: ${INSTALL_ONNX_RUNTIME}\n`);
}

/**
 * onnxruntime-node when it is installed and loads, else undefined (the caller falls back to tfjs).
 * `CISLAB_ONNXRUNTIME=off` makes cislab run as if it were not installed.
 */
export function onnxRuntime(): OrtModule | undefined {
  if (process.env.CISLAB_ONNXRUNTIME === 'off') return undefined;
  if (ort === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      ort = require('onnxruntime-node') as OrtModule;
    } catch {
      ort = null;
    }
  }
  return ort ?? undefined;
}

const sessions = new WeakMap<Model, { version: number; session: Promise<OrtSession> }>();

function sessionFor(runtime: OrtModule, model: Model): Promise<OrtSession> {
  const cached = sessions.get(model);
  if (cached?.version === model.version) return cached.session;
  if (cached) void cached.session.then((s) => s.release());
  const session = runtime.InferenceSession.create(modelToOnnx(model), {
    intraOpNumThreads: os.availableParallelism(),
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  sessions.set(model, { version: model.version, session });
  return session;
}

/** Predictions of one model for every sequence of `x`, `batchSize` at a time, through ONNX Runtime. */
export async function predictOnnx(model: Model, x: Encoded, batchSize = 512, onRows?: (done: number) => void): Promise<Float32Array> {
  const runtime = onnxRuntime();
  if (!runtime) throw new Error('onnxruntime-node is not installed');
  model.checkInput(x.shape);
  const session = await sessionFor(runtime, model);
  return mapBatches(x, batchSize, async (batch) => (await session.run({ x: new runtime.Tensor('float32', batch.data, batch.shape) })).y!.data, onRows);
}
