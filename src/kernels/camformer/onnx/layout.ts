/**
 * Where each parameter of a Camformer-family model lives in the compiled ONNX graphs, and the conversions
 * between cislab's tfjs layouts (the names and shapes `Model.params` / `Model.state` use and
 * persistence.ts saves) and the graphs' layouts.
 *
 * The graphs keep activations as [channels, positions, batch] (the layout that measured fastest for
 * ONNX Runtime's CPU kernels: every convolution is one Gather of patch columns and one MatMul), so:
 * - a conv kernel, tfjs [1, k, in, out], is stored as [out, in · k] with row entries ordered (in, tap);
 * - the first dense kernel, tfjs [positions · channels, out] with rows (position, channel), keeps its
 *   [in, out] shape but its rows are ordered (channel, position), the order a [C, L, n] activation
 *   flattens in;
 * - everything else (biases, batch-norm γ/β and running statistics, later dense kernels) is unchanged.
 * Optimiser moments have their parameter's layout and convert the same way.
 */
import { ModelError } from '../../../errors';
import { blockShapes, flattenSize, type CnnConfig } from '../config';

export type ParamKind = 'convKernel' | 'convBias' | 'gamma' | 'beta' | 'denseKernel' | 'denseBias';

export interface ParamSpec {
  /** cislab's name (conv1/kernel, bn1/gamma, dense1/bias, …). */
  name: string;
  kind: ParamKind;
  /** Shape in the tfjs model (and in saved model files). */
  tfjsShape: number[];
  /** Shape in the ONNX graphs. */
  graphShape: number[];
  /**
   * Whether the optimiser updates it. Conv biases are not trained: batch norm follows every conv, so their
   * gradient is exactly zero (the tfjs step leaves them unchanged too); they only enter the running mean.
   */
  trained: boolean;
  size: number;
}

export interface StateSpec {
  /** bn{i}/movingMean or bn{i}/movingVariance. */
  name: string;
  shape: number[];
}

/** Every parameter of a config, in the order `buildModel` creates them. */
export function paramSpecs(c: CnnConfig): ParamSpec[] {
  const out: ParamSpec[] = [];
  const add = (name: string, kind: ParamKind, tfjsShape: number[], graphShape: number[], trained = true) =>
    out.push({ name, kind, tfjsShape, graphShape, trained, size: tfjsShape.reduce((a, b) => a * b, 1) });
  let cin = c.inputChannels;
  c.convs.forEach((l, k) => {
    const i = k + 1;
    add(`conv${i}/kernel`, 'convKernel', [1, l.kernel, cin, l.channels], [l.channels, cin * l.kernel]);
    add(`conv${i}/bias`, 'convBias', [l.channels], [l.channels], false);
    add(`bn${i}/gamma`, 'gamma', [l.channels], [l.channels]);
    add(`bn${i}/beta`, 'beta', [l.channels], [l.channels]);
    cin = l.channels;
  });
  let inSize = flattenSize(c);
  [...c.dense, 1].forEach((size, j) => {
    add(`dense${j + 1}/kernel`, 'denseKernel', [inSize, size], [inSize, size]);
    add(`dense${j + 1}/bias`, 'denseBias', [size], [size]);
    inSize = size;
  });
  return out;
}

/** The batch-norm running statistics of a config, in `buildModel`'s order. */
export function stateSpecs(c: CnnConfig): StateSpec[] {
  return c.convs.flatMap((l, k) => [
    { name: `bn${k + 1}/movingMean`, shape: [l.channels] },
    { name: `bn${k + 1}/movingVariance`, shape: [l.channels] },
  ]);
}

/** A parameter (or a moment of it) from the tfjs layout to the graph layout; a new array. */
export function toGraphLayout(c: CnnConfig, spec: ParamSpec, values: Float32Array): Float32Array {
  checkSize(spec, values);
  if (spec.kind === 'convKernel') {
    const [, k, cin, cout] = spec.tfjsShape as [number, number, number, number];
    const out = new Float32Array(values.length);
    for (let t = 0; t < k; t++) {
      for (let i = 0; i < cin; i++) {
        const from = (t * cin + i) * cout;
        for (let o = 0; o < cout; o++) out[o * cin * k + i * k + t] = values[from + o]!;
      }
    }
    return out;
  }
  if (spec.name === 'dense1/kernel') return permuteFlattenRows(c, values, 'toGraph');
  return Float32Array.from(values);
}

/** Inverse of toGraphLayout; a new array. */
export function toTfjsLayout(c: CnnConfig, spec: ParamSpec, values: Float32Array): Float32Array {
  checkSize(spec, values);
  if (spec.kind === 'convKernel') {
    const [, k, cin, cout] = spec.tfjsShape as [number, number, number, number];
    const out = new Float32Array(values.length);
    for (let o = 0; o < cout; o++) {
      for (let i = 0; i < cin; i++) {
        const from = o * cin * k + i * k;
        for (let t = 0; t < k; t++) out[(t * cin + i) * cout + o] = values[from + t]!;
      }
    }
    return out;
  }
  if (spec.name === 'dense1/kernel') return permuteFlattenRows(c, values, 'toTfjs');
  return Float32Array.from(values);
}

/** Rows (position, channel) ↔ (channel, position) of the first dense kernel. */
function permuteFlattenRows(c: CnnConfig, values: Float32Array, direction: 'toGraph' | 'toTfjs'): Float32Array {
  const [length, channels] = blockShapes(c)[c.convs.length - 1]!;
  const width = values.length / (length * channels);
  const out = new Float32Array(values.length);
  for (let l = 0; l < length; l++) {
    for (let ch = 0; ch < channels; ch++) {
      const tfjsRow = l * channels + ch;
      const graphRow = ch * length + l;
      const [from, to] = direction === 'toGraph' ? [tfjsRow, graphRow] : [graphRow, tfjsRow];
      out.set(values.subarray(from * width, from * width + width), to * width);
    }
  }
  return out;
}

function checkSize(spec: ParamSpec, values: Float32Array): void {
  if (values.length !== spec.size) {
    throw new ModelError(`${spec.name}: expected ${spec.size} values (shape [${spec.tfjsShape.join(', ')}]), got ${values.length}`, { option: spec.name });
  }
}
