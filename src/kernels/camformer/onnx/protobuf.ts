/**
 * The few Protocol Buffers wire-format writes an ONNX file needs (varints, packed int64 lists, 32-bit floats,
 * length-delimited strings, bytes and messages), so the exporter and the training-graph compiler need no
 * protobuf library or generated code. A message is built as a list of already-encoded fields and
 * concatenated once.
 * Wire types: 0 = varint, 2 = length-delimited, 5 = 32-bit (float attributes such as an epsilon).
 */

/** An encoded message under construction. */
export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  /** int32/int64/enum/bool field. */
  int(field: number, value: number): this {
    return this.push(tag(field, 0), varint(value));
  }

  /** Repeated int64, packed. */
  ints(field: number, values: readonly number[]): this {
    return this.bytes(field, concat(values.map(varint)));
  }

  /** float field (wire type 5, little-endian IEEE 754 single). */
  float(field: number, value: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    return this.push(tag(field, 5), b);
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  bytes(field: number, value: Uint8Array): this {
    return this.push(tag(field, 2), varint(value.length), value);
  }

  message(field: number, value: ProtoWriter): this {
    return this.bytes(field, value.finish());
  }

  finish(): Uint8Array {
    return concat(this.parts, this.size);
  }

  private push(...chunks: Uint8Array[]): this {
    for (const c of chunks) {
      this.parts.push(c);
      this.size += c.length;
    }
    return this;
  }
}

function tag(field: number, wireType: number): Uint8Array {
  return varint(field * 8 + wireType);
}

/** Base-128 varint; negative numbers as 64-bit two's complement (10 bytes), as protobuf does for int64. */
export function varint(value: number): Uint8Array {
  if (!Number.isInteger(value)) throw new Error(`varint of a non-integer: ${value}`);
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return Uint8Array.from(out);
}

function concat(parts: readonly Uint8Array[], size = parts.reduce((s, p) => s + p.length, 0)): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
