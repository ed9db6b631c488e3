/**
 * Exact in-silico mutagenesis that recomputes only what a substitution changes. A base change at position p
 * alters conv 1's outputs in a window of k₁ positions, conv 2's in a window k₂ − 1 wider, a pooled layer in
 * the pooled image of its input window, and so on; everything outside those windows equals the reference
 * sequence's activations. So one ONNX graph computes, per batch: the full eval-mode forward pass of the
 * reference sequences, keeping every stage's activation; then, for every variant, each stage only on its
 * window, reading the positions around it from the reference (a Gather over [variant windows; reference
 * activations; a zero row] with indices planned here); and finally the dense layers on the full flattened
 * activation (cheap). Arithmetic per position is the inference path's (BN folded into the conv), so the
 * predictions equal full ISM's up to float32 summation order.
 *
 * Layout [n, positions, channels] (cislab's, and the tfjs weight layouts as they are: conv kernel
 * [k · in, out], dense kernel [in, out]); a conv window is a Gather of k shifted positions and one MatMul.
 */
import { blockShapes, convPadding, validateConfig, type CnnConfig } from '../config';
import { OnnxGraph } from './graph';
import { paramSpecs, stateSpecs } from './layout';

/** One activation the variants carry a window of. */
export interface IsmStage {
  kind: 'input' | 'conv' | 'pool' | 'sum';
  block: number;
  length: number;
  channels: number;
  /** Positions in the window (the same for every variant). */
  width: number;
  /** For conv and pool stages: the stage read; for sum: [block output, block input]. */
  sources: number[];
}

/** A read of a source stage over a fixed-width range of positions, one index tensor per read. */
export interface IsmRead {
  name: string;
  source: number;
  /** The stage that consumes it. */
  consumer: number;
  width: number;
}

export interface IsmPlan {
  config: CnnConfig;
  stages: IsmStage[];
  reads: IsmRead[];
}

const ceilDiv = (a: number, b: number) => -Math.floor(-a / b);

/** Window start of every stage for a substitution at 0-based position p (may lie outside the stage). */
function windowStarts(plan: Pick<IsmPlan, 'config' | 'stages'>, p: number): number[] {
  const c = plan.config;
  const starts: number[] = [];
  for (const s of plan.stages) {
    if (s.kind === 'input') starts.push(p);
    else if (s.kind === 'conv') {
      const l = c.convs[s.block]!;
      starts.push(starts[s.sources[0]!]! + convPadding(l)[0] - l.kernel + 1);
    } else if (s.kind === 'pool') {
      const pool = c.convs[s.block]!.pool!;
      starts.push(ceilDiv(starts[s.sources[0]!]! - pool.kernel + 1, pool.stride));
    } else starts.push(Math.min(starts[s.sources[0]!]!, starts[s.sources[1]!]!));
  }
  return starts;
}

/**
 * Where a read starts: a conv reads k − 1 positions before its source window (so that each of its window's
 * outputs sees all k taps); a pool reads from stride × its first output; a sum reads its own window; the
 * final read is the whole last activation.
 */
function readStart(plan: IsmPlan, r: IsmRead, starts: number[]): number {
  if (r.consumer < 0) return 0;
  const consumer = plan.stages[r.consumer]!;
  const layer = plan.config.convs[consumer.block]!;
  if (consumer.kind === 'conv') return starts[r.source]! - (layer.kernel - 1);
  if (consumer.kind === 'pool') return starts[r.consumer]! * layer.pool!.stride;
  return starts[r.consumer]!;
}

