/**
 * ONNX Runtime sessions for the compiled graphs: the part of onnxruntime-node's API they use (typed here so
 * the package stays an optional dependency), one place that sets the session options, and execution
 * provider choice ('cpu' by default; 'cuda' and 'webgpu' where the installed binary has them).
 */
import * as os from 'node:os';
import { OptionError } from '../../../errors';
import { INSTALL_ONNX_RUNTIME, onnxRuntime } from './runtime';

export type OrtData = Float32Array | Float64Array | Uint8Array | Int32Array | BigInt64Array;
export type OrtType = 'float32' | 'float64' | 'bool' | 'int32' | 'int64';

export interface OrtTensor {
  readonly data: OrtData;
  readonly dims: readonly number[];
  readonly type: string;
}

export interface OrtSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, OrtTensor>, fetches?: Record<string, OrtTensor | null>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
}

export interface OrtApi {
  InferenceSession: { create(model: Uint8Array, options: Record<string, unknown>): Promise<OrtSession> };
  Tensor: new (type: OrtType, data: OrtData, dims: readonly number[]) => OrtTensor;
}

/** onnxruntime-node, or a ModelError-style explanation of how to get it. */
export function requireOrt(): OrtApi {
  const ort = onnxRuntime() as unknown as OrtApi | undefined;
  if (!ort) throw new OptionError(`the ONNX Runtime engine needs the optional package onnxruntime-node (${INSTALL_ONNX_RUNTIME})`, { option: 'engine' });
  return ort;
}

export interface SessionOptions {
  /** Intra-op threads (default: every core, os.availableParallelism()). */
  threads?: number;
  /** Execution provider (default 'cpu'): 'cuda' and 'webgpu' need a binary built with them and a device. */
  provider?: 'cpu' | 'cuda' | 'webgpu';
  /**
   * Let idle ORT threads spin while waiting for work (default false). Spinning shaves microseconds off
   * every operator but burns a core; on a shared machine it slows everyone else (and measurements).
   */
  spin?: boolean;
  /**
   * Keep freed buffers in ONNX Runtime's arena for reuse (default true). Off, every buffer goes back to the
   * system allocator: lower peak memory for graphs whose intermediate sizes vary, at some speed.
   */
  memoryArena?: boolean;
  /**
   * Plan one block for all intermediate tensors per input shape (ONNX Runtime's memory pattern; default
   * false: measured on the camformer-mini training step at batch 256, it raised peak memory from 1.3 to
   * 2.2 GB for about 3 % less CPU time).
   */
  memoryPattern?: boolean;
}

/** A session for a serialized model with cislab's options. */
export async function createSession(model: Uint8Array, options: SessionOptions = {}): Promise<OrtSession> {
  const ort = requireOrt();
  const threads = options.threads ?? os.availableParallelism();
  if (!(Number.isInteger(threads) && threads >= 1)) throw new OptionError(`threads must be a positive integer, got ${threads}`, { option: 'threads' });
  const provider = options.provider ?? 'cpu';
  return ort.InferenceSession.create(model, {
    executionProviders: [provider],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    enableCpuMemArena: options.memoryArena ?? true,
    enableMemPattern: options.memoryPattern ?? false,
    extra: { session: { intra_op: { allow_spinning: options.spin ? '1' : '0' }, inter_op: { allow_spinning: '0' } } },
  });
}
