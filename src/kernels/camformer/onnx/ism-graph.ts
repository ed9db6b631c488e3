/**
 * Exact in-silico mutagenesis that recomputes only what a substitution changes, as differences. A base change
 * at position p alters conv 1's outputs in a window of k₁ positions, conv 2's in a window k₂ − 1 wider, a
 * pooled layer in the pooled image of its input window, and so on; everything outside those windows equals
 * the reference sequence's activations. So one ONNX graph computes, per batch: the full eval-mode forward pass
 * of the reference sequences, keeping every stage's activation (and every conv's pre-activation); then, for
 * every variant, each stage's difference Δ from the reference on its window only; and finally the first dense
 * layer as the reference's plus Δ times its kernel.
 *
 * A conv is linear before its ReLU, so its pre-activation difference is the conv of the input's Δ, which is
 * non-zero only on the input's window (width w). Computed as one MatMul of those w rows by the kernel laid
 * out [in, k · out] (each input row's contribution to the k outputs it reaches), then summed along the
 * diagonals into the w + k − 1 outputs. That costs w + 1 rows of MatMul (one zero row, the diagonals' padding)
 * where recomputing the outputs from their inputs costs w + k − 1 (camformer: 113 rows instead of 153 over its
 * convs 2–6; 3.86× instead of 2.81× PyTorch's naive ISM, bench/engine.bench.ts). The output's Δ is then
 * relu(reference pre + Δpre) − relu(reference pre). Pooling and residual sums are not linear in that way and
 * cheap: a pool takes the maximum of reference + Δ over its input range, a sum adds its two Δ.
 *
 * Every Δ window may hold anything at positions outside its activation (the window is as wide as any position
 * needs); every read maps those positions to a zero row, which is the zero padding the full model sees. Reads
 * are Gathers with indices planned here, over [the source's Δ rows; a zero row] or [the reference rows; a zero
 * row]. Arithmetic per position is the inference path's (BN folded into the conv); the predictions equal full
 * ISM's up to float32 summation order.
 *
 * Layout [n, positions, channels] (cislab's, and the tfjs weight layouts as they are: conv kernel
 * [1, k, in, out], dense kernel [in, out]).
 */
import { blockShapes, convPadding, validateConfig, type CnnConfig } from '../config';
import { OnnxGraph } from './graph';
import { paramSpecs, stateSpecs } from './layout';

/** One activation the variants carry a Δ window of. */
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