/** The stages, window widths and reads of a config (widths: the widest any position needs). */
export function planIsm(config: CnnConfig): IsmPlan {
  const c = validateConfig(config);
  const shapes = blockShapes(c);
  const stages: IsmStage[] = [{ kind: 'input', block: -1, length: c.inputLength, channels: c.inputChannels, width: 1, sources: [] }];
  const reads: IsmRead[] = [];
  let input = 0;
  c.convs.forEach((l, k) => {
    const src = stages[input]!;
    const [left, right] = convPadding(l);
    const convLength = src.length + left + right - l.kernel + 1;
    stages.push({ kind: 'conv', block: k, length: convLength, channels: l.channels, width: src.width + l.kernel - 1, sources: [input] });
    reads.push({ name: `read_${k}_conv`, source: input, consumer: stages.length - 1, width: src.width + 2 * (l.kernel - 1) });
    let out = stages.length - 1;
    if (l.pool) {
      const w = stages[out]!.width;
      const width = Math.floor((w + l.pool.kernel - 2) / l.pool.stride) + 1;
      stages.push({ kind: 'pool', block: k, length: shapes[k]![0], channels: l.channels, width, sources: [out] });
      reads.push({ name: `read_${k}_pool`, source: out, consumer: stages.length - 1, width: (width - 1) * l.pool.stride + l.pool.kernel });
      out = stages.length - 1;
    }
    if (c.residual.includes(k + 1)) {
      stages.push({ kind: 'sum', block: k, length: shapes[k]![0], channels: l.channels, width: 0, sources: [out, input] });
      const sum = stages.length - 1;
      // The union of the two windows; its width can depend on the position (pooling inside the block).
      let width = 1;
      for (let p = 0; p < c.inputLength; p++) {
        const s = windowStarts({ config: c, stages }, p);
        const end = Math.max(s[out]! + stages[out]!.width, s[input]! + stages[input]!.width);
        width = Math.max(width, end - s[sum]!);
      }
      stages[sum]!.width = width;
      reads.push({ name: `read_${k}_out`, source: out, consumer: sum, width }, { name: `read_${k}_in`, source: input, consumer: sum, width });
      out = sum;
    }
    input = out;
  });
  reads.push({ name: 'final', source: input, consumer: -1, width: stages[input]!.length });
  return { config: c, stages, reads };
}

/**
 * Gather indices of every read for a batch: variant v mutates position `positions[v]` (0-based) of reference
 * sequence `sequence[v]`, with S reference sequences. Index into [V · width rows of the source window;
 * S · length reference rows; one zero row].
 */
export function readIndices(plan: IsmPlan, positions: ArrayLike<number>, sequence: ArrayLike<number>, references: number): Record<string, Int32Array> {
  const V = positions.length;
  const out: Record<string, Int32Array> = {};
  for (const r of plan.reads) out[r.name] = new Int32Array(V * r.width);
  for (let v = 0; v < V; v++) {
    const starts = windowStarts(plan, positions[v]!);
    for (const r of plan.reads) {
      const first = readStart(plan, r, starts);
      const src = plan.stages[r.source]!;
      const a = starts[r.source]!;
      const zero = V * src.width + references * src.length;
      const target = out[r.name]!;
      for (let j = 0; j < r.width; j++) {
        const pos = first + j;
        let idx: number;
        if (pos < 0 || pos >= src.length) idx = zero;
        else if (pos >= a && pos < a + src.width) idx = v * src.width + (pos - a);
        else idx = V * src.width + sequence[v]! * src.length + pos;
        target[v * r.width + j] = idx;
      }
    }
  }
  return out;
}

/**
 * The ISM graph of a config. Inputs: `x` [S, L, C] reference sequences, `window0` [V, 1, C] the encoded
 * substituted base of each variant, one int32 index tensor per read (readIndices), the parameters and
 * running statistics by cislab name in tfjs layouts. Outputs: `reference` [S] and `variants` [V] predictions.
 * `precision: 'double'` builds it in float64 (for checks of the window arithmetic).
 */
