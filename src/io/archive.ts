/**
 * The two archive formats model files arrive in, read with Node alone: ZIP (PyTorch's `.pt`/`.pth` since 1.6 is
 * a ZIP of a pickle plus one raw file per storage, entries stored uncompressed) and tar, gzip'd or not (how the
 * Camformer authors ship checkpoints). ZIP is read from a buffer through its central directory; tar is read as a
 * stream, so a multi-gigabyte `.tar.gz` costs only the members a caller keeps.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { InputError } from '../errors';

export interface ZipEntry {
  name: string;
  /** The member's bytes (inflated when the entry was deflated). */
  data(): Uint8Array;
}

const ZIP_LOCAL = 0x04034b50;
const ZIP_CENTRAL = 0x02014b50;
const ZIP_END = 0x06054b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;

/** True when `bytes` start like a ZIP file (a local header or an empty archive's end record). */
export function isZip(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const sig = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  return sig === ZIP_LOCAL || sig === ZIP_END;
}

/** True when `bytes` start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The entries of a ZIP archive held in memory, in central-directory order (ZIP64 sizes and offsets included,
 * as PyTorch writes them for large storages). Methods 0 (stored) and 8 (deflate) are read; others are refused.
 */
export function readZip(bytes: Uint8Array, file = '<zip>'): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (problem: string): never => { throw new InputError(`not a readable ZIP archive: ${problem}`, { file }); };
  // The end-of-central-directory record sits in the last 22 + 65,535 bytes (after an optional comment).
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65535); at--) {
    if (view.getUint32(at, true) === ZIP_END) { end = at; break; }
  }
  if (end < 0) bad('no end-of-central-directory record');
  let count = view.getUint16(end + 10, true);
  let directory = view.getUint32(end + 16, true);
  if (end >= 20 && view.getUint32(end - 20, true) === ZIP64_LOCATOR) {
    const record = Number(view.getBigUint64(end - 20 + 8, true));
    if (view.getUint32(record, true) !== ZIP64_END) bad('broken ZIP64 locator');
    count = Number(view.getBigUint64(record + 32, true));
    directory = Number(view.getBigUint64(record + 48, true));
  }
  const entries: ZipEntry[] = [];
  let at = directory;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== ZIP_CENTRAL) bad(`central directory entry ${i + 1} is broken`);
    const method = view.getUint16(at + 10, true);
    let compressed = view.getUint32(at + 20, true);
    let size = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    let local = view.getUint32(at + 42, true);
    const name = Buffer.from(bytes.subarray(at + 46, at + 46 + nameLength)).toString('utf8');
    // ZIP64 extra field (id 1): the 64-bit values of whichever 32-bit fields are saturated, in this order.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = view.getUint16(extra, true);
      const length = view.getUint16(extra + 2, true);
      if (id === 1) {
        let p = extra + 4;
        if (size === 0xffffffff) { size = Number(view.getBigUint64(p, true)); p += 8; }
        if (compressed === 0xffffffff) { compressed = Number(view.getBigUint64(p, true)); p += 8; }
        if (local === 0xffffffff) { local = Number(view.getBigUint64(p, true)); }
      }
      extra += 4 + length;
    }
    if (method !== 0 && method !== 8) bad(`entry '${name}' uses compression method ${method} (only stored and deflate are read)`);
    if (view.getUint32(local, true) !== ZIP_LOCAL) bad(`local header of '${name}' is broken`);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (start + compressed > bytes.length) bad(`entry '${name}' runs past the end of the file`);
    entries.push({
      name,
      data: () => {
        const raw = bytes.subarray(start, start + compressed);
        const out = method === 0 ? raw : new Uint8Array(zlib.inflateRawSync(raw));
        if (out.length !== size) bad(`entry '${name}' has ${out.length} bytes, its header says ${size}`);
        return out;
      },
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

export interface TarMember {
  name: string;
  size: number;
}

/**
 * Streams a tar file (gzip'd when its first bytes say so) and returns the bytes of the regular-file members
 * that `keep` accepts; every regular member's name and size is passed to `keep` in archive order (a caller can
 * record all names while keeping few). ustar names (prefix + name) and GNU long names ('L' entries) are read.
 */
export async function readTarMembers(file: string, keep: (member: TarMember) => boolean): Promise<Map<string, Uint8Array>> {
  const head = Buffer.alloc(2);
  const fd = fs.openSync(file, 'r');
  try { fs.readSync(fd, head, 0, 2, 0); } finally { fs.closeSync(fd); }
  const source = fs.createReadStream(file);
  const stream: NodeJS.ReadableStream = isGzip(head) ? source.pipe(zlib.createGunzip()) : source;
  const kept = new Map<string, Uint8Array>();
  let pending: Buffer = Buffer.alloc(0);
  let member: { name: string; size: number; remaining: number; chunks: Buffer[] | undefined; longName: boolean } | undefined;
  let padding = 0;
  let longName: string | undefined;
  let finished = false;
  const fail = (problem: string): never => { throw new InputError(`not a readable tar archive: ${problem}`, { file }); };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let at = 0;
    while (!finished) {
      if (member) {
        const take = Math.min(member.remaining, pending.length - at);
        if (member.chunks && take > 0) member.chunks.push(pending.subarray(at, at + take));
        member.remaining -= take;
        at += take;
        if (member.remaining > 0) break;
        if (member.chunks) {
          const bytes = Buffer.concat(member.chunks);
          if (member.longName) longName = bytes.toString('utf8').replace(/\0+$/, '');
          else kept.set(member.name, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
        }
        member = undefined;
        continue;
      }
      if (padding > 0) {
        const skip = Math.min(padding, pending.length - at);
        padding -= skip;
        at += skip;
        if (padding > 0) break;
      }
      if (pending.length - at < 512) break;
      const header = pending.subarray(at, at + 512);
      at += 512;
      if (header.every((b) => b === 0)) { finished = true; break; }
      const text = (from: number, length: number) => header.subarray(from, from + length).toString('utf8').replace(/\0.*$/s, '');
      const size = parseInt(text(124, 12).trim() || '0', 8);
      if (!Number.isFinite(size) || size < 0) fail(`member header with size '${text(124, 12)}'`);
      const type = String.fromCharCode(header[156]!);
      const prefix = text(257, 6).startsWith('ustar') ? text(345, 155) : '';
      const name = longName ?? (prefix ? `${prefix}/${text(0, 100)}` : text(0, 100));
      if (type !== 'L') longName = undefined;
      padding = (512 - (size % 512)) % 512;
      const regular = type === '0' || type === '\0' || type === '7';
      const wanted = type === 'L' || (regular && keep({ name, size }));
      member = { name, size, remaining: size, chunks: wanted ? [] : undefined, longName: type === 'L' };
      if (size === 0) {
        if (wanted && !member.longName) kept.set(name, new Uint8Array(0));
        member = undefined;
      }
    }
    pending = pending.subarray(at);
    if (finished) break;
  }
  if (member && member.remaining > 0) fail(`member '${member.name}' is cut short`);
  return kept;
}
