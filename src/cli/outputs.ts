/**
 * What the streaming commands share about their outputs: never overwriting a file they did not create (an
 * existing `--out` is replaced only when it is recognisably an earlier output of the same command), telling
 * outputs apart by their first lines, and progress lines on stderr with rate and ETA.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OutputError } from '../errors';
import { guardOutput as guardOutputPath } from '../io/output-guard';
import { CHECKPOINT_FILE } from '../kernels/tensor/checkpoint';
import { FIMO_COLUMNS } from '../motifs/fimo-tsv';
import { ISM_COLUMNS } from '../interpret/ism';
import { IsmStore } from '../interpret/ism-store';
import { parsePartLine, type PartInfo } from './shard';

export type OutputKind = 'predict' | 'ism' | 'scan';

/** The first bytes of a file (up to `length`). */
function head(path: string, length = 1 << 16): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    return buffer.subarray(0, readSync(fd, buffer, 0, length, 0));
  } finally {
    closeSync(fd);
  }
}

/** True when the file starts with a zip signature (an `.npz`). */
export function isZipFile(path: string): boolean {
  const bytes = head(path, 4);
  return bytes.length === 4 && bytes.readUInt32LE(0) === 0x04034b50;
}

/** Which command wrote a TSV output (by its header line, after an optional part line), and its part info. */
export function tsvOutputKind(path: string): { kind?: OutputKind; part?: PartInfo } {
  const lines = head(path).toString('utf8').split('\n');
  const part = parsePartLine(lines[0] ?? '');
  const header = (part ? lines[1] : lines[0])?.replace(/\r$/, '') ?? '';
  if (/^id(\tidx)?\tprediction$/.test(header)) return { kind: 'predict', part };
  if (header === ISM_COLUMNS.join('\t')) return { kind: 'ism', part };
  if (header === FIMO_COLUMNS.join('\t')) return { kind: 'scan', part };
  return { part };
}

/** Which command wrote an output file (TSV or ISM `.npz`), if any. */
export function outputKind(path: string): OutputKind | undefined {
  if (!isZipFile(path)) return tsvOutputKind(path).kind;
  try {
    new IsmStore(path).close();
    return 'ism';
  } catch {
    return undefined;
  }
}

/**
 * Refuses `--out` when it exists and is not an earlier output of `command` (a folder, someone's data, another
 * command's output), when it is one of `inputs`, and — without `force` — when it is an earlier output:
 * cislab overwrites only what it wrote, and only when asked (an `OutputError` naming the path).
 */
export function guardOutput(path: string, command: OutputKind, options: { force?: boolean; inputs?: readonly (string | undefined)[] } = {}): void {
  guardOutputPath(path, { kind: 'file', force: options.force, inputs: options.inputs, isOurs: (file) => outputKind(file) === command });
}

/**
 * Checks a training checkpoint folder before training starts: it may be new, or any folder (only
 * `checkpoint.bin` and its temporaries are ever written there). An existing `checkpoint.bin` must be a cislab
 * checkpoint, and is continued with `--resume` or replaced (at the first checkpoint) only with `--force`. Says
 * on stderr what a resume will do.
 */
export function guardCheckpoint(dir: string, { resume, force, inputs }: { resume: boolean; force: boolean; inputs: readonly (string | undefined)[] }): void {
  const file = join(dir, CHECKPOINT_FILE);
  guardOutputPath(file, { kind: 'file', force: true, inputs, option: 'checkpoint', isOurs: isCheckpointFile });
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new OutputError('exists and is not a folder', { file: dir, option: 'checkpoint' });
  if (!existsSync(file)) {
    if (resume) process.stderr.write(`cislab train: no checkpoint in ${dir} yet; training from the start\n`);
    return;
  }
  if (!resume && !force) {
    throw new OutputError(`holds the checkpoint of an earlier run; pass --resume to continue it, or --force to start over`, { file, option: 'checkpoint' });
  }
  if (resume) process.stderr.write(`cislab train: resuming from ${file}\n`);
}

function isCheckpointFile(file: string): boolean {
  return head(file, 8).toString('latin1') === 'CISLABCK';
}

/** Progress on stderr: a carriage-return line on a terminal, else one line every `everySeconds` (default 30). */
export function progressReporter(label: string, total: number, everySeconds = 30): { update(done: number): void; finish(done: number): void } {
  const started = performance.now();
  let last = 0;
  const line = (done: number) => {
    const seconds = (performance.now() - started) / 1000;
    const rate = done / Math.max(seconds, 1e-9);
    const eta = rate > 0 ? (total - done) / rate : NaN;
    const percent = total ? ((100 * done) / total).toFixed(1) : '100.0';
    return `${label} ${done.toLocaleString('en')}/${total.toLocaleString('en')} (${percent} %) ${Math.round(rate).toLocaleString('en')}/s ETA ${Number.isFinite(eta) ? Math.round(eta) : '?'} s`;
  };
  return {
    update(done) {
      const now = performance.now();
      if (process.stderr.isTTY) {
        if (now - last > 250) (last = now), process.stderr.write(`\r${line(done)}   `);
      } else if (now - last > everySeconds * 1000) {
        last = now;
        process.stderr.write(line(done) + '\n');
      }
    },
    finish(done) {
      process.stderr.write(`${process.stderr.isTTY ? '\r' : ''}${line(done)}   \n`);
    },
  };
}