/** A read of a stage over a fixed-width range of positions per variant: one int32 index tensor [V, width]. */
export interface IsmRead {
  name: string;
  /** The stage read. */
  source: number;
  /** The stage that consumes it (−1: the dense layers). */
  consumer: number;
  /**
   * 'delta': the source's Δ window (zero elsewhere); 'activation' and 'preActivation' (a conv's, before its
   * ReLU): the reference sequence's.
   */
  from: 'delta' | 'activation' | 'preActivation';
  /** Which positions: the source's window, the consumer's window, a pool's input range, or all of them. */
  at: 'source' | 'consumer' | 'poolInput' | 'all';
  /** Positions read. */
  width: number;
  /** Zero rows appended after them (a conv's input carries one: the diagonal sums' padding). */
  zeros: number;
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

/** The stages, window widths and reads of a config (widths: the widest any position needs). */
export function planIsm(config: CnnConfig): IsmPlan {
  const c = validateConfig(config);
  const shapes = blockShapes(c);
  const stages: IsmStage[] = [{ kind: 'input', block: -1, length: c.inputLength, channels: c.inputChannels, width: 1, sources: [] }];
  const reads: IsmRead[] = [];
  const read = (name: string, source: number, from: IsmRead['from'], at: IsmRead['at'], width: number, zeros = 0) =>
    reads.push({ name, source, consumer: stages.length - 1, from, at, width, zeros });
  let input = 0;
  c.convs.forEach((l, k) => {
    const src = stages[input]!;
    const [left, right] = convPadding(l);
    const convLength = src.length + left + right - l.kernel + 1;
    stages.push({ kind: 'conv', block: k, length: convLength, channels: l.channels, width: src.width + l.kernel - 1, sources: [input] });
    read(`read_${k}_conv_in`, input, 'delta', 'source', src.width, 1);
    read(`read_${k}_conv_pre`, stages.length - 1, 'preActivation', 'consumer', src.width + l.kernel - 1);
    let out = stages.length - 1;
    if (l.pool) {
      const w = stages[out]!.width;
      const width = Math.floor((w + l.pool.kernel - 2) / l.pool.stride) + 1;
      stages.push({ kind: 'pool', block: k, length: shapes[k]![0], channels: l.channels, width, sources: [out] });
      const range = (width - 1) * l.pool.stride + l.pool.kernel;
      read(`read_${k}_pool_delta`, out, 'delta', 'poolInput', range);
      read(`read_${k}_pool_in`, out, 'activation', 'poolInput', range);
      read(`read_${k}_pool_ref`, stages.length - 1, 'activation', 'consumer', width);
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
      read(`read_${k}_out`, out, 'delta', 'consumer', width);
      read(`read_${k}_in`, input, 'delta', 'consumer', width);
      out = sum;
    }
    input = out;
  });
  reads.push({ name: 'final', source: input, consumer: -1, from: 'delta', at: 'all', width: stages[input]!.length, zeros: 0 });
  return { config: c, stages, reads };
}

/** The first position a read covers, for a variant whose stages' windows start at `starts`. */
function readStart(plan: IsmPlan, r: IsmRead, starts: number[]): number {
  if (r.at === 'all') return 0;
  if (r.at === 'source') return starts[r.source]!;
  if (r.at === 'consumer') return starts[r.consumer]!;
  return starts[r.consumer]! * plan.config.convs[plan.stages[r.consumer]!.block]!.pool!.stride;
}

/**
 * Gather indices of every read for a batch: variant v mutates position `positions[v]` (0-based) of reference
 * sequence `sequence[v]`, with S reference sequences. A delta read indexes [V · width rows of the source's Δ
 * window; one zero row], a reference read [S · length reference rows; one zero row].
 */
export function readIndices(plan: IsmPlan, positions: ArrayLike<number>, sequence: ArrayLike<number>, references: number): Record<string, Int32Array> {
  const V = positions.length;
  const out: Record<string, Int32Array> = {};
  for (const r of plan.reads) out[r.name] = new Int32Array(V * (r.width + r.zeros));
  for (let v = 0; v < V; v++) {
    const starts = windowStarts(plan, positions[v]!);
    for (const r of plan.reads) {
      const first = readStart(plan, r, starts);
      const src = plan.stages[r.source]!;
      const a = starts[r.source]!;
      const zero = r.from === 'delta' ? V * src.width : references * src.length;
      const row = r.width + r.zeros;
      const target = out[r.name]!;
      for (let j = 0; j < row; j++) {
        const pos = first + j;
        let idx = zero;
        if (j < r.width && pos >= 0 && pos < src.length) {
          if (r.from !== 'delta') idx = sequence[v]! * src.length + pos;
          else if (pos >= a && pos < a + src.width) idx = v * src.width + (pos - a);
        }
        target[v * row + j] = idx;
      }
    }
  }
  return out;
}

/**
 * The ISM graph of a config. Inputs: `x` [S, L, C] reference sequences, `delta0` [V, 1, C] each variant's
 * encoded substituted base minus the reference's, `sequence` [V] int32 each variant's reference sequence, one
 * int32 index tensor per read (readIndices), the parameters and running statistics by cislab name in tfjs
 * layouts. Outputs: `reference` [S] and `variants` [V] predictions. `precision: 'double'` builds it in
 * float64 (for checks of the window arithmetic).
 */
export function compileIsm(plan: IsmPlan, options: { precision?: 'float' | 'double' } = {}): Uint8Array {
  const c = plan.config;
  const g = new OnnxGraph(`${c.name}_ism`, options.precision ?? 'float');
  const v: Record<string, string> = {};
  for (const p of paramSpecs(c)) v[p.name] = g.input(p.name, p.tfjsShape);
  for (const s of stateSpecs(c)) v[s.name] = g.input(s.name, s.shape);
  const x = g.input('x', ['S', c.inputLength, c.inputChannels]);
  const delta0 = g.input('delta0', ['V', 1, c.inputChannels]);
  const sequence = g.input('sequence', ['V'], 'int32');
  const index: Record<string, string> = {};
  for (const r of plan.reads) index[r.name] = g.input(r.name, ['V', r.width + r.zeros], 'int32');
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  // Folded conv weights of every block: [k · in, out] for the reference pass, [in, k · out] with the taps
  // reversed for the variants' Δ (so that input row i's tap t' lands on window output i + t'), and shifts [out].
  const folded = c.convs.map((l, k) => {
    const i = k + 1;
    const scale = g.op('Div', [v[`bn${i}/gamma`]!, g.op('Sqrt', [g.op('Add', [v[`bn${i}/movingVariance`]!, g.scalar(c.batchNormEpsilon)])])]);
    const shift = g.op('Add', [g.op('Mul', [g.op('Sub', [v[`conv${i}/bias`]!, v[`bn${i}/movingMean`]!]), scale]), v[`bn${i}/beta`]!]);
    const cin = k === 0 ? c.inputChannels : c.convs[k - 1]!.channels;
    const kernel = g.op('Mul', [g.op('Reshape', [v[`conv${i}/kernel`]!, g.int64([l.kernel, cin, l.channels])]), scale]);
    const reversed = g.op('Gather', [kernel, g.int64(range(l.kernel).reverse())], { axis: 0 });
    const spread = g.op('Reshape', [g.op('Transpose', [reversed], { perm: [1, 0, 2] }), g.int64([cin, l.kernel * l.channels])]);
    return { weight: g.op('Reshape', [kernel, g.int64([l.kernel * cin, l.channels])]), spread, shift, cin };
  });
  /** BN-folded conv pre-activation of [N, W + k − 1, in] at its W valid positions → [N, W, out]. */
  const convPre = (input: string, k: number, width: number) => {
    const l = c.convs[k]!;
    const f = folded[k]!;
    const taps = g.op('Gather', [input, g.int64(range(width).flatMap((j) => range(l.kernel).map((t) => j + t)), [width, l.kernel])], { axis: 1 });
    const z = g.op('MatMul', [g.op('Reshape', [taps, g.int64([-1, l.kernel * f.cin])]), f.weight]);
    return g.op('Reshape', [g.op('Add', [z, f.shift]), g.int64([-1, width, l.channels])]);
  };
  const pool = (input: string, k: number) => {
    const p = c.convs[k]!.pool!;
    return g.op('Squeeze', [g.op('MaxPool', [g.op('Unsqueeze', [input, g.int64([1])])], { kernel_shape: [p.kernel, 1], strides: [p.stride, 1] }), g.int64([1])]);
  };
  // Reference forward pass: every stage's full activation [S, L, C], and every conv's pre-activation.
  const refs: string[] = [x];
  const pres: string[] = []; // by stage, conv stages only
  plan.stages.forEach((s, i) => {
    if (s.kind === 'input') return;
    const src = refs[s.sources[0]!]!;
    if (s.kind === 'conv') {
      const [left, right] = convPadding(c.convs[s.block]!);
      pres[i] = convPre(left || right ? g.op('Pad', [src, g.int64([0, left, 0, 0, right, 0])]) : src, s.block, s.length);
      refs.push(g.op('Relu', [pres[i]!]));
    } else if (s.kind === 'pool') refs.push(pool(src, s.block));
    else refs.push(g.op('Add', [src, refs[s.sources[1]!]!]));
  });
  // Variant Δ windows, stage by stage.
  const deltas: string[] = [delta0];
  const rows = new Map<string, string>(); // a residual block's input is read by its conv and by its sum
  const rowsOf = (value: string, channels: number) => {
    let r = rows.get(value);
    if (!r) {
      r = g.op('Concat', [g.op('Reshape', [value, g.int64([-1, channels])]), g.constant(new Array(channels).fill(0), [1, channels])], { axis: 0 });
      rows.set(value, r);
    }
    return r;
  };
  const read = (name: string) => {
    const r = plan.reads.find((q) => q.name === name)!;
    const s = plan.stages[r.source]!;
    const source = rowsOf({ delta: deltas, activation: refs, preActivation: pres }[r.from][r.source]!, s.channels);
    return g.op('Gather', [source, index[name]!], { axis: 0 }); // [V, width + zeros, C]
  };
  for (const s of plan.stages.slice(1)) {
    const k = s.block;
    if (s.kind === 'conv') {
      const l = c.convs[k]!;
      const w = plan.stages[s.sources[0]!]!.width;
      // Input row i (of w, then one zero row) reaches outputs i … i + k − 1 through the reversed taps t'.
      const contributions = g.op('MatMul', [read(`read_${k}_conv_in`), folded[k]!.spread]); // [V, w + 1, k · out]
      const flat = g.op('Reshape', [contributions, g.int64([0, (w + 1) * l.kernel, l.channels])]);
      const diagonal = range(s.width).flatMap((j) => range(l.kernel).map((t) => (j - t >= 0 && j - t < w ? (j - t) * l.kernel + t : w * l.kernel)));
      const deltaPre = g.op('ReduceSum', [g.op('Gather', [flat, g.int64(diagonal, [s.width, l.kernel])], { axis: 1 }), g.int64([2])], { keepdims: 0 });
      const pre = read(`read_${k}_conv_pre`);
      deltas.push(g.op('Sub', [g.op('Relu', [g.op('Add', [pre, deltaPre])]), g.op('Relu', [pre])]));
    } else if (s.kind === 'pool') {
      const variant = g.op('Add', [read(`read_${k}_pool_in`), read(`read_${k}_pool_delta`)]);
      deltas.push(g.op('Sub', [pool(variant, k), read(`read_${k}_pool_ref`)]));
    } else deltas.push(g.op('Add', [read(`read_${k}_out`), read(`read_${k}_in`)]));
  }
  const last = plan.stages[plan.stages.length - 1]!;
  const flatten = (h: string) => g.op('Reshape', [h, g.int64([-1, last.length * last.channels])]);
  /** The prediction from the first dense layer's output before its ReLU ([N, size]). */
  const head = (first: string) => {
    let d = first;
    c.dense.forEach((_, j) => {
      const name = `dense${j + 2}`;
      d = g.op('Add', [g.op('MatMul', [g.op('Relu', [d]), v[`${name}/kernel`]!]), v[`${name}/bias`]!]);
    });
    return g.op('Reshape', [d, g.int64([-1])]);
  };
  const referenceFirst = g.op('Add', [g.op('MatMul', [flatten(refs[refs.length - 1]!), v['dense1/kernel']!]), v['dense1/bias']!]);
  const variantFirst = g.op('Add', [g.op('Gather', [referenceFirst, sequence], { axis: 0 }), g.op('MatMul', [flatten(read('final')), v['dense1/kernel']!])]);
  g.output(head(referenceFirst), 'reference', ['S']);
  g.output(head(variantFirst), 'variants', ['V']);
  return g.toModel();
}
