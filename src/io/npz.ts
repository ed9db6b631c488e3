/**
 * NumPy's `.npz` (a zip of `.npy` arrays, stored uncompressed) written and read without holding the arrays in
 * memory, so that Python opens cislab's large numeric outputs with nothing but numpy (`np.load(path)`).
 *
 * Writing: members are appended one after another through an `AtomicFileWriter`; a member's size is declared
 * when it begins (an `.npy` size follows from its shape), its data streamed in pieces, its CRC-32 patched into
 * the local header when it ends. Entries carry a fixed 1980-01-01 timestamp, so the same arrays always give the
 * same bytes (shard merges are compared byte for byte). ZIP64 fields are used where a size or offset reaches
 * 4 GiB. Reading: the central directory locates each member; arrays are read by byte range.
 * Formats: PKWARE APPNOTE 6.3 (local/central headers, ZIP64), NumPy NEP 1 / `numpy.lib.format` (npy v1.0).
 * Numbers are little-endian, as on every platform Node runs on here.
 */
import * as fs from 'node:fs';
import { crc32 } from 'node:zlib';
import { InputError } from '../errors';
import type { AtomicFileWriter } from './atomic-stream';

const U32_MAX = 0xffffffff;
const DOS_DATE_1980_01_01 = 0x0021;

