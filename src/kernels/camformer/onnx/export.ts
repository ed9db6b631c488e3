/**
 * A trained Camformer-family model as an ONNX inference graph (opset 17), for ONNX Runtime or any other
 * ONNX consumer. Batch norm is folded into the conv weights exactly as the tfjs inference path does, so the
 * graph per block is Conv (with its zero padding) → Relu → (MaxPool) → (Add for residual blocks); dropout is
 * the identity at inference. Input `x` is [n, length, channels] (cislab's encoding layout), output `y` is [n].
 * ONNX convolutions are channels-first, so the graph transposes once on the way in and once before the
 * flatten (which must see positions × channels in cislab's order for the dense weights to line up).
 */
import { tf } from '../../tensor/tf';
import { convPadding } from '../config';
import type { Model } from '../model';
import { foldNorm } from '../../tensor/ops';
import { ProtoWriter } from './protobuf';

const IR_VERSION = 8;
const OPSET = 17;
const FLOAT = 1;
const INT64 = 7;
// AttributeProto.AttributeType
const ATTR_INT = 2;
const ATTR_INTS = 7;

type Attribute = { name: string; ints: number[] } | { name: string; int: number };

class GraphBuilder {
  readonly nodes: ProtoWriter[] = [];
  readonly initializers: ProtoWriter[] = [];
  private counter = 0;

  node(op: string, inputs: string[], attributes: Attribute[] = [], output = `${op.toLowerCase()}_${++this.counter}`): string {
    const n = new ProtoWriter();
    for (const i of inputs) n.string(1, i);
    n.string(2, output).string(3, output).string(4, op);
    for (const a of attributes) {
      const w = new ProtoWriter().string(1, a.name);
      if ('ints' in a) w.ints(8, a.ints).int(20, ATTR_INTS);
      else w.int(3, a.int).int(20, ATTR_INT);
      n.message(5, w);
    }
    this.nodes.push(n);
    return output;
  }

  floats(name: string, dims: number[], values: Float32Array): string {
    const raw = new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
    this.initializers.push(new ProtoWriter().ints(1, dims).int(2, FLOAT).string(8, name).bytes(9, raw));
    return name;
  }

  int64s(name: string, values: number[]): string {
    const raw = new Uint8Array(values.length * 8);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    this.initializers.push(new ProtoWriter().ints(1, [values.length]).int(2, INT64).string(8, name).bytes(9, raw));
    return name;
  }
}

/** [n, ...dims] float tensor type; the batch dimension is symbolic. */
function valueInfo(name: string, dims: number[]): ProtoWriter {
  const shape = new ProtoWriter().message(1, new ProtoWriter().string(2, 'n'));
  for (const d of dims) shape.message(1, new ProtoWriter().int(1, d));
  const tensorType = new ProtoWriter().int(1, FLOAT).message(2, shape);
  return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
}

/** [1, k, in, out] (tfjs conv2d filter) → [out, in, k] (ONNX Conv weight). */
function onnxConvWeight(filter: Float32Array, k: number, cin: number, cout: number): Float32Array {
  const out = new Float32Array(filter.length);
  for (let t = 0; t < k; t++) {
    for (let i = 0; i < cin; i++) {
      for (let o = 0; o < cout; o++) out[(o * cin + i) * k + t] = filter[(t * cin + i) * cout + o]!;
    }
  }
  return out;
}

/**
 * The model's current weights as a serialized ONNX ModelProto.
 * @param model - The model.
 * @returns The ONNX file's bytes: input `x` [n, length, channels], output `y` [n].
 * @example
 * writeFileSync('model.onnx', modelToOnnx(model));
 */
export function modelToOnnx(model: Model): Uint8Array {
  const c = model.config;
  const g = new GraphBuilder();
  const param = (name: string) => model.params.get(name)!;
  let h = g.node('Transpose', ['x'], [{ name: 'perm', ints: [0, 2, 1] }]); // [n, C, L]
  let previous = h;
  let cin = c.inputChannels;
  c.convs.forEach((layer, k) => {
    const i = k + 1;
    const folded = foldNorm(param(`conv${i}/kernel`) as tf.Tensor4D, {
      gamma: param(`bn${i}/gamma`), beta: param(`bn${i}/beta`), bias: param(`conv${i}/bias`),
      movingMean: model.state.get(`bn${i}/movingMean`)!, movingVariance: model.state.get(`bn${i}/movingVariance`)!,
    }, c.batchNormEpsilon);
    const weight = g.floats(`conv${i}/weight`, [layer.channels, cin, layer.kernel],
      onnxConvWeight(folded.filter.dataSync() as Float32Array, layer.kernel, cin, layer.channels));
    const bias = g.floats(`conv${i}/bias`, [layer.channels], Float32Array.from(folded.bias.dataSync()));
    tf.dispose([folded.filter, folded.bias]);
    h = g.node('Conv', [h, weight, bias], [{ name: 'kernel_shape', ints: [layer.kernel] }, { name: 'pads', ints: convPadding(layer) }]);
    h = g.node('Relu', [h]);
    if (layer.pool) h = g.node('MaxPool', [h], [{ name: 'kernel_shape', ints: [layer.pool.kernel] }, { name: 'strides', ints: [layer.pool.stride] }]);
    if (c.residual.includes(i)) h = g.node('Add', [h, previous]);
    previous = h;
    cin = layer.channels;
  });
  h = g.node('Transpose', [h], [{ name: 'perm', ints: [0, 2, 1] }]); // back to [n, L, C]
  h = g.node('Flatten', [h], [{ name: 'axis', int: 1 }]);
  const sizes = [...c.dense, 1];
  sizes.forEach((size, j) => {
    const name = `dense${j + 1}`;
    const kernel = param(`${name}/kernel`);
    const w = g.floats(`${name}/weight`, kernel.shape, Float32Array.from(kernel.dataSync()));
    const b = g.floats(`${name}/bias`, [size], Float32Array.from(param(`${name}/bias`).dataSync()));
    h = g.node('Gemm', [h, w, b]);
    if (j < sizes.length - 1) h = g.node('Relu', [h]);
  });
  g.node('Reshape', [h, g.int64s('output_shape', [-1])], [], 'y');

  const graph = new ProtoWriter();
  for (const n of g.nodes) graph.message(1, n);
  graph.string(2, c.name);
  for (const t of g.initializers) graph.message(5, t);
  graph.message(11, valueInfo('x', [c.inputLength, c.inputChannels]));
  graph.message(12, valueInfo('y', []));
  return new ProtoWriter()
    .int(1, IR_VERSION)
    .string(2, 'cislab')
    .message(7, graph)
    .message(8, new ProtoWriter().string(1, '').int(2, OPSET))
    .finish();
}
