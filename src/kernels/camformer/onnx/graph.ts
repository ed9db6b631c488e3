/**
 * A small ONNX graph builder on the project's protobuf writer: typed graph inputs and outputs (symbolic
 * dimensions allowed), nodes with any number of outputs and int / float / ints / string / tensor attributes,
 * and de-duplicated constant initializers. The training-graph compiler (train-graph.ts) writes hundreds of
 * nodes with it; the result is a serialized ModelProto that ONNX Runtime loads from memory.
 *
 * Field numbers are those of onnx/onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto,
 * TensorProto, ValueInfoProto, TypeProto, TensorShapeProto, OperatorSetIdProto).
 */
import { ProtoWriter } from './protobuf';

/** Element types the compiler uses, by ONNX TensorProto.DataType code. */
export const ELEMENT_TYPES = { float: 1, uint8: 2, int32: 6, int64: 7, bool: 9, double: 11 } as const;
export type ElementType = keyof typeof ELEMENT_TYPES;

/** A dimension: a size, or a name for a size known only at run time (the batch). */
export type Dim = number | string;

/** A constant tensor's contents. */
export interface TensorValue {
  type: ElementType;
  dims: readonly number[];
  values: ArrayLike<number>;
}

/**
 * An attribute value: an integer (INT), a list of integers (INTS), text (STRING), `{ f }` (FLOAT) or
 * `{ tensor }` (TENSOR).
 */
export type Attribute = number | readonly number[] | string | { f: number } | { tensor: TensorValue };

// AttributeProto.AttributeType
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, INTS: 7 } as const;

/** Serializes a tensor (raw little-endian data) as a TensorProto. */
function tensorProto(name: string, t: TensorValue): ProtoWriter {
  const n = t.values.length;
  let raw: Uint8Array;
  switch (t.type) {
    case 'float': raw = bytesOf(Float32Array.from(t.values)); break;
    case 'double': raw = bytesOf(Float64Array.from(t.values)); break;
    case 'int32': raw = bytesOf(Int32Array.from(t.values)); break;
    case 'int64': {
      const b = new BigInt64Array(n);
      for (let i = 0; i < n; i++) b[i] = BigInt(t.values[i]!);
      raw = bytesOf(b);
      break;
    }
    case 'bool':
    case 'uint8': raw = Uint8Array.from(t.values); break;
  }
  const w = new ProtoWriter();
  if (t.dims.length) w.ints(1, t.dims);
  return w.int(2, ELEMENT_TYPES[t.type]).string(8, name).bytes(9, raw);
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function valueInfo(name: string, type: ElementType, dims: readonly Dim[]): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of dims) shape.message(1, typeof d === 'number' ? new ProtoWriter().int(1, d) : new ProtoWriter().string(2, d));
  const tensorType = new ProtoWriter().int(1, ELEMENT_TYPES[type]).message(2, shape);
  return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
}

/** One ONNX graph under construction; `float` is the element type of its real-valued tensors. */
export class OnnxGraph {
  private readonly nodes: ProtoWriter[] = [];
  private readonly initializers: ProtoWriter[] = [];
  private readonly inputs: ProtoWriter[] = [];
  private readonly outputs: ProtoWriter[] = [];
  private readonly constants = new Map<string, string>();
  private readonly names = new Set<string>();
  private counter = 0;
  /** Node count so far (for reports). */
  nodeCount = 0;

  constructor(readonly name: string, readonly float: 'float' | 'double' = 'float') {}

  /** Declares a graph input and returns its name. */
  input(name: string, dims: readonly Dim[], type: ElementType = this.float): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** Declares `value` as graph output `name` (through an Identity when the names differ). */
  output(value: string, name: string, dims: readonly Dim[], type: ElementType = this.float): void {
    if (value !== name) this.node('Identity', [value], {}, [name]);
    this.outputs.push(valueInfo(name, type, dims));
  }

  /** A node with one output; returns the output's name. */
  op(type: string, inputs: readonly string[], attributes: Record<string, Attribute> = {}): string {
    return this.node(type, inputs, attributes, 1)[0]!;
  }

  /** A node with several outputs (`outputs`: how many, or their names); returns their names. */
  node(type: string, inputs: readonly string[], attributes: Record<string, Attribute> = {}, outputs: number | readonly string[] = 1): string[] {
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(type)) : [...outputs];
    for (const o of outs) this.names.add(o);
    const n = new ProtoWriter();
    for (const i of inputs) n.string(1, i);
    for (const o of outs) n.string(2, o);
    n.string(3, outs[0]!).string(4, type);
    for (const [key, value] of Object.entries(attributes)) n.message(5, attributeProto(key, value));
    this.nodes.push(n);
    this.nodeCount++;
    return outs;
  }

  /** A constant tensor (de-duplicated by type, shape and contents). */
  constant(values: ArrayLike<number>, dims: readonly number[] = [values.length], type: ElementType = this.float): string {
    const key = `${type}|${dims.join(',')}|${Array.prototype.join.call(values, ',')}`;
    const known = this.constants.get(key);
    if (known) return known;
    const name = this.fresh('const');
    this.initializers.push(tensorProto(name, { type, dims, values }));
    this.constants.set(key, name);
    return name;
  }

  /** A real scalar constant of the graph's float type. */
  scalar(value: number): string {
    return this.constant([value], []);
  }

  /** An int64 vector constant (shapes, axes, indices). */
  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.constant(values, dims, 'int64');
  }

  /** A named initializer (a weight baked into an inference graph). */
  initializer(name: string, t: TensorValue): string {
    this.claim(name);
    this.initializers.push(tensorProto(name, t));
    return name;
  }

  /** The serialized ModelProto. */
  toModel(options: { opset?: number; irVersion?: number; producer?: string } = {}): Uint8Array {
    const graph = new ProtoWriter();
    for (const n of this.nodes) graph.message(1, n);
    graph.string(2, this.name);
    for (const t of this.initializers) graph.message(5, t);
    for (const i of this.inputs) graph.message(11, i);
    for (const o of this.outputs) graph.message(12, o);
    return new ProtoWriter()
      .int(1, options.irVersion ?? 8)
      .string(2, options.producer ?? 'cislab')
      .message(7, graph)
      .message(8, new ProtoWriter().string(1, '').int(2, options.opset ?? 18))
      .finish();
  }

  private fresh(prefix: string): string {
    let name: string;
    do name = `${prefix}_${++this.counter}`; while (this.names.has(name));
    this.names.add(name);
    return name;
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new Error(`graph ${this.name}: name '${name}' used twice`);
    this.names.add(name);
  }
}

function attributeProto(name: string, value: Attribute): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: ${value} is not an integer (use { f } for floats)`);
    return w.int(3, value).int(20, ATTR.INT);
  }
  if (typeof value === 'string') return w.string(4, value).int(20, ATTR.STRING);
  if (Array.isArray(value)) return w.ints(8, value as number[]).int(20, ATTR.INTS);
  if ('f' in (value as object)) return w.float(2, (value as { f: number }).f).int(20, ATTR.FLOAT);
  return w.message(5, tensorProto('', (value as { tensor: TensorValue }).tensor)).int(20, ATTR.TENSOR);
}