/** The `.npy` v1.0 header for an array of `descr` (e.g. `<f4`, `<U12`, `|S80`) and `shape`, padded to 64 bytes. */
export function npyHeader(descr: string, shape: readonly number[]): Buffer {
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${tuple}, }`;
  const unpadded = 10 + dict.length + 1;
  const total = Math.ceil(unpadded / 64) * 64;
  const header = Buffer.alloc(total, 0x20);
  header.write('\x93NUMPY', 0, 'latin1');
  header[6] = 1;
  header[7] = 0;
  header.writeUInt16LE(total - 10, 8);
  header.write(dict, 10, 'latin1');
  header[total - 1] = 0x0a;
  return header;
}

/** Parses an `.npy` header at the start of `bytes`: dtype string, shape and the header's length in bytes. */
export function parseNpyHeader(bytes: Uint8Array, file: string): { descr: string; shape: number[]; headerLength: number } {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 10 || b.toString('latin1', 0, 6) !== '\x93NUMPY') throw new InputError('not an .npy array (bad magic)', { file });
  const major = b[6]!;
  const length = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const text = b.toString('latin1', start, start + length);
  const descr = /'descr':\s*'([^']+)'/.exec(text)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(text)?.[1];
  if (!descr || shapeText === undefined || /'fortran_order':\s*True/.test(text)) throw new InputError(`unsupported .npy header ${text.trim()}`, { file });
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  return { descr, shape, headerLength: start + length };
}

interface MemberRecord { name: string; offset: number; size: number; crc: number; zip64: boolean }

export interface NpzWriterOptions {
  /** Write ZIP64 fields for every member even when small (tests exercise the >4 GiB layout with it). */
  forceZip64?: boolean;
}

/** Writes a stored (uncompressed) zip through an atomic writer, one member at a time. */
export class NpzWriter {
  private members: MemberRecord[] = [];
  private current?: { record: MemberRecord; written: number; crc: number; dataStart: number };

  constructor(private readonly out: AtomicFileWriter, private readonly options: NpzWriterOptions = {}) {}

  /** Starts member `name` (e.g. `effects.npy`) holding exactly `size` bytes. */
  begin(name: string, size: number): void {
    if (this.current) throw new Error(`member ${this.current.record.name} is not finished`);
    const offset = this.out.position;
    const zip64 = this.options.forceZip64 === true || size >= U32_MAX || offset >= U32_MAX;
    const record: MemberRecord = { name, offset, size, crc: 0, zip64 };
    const nameBytes = Buffer.from(name, 'latin1');
    const header = Buffer.alloc(30 + nameBytes.length + (zip64 ? 20 : 0));
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(zip64 ? 45 : 20, 4);
    header.writeUInt16LE(0, 6); // flags
    header.writeUInt16LE(0, 8); // stored
    header.writeUInt16LE(0, 10); // time 00:00:00
    header.writeUInt16LE(DOS_DATE_1980_01_01, 12);
    header.writeUInt32LE(0, 14); // CRC-32, patched in end()
    header.writeUInt32LE(zip64 ? U32_MAX : size, 18);
    header.writeUInt32LE(zip64 ? U32_MAX : size, 22);
    header.writeUInt16LE(nameBytes.length, 26);
    header.writeUInt16LE(zip64 ? 20 : 0, 28);
    nameBytes.copy(header, 30);
    if (zip64) {
      const at = 30 + nameBytes.length;
      header.writeUInt16LE(0x0001, at);
      header.writeUInt16LE(16, at + 2);
      header.writeBigUInt64LE(BigInt(size), at + 4);
      header.writeBigUInt64LE(BigInt(size), at + 12);
    }
    this.out.write(header);
    this.current = { record, written: 0, crc: 0, dataStart: this.out.position };
  }

  /** Appends bytes to the member begun last. */
  write(bytes: Uint8Array): void {
    const c = this.current;
    if (!c) throw new Error('no member begun');
    if (c.written + bytes.length > c.record.size) throw new Error(`member ${c.record.name} is longer than the ${c.record.size} bytes declared`);
    c.crc = crc32(bytes, c.crc);
    c.written += bytes.length;
    this.out.write(bytes);
  }

  /** Finishes the member begun last; its byte count must be what `begin` declared. */
  end(): void {
    const c = this.current;
    if (!c) throw new Error('no member begun');
    if (c.written !== c.record.size) throw new Error(`member ${c.record.name} has ${c.written} of the ${c.record.size} bytes declared`);
    c.record.crc = c.crc >>> 0;
    const crc = Buffer.alloc(4);
    crc.writeUInt32LE(c.record.crc, 0);
    this.out.writeAt(c.record.offset + 14, crc);
    this.members.push(c.record);
    this.current = undefined;
  }

  /** A whole `.npy` member at once: header for `descr`/`shape`, then `data`. */
  addArray(name: string, descr: string, shape: readonly number[], data: Uint8Array): void {
    const header = npyHeader(descr, shape);
    this.begin(name, header.length + data.byteLength);
    this.write(header);
    this.write(data);
    this.end();
  }

  /** Writes the central directory and the end records; the zip is complete (commit the writer next). */
  finish(): void {
    if (this.current) throw new Error(`member ${this.current.record.name} is not finished`);
    const cdOffset = this.out.position;
    for (const m of this.members) this.out.write(centralHeader(m));
    const cdSize = this.out.position - cdOffset;
    const count = this.members.length;
    const zip64 = this.options.forceZip64 === true || cdOffset >= U32_MAX || cdSize >= U32_MAX || count >= 0xffff;
    if (zip64) {
      const record = Buffer.alloc(56 + 20);
      const at = this.out.position;
      record.writeUInt32LE(0x06064b50, 0);
      record.writeBigUInt64LE(44n, 4);
      record.writeUInt16LE(45, 12);
      record.writeUInt16LE(45, 14);
      record.writeUInt32LE(0, 16);
      record.writeUInt32LE(0, 20);
      record.writeBigUInt64LE(BigInt(count), 24);
      record.writeBigUInt64LE(BigInt(count), 32);
      record.writeBigUInt64LE(BigInt(cdSize), 40);
      record.writeBigUInt64LE(BigInt(cdOffset), 48);
      record.writeUInt32LE(0x07064b50, 56);
      record.writeUInt32LE(0, 60);
      record.writeBigUInt64LE(BigInt(at), 64);
      record.writeUInt32LE(1, 72);
      this.out.write(record);
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(0, 4);
    end.writeUInt16LE(0, 6);
    end.writeUInt16LE(Math.min(count, 0xffff), 8);
    end.writeUInt16LE(Math.min(count, 0xffff), 10);
    end.writeUInt32LE(zip64 ? U32_MAX : cdSize, 12);
    end.writeUInt32LE(zip64 ? U32_MAX : cdOffset, 16);
    end.writeUInt16LE(0, 20);
    this.out.write(end);
  }
}

function centralHeader(m: MemberRecord): Buffer {
  const name = Buffer.from(m.name, 'latin1');
  const extra = m.zip64 ? 28 : 0;
  const h = Buffer.alloc(46 + name.length + extra);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(m.zip64 ? 45 : 20, 4);
  h.writeUInt16LE(m.zip64 ? 45 : 20, 6);
  h.writeUInt16LE(0, 8);
  h.writeUInt16LE(0, 10);
  h.writeUInt16LE(0, 12);
  h.writeUInt16LE(DOS_DATE_1980_01_01, 14);
  h.writeUInt32LE(m.crc, 16);
  h.writeUInt32LE(m.zip64 ? U32_MAX : m.size, 20);
  h.writeUInt32LE(m.zip64 ? U32_MAX : m.size, 24);
  h.writeUInt16LE(name.length, 28);
  h.writeUInt16LE(extra, 30);
  // comment length, disk, internal and external attributes stay 0
  h.writeUInt32LE(m.zip64 ? U32_MAX : m.offset, 42);
  name.copy(h, 46);
  if (m.zip64) {
    const at = 46 + name.length;
    h.writeUInt16LE(0x0001, at);
    h.writeUInt16LE(24, at + 2);
    h.writeBigUInt64LE(BigInt(m.size), at + 4);
    h.writeBigUInt64LE(BigInt(m.size), at + 12);
    h.writeBigUInt64LE(BigInt(m.offset), at + 20);
  }
  return h;
}

/** One array of an opened `.npz`: dtype, shape and where its data starts in the file. */
export interface NpyMember {
  descr: string;
  shape: number[];
  /** File offset of the first data byte (after the `.npy` header). */
  dataOffset: number;
  dataLength: number;
}

/** An `.npz` opened for reading by byte range. Call `close()` when done. */
export class NpzReader {
  readonly arrays = new Map<string, NpyMember>();
  private fd: number;

  constructor(readonly file: string) {
    try {
      this.fd = fs.openSync(file, 'r');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new InputError(code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? String(error)})`, { file });
    }
    try {
      this.readDirectory();
    } catch (error) {
      this.close();
      throw error;
    }
  }

  /** The member named `name` (without `.npy`); InputError naming what the file holds when absent. */
  array(name: string): NpyMember {
    const member = this.arrays.get(name);
    if (!member) throw new InputError(`no array '${name}' (the file holds: ${[...this.arrays.keys()].join(', ')})`, { file: this.file });
    return member;
  }

  /** `length` bytes at file offset `position`, in a fresh buffer (aligned for typed-array views). */
  read(position: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(this.fd, out, done, length - done, position + done);
      if (n === 0) throw new InputError(`file ends at ${position + done} bytes, inside an array`, { file: this.file });
      done += n;
    }
    return out;
  }

  close(): void {
    try { fs.closeSync(this.fd); } catch { /* closed */ }
  }

  private readDirectory(): void {
    const size = fs.fstatSync(this.fd).size;
    const tailLength = Math.min(size, 65557);
    const tail = Buffer.from(this.read(size - tailLength, tailLength));
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) if (tail.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
    if (eocd < 0) throw new InputError('not a zip/.npz file (no end of central directory)', { file: this.file });
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (cdOffset === U32_MAX || cdSize === U32_MAX || count === 0xffff) {
      const locator = eocd - 20;
      if (locator < 0 || tail.readUInt32LE(locator) !== 0x07064b50) throw new InputError('ZIP64 locator missing', { file: this.file });
      const record = Buffer.from(this.read(Number(tail.readBigUInt64LE(locator + 8)), 56));
      if (record.readUInt32LE(0) !== 0x06064b50) throw new InputError('ZIP64 end record missing', { file: this.file });
      count = Number(record.readBigUInt64LE(32));
      cdSize = Number(record.readBigUInt64LE(40));
      cdOffset = Number(record.readBigUInt64LE(48));
    }
    const cd = Buffer.from(this.read(cdOffset, cdSize));
    let at = 0;
    for (let k = 0; k < count; k++) {
      if (cd.readUInt32LE(at) !== 0x02014b50) throw new InputError('corrupt central directory', { file: this.file });
      if (cd.readUInt16LE(at + 10) !== 0) throw new InputError('compressed members are not supported (save with np.savez, not savez_compressed)', { file: this.file });
      let entrySize = cd.readUInt32LE(at + 24);
      let offset = cd.readUInt32LE(at + 42);
      const nameLength = cd.readUInt16LE(at + 28);
      const extraLength = cd.readUInt16LE(at + 30);
      const commentLength = cd.readUInt16LE(at + 32);
      const name = cd.toString('utf8', at + 46, at + 46 + nameLength);
      for (let e = at + 46 + nameLength; e < at + 46 + nameLength + extraLength;) {
        const id = cd.readUInt16LE(e);
        const length = cd.readUInt16LE(e + 2);
        if (id === 0x0001) {
          let f = e + 4;
          if (entrySize === U32_MAX) { entrySize = Number(cd.readBigUInt64LE(f)); f += 8; }
          if (cd.readUInt32LE(at + 20) === U32_MAX) f += 8;
          if (offset === U32_MAX) offset = Number(cd.readBigUInt64LE(f));
        }
        e += 4 + length;
      }
      at += 46 + nameLength + extraLength + commentLength;
      const local = Buffer.from(this.read(offset, 30));
      const dataStart = offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      if (!name.endsWith('.npy')) continue;
      const head = parseNpyHeader(this.read(dataStart, Math.min(entrySize, 4096)), this.file);
      this.arrays.set(name.slice(0, -4), {
        descr: head.descr, shape: head.shape, dataOffset: dataStart + head.headerLength, dataLength: entrySize - head.headerLength,
      });
    }
  }
}