export function compileIsm(plan: IsmPlan, options: { precision?: 'float' | 'double' } = {}): Uint8Array {
  const c = plan.config;
  const g = new OnnxGraph(`${c.name}_ism`, options.precision ?? 'float');
  const v: Record<string, string> = {};
  for (const p of paramSpecs(c)) v[p.name] = g.input(p.name, p.tfjsShape);
  for (const s of stateSpecs(c)) v[s.name] = g.input(s.name, s.shape);
  const x = g.input('x', ['S', c.inputLength, c.inputChannels]);
  const window0 = g.input('window0', ['V', 1, c.inputChannels]);
  const index: Record<string, string> = {};
  for (const r of plan.reads) index[r.name] = g.input(r.name, ['V', r.width], 'int32');
  // Folded conv weights [k · in, out] and shifts [out] of every block.
  const folded = c.convs.map((l, k) => {
    const i = k + 1;
    const scale = g.op('Div', [v[`bn${i}/gamma`]!, g.op('Sqrt', [g.op('Add', [v[`bn${i}/movingVariance`]!, g.scalar(c.batchNormEpsilon)])])]);
    const shift = g.op('Add', [g.op('Mul', [g.op('Sub', [v[`conv${i}/bias`]!, v[`bn${i}/movingMean`]!]), scale]), v[`bn${i}/beta`]!]);
    const cin = k === 0 ? c.inputChannels : c.convs[k - 1]!.channels;
    return { weight: g.op('Mul', [g.op('Reshape', [v[`conv${i}/kernel`]!, g.int64([l.kernel * cin, l.channels])]), scale]), shift, cin };
  });
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  /** relu(conv) of [N, W + k − 1, in] at its W valid positions → [N, W, out]. */
  const conv = (input: string, k: number, width: number) => {
    const l = c.convs[k]!;
    const f = folded[k]!;
    const taps = g.op('Gather', [input, g.int64(range(width).flatMap((j) => range(l.kernel).map((t) => j + t)), [width, l.kernel])], { axis: 1 });
    const z = g.op('MatMul', [g.op('Reshape', [taps, g.int64([-1, l.kernel * f.cin])]), f.weight]);
    return g.op('Reshape', [g.op('Relu', [g.op('Add', [z, f.shift])]), g.int64([-1, width, l.channels])]);
  };
  const pool = (input: string, k: number) => {
    const p = c.convs[k]!.pool!;
    return g.op('Squeeze', [g.op('MaxPool', [g.op('Unsqueeze', [input, g.int64([1])])], { kernel_shape: [p.kernel, 1], strides: [p.stride, 1] }), g.int64([1])]);
  };
  // Reference forward pass: every stage's full activation [S, L, C].
  const refs: string[] = [x];
  for (const s of plan.stages.slice(1)) {
    const src = refs[s.sources[0]!]!;
    if (s.kind === 'conv') {
      const [left, right] = convPadding(c.convs[s.block]!);
      refs.push(conv(left || right ? g.op('Pad', [src, g.int64([0, left, 0, 0, right, 0])]) : src, s.block, s.length));
    } else if (s.kind === 'pool') refs.push(pool(src, s.block));
    else refs.push(g.op('Add', [src, refs[s.sources[1]!]!]));
  }
  // Variant windows: each stage from reads of its sources (window rows, reference rows, a zero row).
  const windows: string[] = [window0];
  const read = (name: string) => {
    const r = plan.reads.find((q) => q.name === name)!;
    const s = plan.stages[r.source]!;
    const rows = g.op('Concat', [
      g.op('Reshape', [windows[r.source]!, g.int64([-1, s.channels])]),
      g.op('Reshape', [refs[r.source]!, g.int64([-1, s.channels])]),
      g.constant(new Array(s.channels).fill(0), [1, s.channels]),
    ], { axis: 0 });
    return g.op('Gather', [rows, index[name]!], { axis: 0 }); // [V, width, C]
  };
  for (const s of plan.stages.slice(1)) {
    if (s.kind === 'conv') windows.push(conv(read(`read_${s.block}_conv`), s.block, s.width));
    else if (s.kind === 'pool') windows.push(pool(read(`read_${s.block}_pool`), s.block));
    else windows.push(g.op('Add', [read(`read_${s.block}_out`), read(`read_${s.block}_in`)]));
  }
  const last = plan.stages[plan.stages.length - 1]!;
  const dense = (h: string) => {
    let d = g.op('Reshape', [h, g.int64([-1, last.length * last.channels])]);
    [...c.dense, 1].forEach((_, j) => {
      const name = `dense${j + 1}`;
      d = g.op('Add', [g.op('MatMul', [d, v[`${name}/kernel`]!]), v[`${name}/bias`]!]);
      if (j < c.dense.length) d = g.op('Relu', [d]);
    });
    return g.op('Reshape', [d, g.int64([-1])]);
  };
  g.output(dense(refs[refs.length - 1]!), 'reference', ['S']);
  g.output(dense(read('final')), 'variants', ['V']);
  return g.toModel();
}
