/**
 * Streaming line reader for plain or gzip files of any size. `readTextFile` holds a whole file as one string,
 * which V8 caps at about 512 MB (2^29 characters); the DREAM training file alone is ~790 MB. Here the file is
 * read in chunks (gunzipped on the fly when it starts with the gzip magic bytes) and handed out as blocks of
 * lines over the chunk's bytes: no string per line unless the caller asks for one, and at most one chunk plus
 * one partial line in memory.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { InputError } from '../errors';
import { checkTextStart } from './text-encoding';

/** Lines of one chunk: line i is `bytes[starts[i], ends[i])`, its terminator (\n or \r\n) left out. */
export interface LineBlock {
  bytes: Buffer;
  /** Number of lines in this block (the typed arrays may be longer; they are reused between blocks). */
  count: number;
  starts: Int32Array;
  ends: Int32Array;
  /** 1-based line number of the block's first line in the file. */
  firstLine: number;
}

export interface LineReaderOptions {
  /** Bytes read (and gunzipped) at a time (default 1 MiB). Tests use a few KiB to cross many chunk borders. */
  chunkSize?: number;
}

/** True when the file starts with the gzip magic bytes 1f 8b. Throws InputError when it cannot be opened. */
export function isGzipFile(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? String(error)})`, { file: path });
  }
  try {
    const magic = Buffer.alloc(2);
    const read = readSync(fd, magic, 0, 2, 0);
    return read === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/**
 * The lines of a file, block by block (one block per chunk read). The block's arrays are reused: read what
 * you need from a block before asking for the next. A final empty line after the last newline is not a line
 * (as in `splitLines`). Breaking out of the loop closes the file.
 *
 * @example
 * for await (const block of readLineBlocks('train.txt.gz')) {
 *   for (let i = 0; i < block.count; i++) console.log(block.firstLine + i, lineText(block, i));
 * }
 */
export async function* readLineBlocks(path: string, options: LineReaderOptions = {}): AsyncGenerator<LineBlock> {
  const chunkSize = options.chunkSize ?? 1 << 20;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new InputError(`chunk size must be a positive integer, got ${chunkSize}`, { file: path });
  const gzip = isGzipFile(path);
  const file = createReadStream(path, { highWaterMark: chunkSize });
  const stream: NodeJS.ReadableStream = gzip ? file.pipe(createGunzip({ chunkSize })) : file;
  if (gzip) file.on('error', (error) => (stream as unknown as { destroy(e: Error): void }).destroy(error));
  let starts = new Int32Array(1024);
  let ends = new Int32Array(1024);
  let carry: Buffer | undefined;
  let nextLine = 1;
  try {
    let first = true;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const bytes = carry ? Buffer.concat([carry, chunk]) : chunk;
      let count = 0;
      let start = 0;
      if (first) {
        // Encoding and line endings are checked once, on the first bytes; a UTF-8 byte-order mark is skipped.
        start = checkTextStart(bytes, path);
        first = false;
      }
      for (let nl = bytes.indexOf(10, 0); nl >= 0; nl = bytes.indexOf(10, start)) {
        if (count === starts.length) ({ starts, ends } = grow(starts, ends));
        starts[count] = start;
        ends[count] = nl > start && bytes[nl - 1] === 13 ? nl - 1 : nl;
        count++;
        start = nl + 1;
      }
      // The unterminated rest waits for the next chunk (copied, so this chunk can be freed).
      carry = start < bytes.length ? Buffer.from(bytes.subarray(start)) : undefined;
      if (count) {
        yield { bytes, count, starts, ends, firstLine: nextLine };
        nextLine += count;
      }
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (gzip && typeof code === 'string' && code.startsWith('Z_')) {
      throw new InputError(`looks gzip-compressed but cannot be decompressed after line ${nextLine - 1} (truncated or corrupt?)`, { file: path });
    }
    throw new InputError(`cannot read file (${code ?? String(error)})`, { file: path });
  } finally {
    file.destroy();
  }
  if (carry) {
    starts[0] = 0;
    ends[0] = carry[carry.length - 1] === 13 ? carry.length - 1 : carry.length;
    yield { bytes: carry, count: 1, starts, ends, firstLine: nextLine };
  }
}

/** Line `i` of a block as text (UTF-8). */
export function lineText(block: LineBlock, i: number): string {
  return block.bytes.toString('utf8', block.starts[i]!, block.ends[i]!);
}

/** True when line `i` holds nothing but spaces, tabs and other ASCII control characters (a blank line). */
export function isBlankLine(block: LineBlock, i: number): boolean {
  const { bytes } = block;
  for (let k = block.starts[i]!; k < block.ends[i]!; k++) if (bytes[k]! > 32) return false;
  return true;
}

function grow(starts: Int32Array, ends: Int32Array): { starts: Int32Array<ArrayBuffer>; ends: Int32Array<ArrayBuffer> } {
  const s = new Int32Array(starts.length * 2);
  const e = new Int32Array(ends.length * 2);
  s.set(starts);
  e.set(ends);
  return { starts: s, ends: e };
}
