/**
 * Writing a large text file without ever losing the user's data: lines go to a temporary file beside the
 * target (buffered, so millions of rows cost a few hundred writes), and only a finished file is published,
 * by a hard link that fails if the target exists — so a file this writer did not create is never
 * overwritten, not even one that appeared while it ran. On any failure the temporary file is removed.
 */
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, unlinkSync, writeSync, existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { OptionError } from '../errors';

const FLUSH_AT = 1 << 20;

export class AtomicTextWriter {
  private readonly fd: number;
  private readonly temporary: string;
  private buffer: string[] = [];
  private buffered = 0;
  private closed = false;

  /** Opens a temporary file beside `path`; throws an OptionError (option `option`) when `path` exists. */
  constructor(readonly path: string, option = 'out') {
    if (existsSync(path)) throw new OptionError(`${path} exists; cislab does not overwrite files it did not create (choose another name or remove it)`, { option });
    const dir = dirname(resolve(path));
    mkdirSync(dir, { recursive: true });
    this.temporary = join(dir, `.${basename(path)}.tmp-${process.pid}-${Date.now()}`);
    this.fd = openSync(this.temporary, 'wx');
  }

  write(text: string): void {
    if (this.closed) throw new Error('write after commit or abort');
    this.buffer.push(text);
    this.buffered += text.length;
    if (this.buffered >= FLUSH_AT) this.flush();
  }

  /** Flushes, syncs and publishes the file under its name (fails, removing the temporary, if the name was taken meanwhile). */
  commit(): void {
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.closed = true;
    try {
      linkSync(this.temporary, this.path);
    } catch (error) {
      unlinkSync(this.temporary);
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new OptionError(`${this.path} appeared while writing; left it untouched`, { option: 'out' });
      throw error;
    }
    unlinkSync(this.temporary);
  }

  /** Discards everything written (idempotent). */
  abort(): void {
    if (!this.closed) {
      this.closed = true;
      closeSync(this.fd);
    }
    if (existsSync(this.temporary)) unlinkSync(this.temporary);
  }

  private flush(): void {
    if (!this.buffer.length) return;
    writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
    this.buffered = 0;
  }
}

/**
 * Runs `fill` with a writer for `path` and commits it; on any error the partial file is removed and the error rethrown.
 * @example
 * await writeTextAtomically('out.tsv', (w) => { w.write('a\tb\n'); });
 */
export async function writeTextAtomically<T>(path: string, fill: (writer: AtomicTextWriter) => Promise<T> | T, option = 'out'): Promise<T> {
  const writer = new AtomicTextWriter(path, option);
  try {
    const result = await fill(writer);
    writer.commit();
    return result;
  } catch (error) {
    writer.abort();
    throw error;
  }
}
