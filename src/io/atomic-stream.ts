/**
 * THE streaming atomic writer (every output too large to build in memory goes through it): bytes are appended
 * to a temporary file beside the target (buffered, 1 MiB at a time) and published under the target's name only
 * by `commit()`. `abort()`, a thrown error in `writeAtomically`, or the process ending removes the temporary, so
 * an interrupted job leaves neither half a file nor a stray temporary behind. Regions already written can be
 * patched in place (`writeAt`), for formats whose header holds a size or checksum known only at the end.
 *
 * `replace: false` makes it a no-overwrite writer: an existing target is refused up front, and the finished
 * file is published by a hard link, which fails if the name was taken meanwhile — so a file that appeared
 * while it ran is never overwritten either.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OutputError } from '../errors';
import { syncDirectory, temporaryBeside } from './atomic';

const open = new Set<AtomicFileWriter>();
let exitHookInstalled = false;

export interface AtomicWriterOptions {
  /** Replace an existing target on commit (default true; callers decide first whether it is theirs to replace). */
  replace?: boolean;
  /** The option that named the target, for errors (default 'out'). */
  option?: string;
}

/** A file written to a temporary beside `target`, published under its name by `commit()`. */
export class AtomicFileWriter {
  readonly target: string;
  readonly temporary: string;
  private readonly replace: boolean;
  private readonly option: string;
  private fd: number | undefined;
  private buffer = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  private flushed = 0;

  /** Opens a new temporary beside `target` (creating the target's folder when needed). */
  constructor(target: string, options: AtomicWriterOptions = {}) {
    this.target = path.resolve(target);
    this.replace = options.replace ?? true;
    this.option = options.option ?? 'out';
    if (!this.replace && fs.existsSync(this.target)) {
      throw new OutputError(`exists; cislab does not overwrite files it did not create (choose another name or remove it)`, { file: target, option: this.option });
    }
    fs.mkdirSync(path.dirname(this.target), { recursive: true });
    this.temporary = temporaryBeside(this.target);
    this.fd = fs.openSync(this.temporary, 'wx');
    open.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on('exit', abortOpenWriters);
    }
  }

  /** Bytes written so far (the offset the next write lands at). */
  get position(): number {
    return this.flushed + this.used;
  }

  /** Appends text (UTF-8) or bytes. */
  write(data: string | Uint8Array): void {
    const fd = this.requireOpen();
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (this.used + bytes.length > this.buffer.length) this.flush();
    if (bytes.length >= this.buffer.length) {
      writeAll(fd, bytes, this.flushed);
      this.flushed += bytes.length;
      return;
    }
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }

  /** Overwrites bytes at `position` (which must already have been written). */
  writeAt(position: number, bytes: Uint8Array): void {
    const fd = this.requireOpen();
    if (position < 0 || position + bytes.length > this.position) {
      throw new RangeError(`writeAt ${position}+${bytes.length} is outside the ${this.position} bytes written`);
    }
    this.flush();
    writeAll(fd, bytes, position);
  }

  /** Flushes, syncs and renames the temporary over the target; the writer is closed afterwards. */
  commit(): void {
    const fd = this.requireOpen();
    this.flush();
    try {
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      this.fd = undefined;
      if (this.replace) fs.renameSync(this.temporary, this.target);
      else {
        fs.linkSync(this.temporary, this.target);
        fs.rmSync(this.temporary, { force: true });
      }
    } catch (error) {
      this.abort();
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new OutputError('appeared while writing; left it untouched', { file: this.target, option: this.option });
      }
      throw error;
    }
    open.delete(this);
    syncDirectory(path.dirname(this.target));
  }

  /** Closes and removes the temporary; the target is untouched. Safe to call more than once. */
  abort(): void {
    if (this.fd !== undefined) {
      try { fs.closeSync(this.fd); } catch { /* already closed */ }
      this.fd = undefined;
    }
    fs.rmSync(this.temporary, { force: true });
    open.delete(this);
  }

  private flush(): void {
    if (!this.used) return;
    writeAll(this.requireOpen(), this.buffer.subarray(0, this.used), this.flushed);
    this.flushed += this.used;
    this.used = 0;
  }

  private requireOpen(): number {
    if (this.fd === undefined) throw new Error(`${this.target}: writer is already committed or aborted`);
    return this.fd;
  }
}

/**
 * Runs `write` with a fresh writer for `target`, commits when it resolves and removes the temporary when it
 * throws (the error is rethrown).
 *
 * @example
 * await writeAtomically('out.tsv', async (out) => { out.write('id\tvalue\n'); });
 */
export async function writeAtomically<T>(target: string, write: (out: AtomicFileWriter) => T | Promise<T>, options: AtomicWriterOptions = {}): Promise<T> {
  const out = new AtomicFileWriter(target, options);
  try {
    const result = await write(out);
    out.commit();
    return result;
  } catch (error) {
    out.abort();
    throw error;
  }
}

/** Removes the temporaries of every writer not yet committed (on exit, or from a signal handler). */
export function abortOpenWriters(): void {
  for (const writer of [...open]) writer.abort();
}

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done, position + done);
}
