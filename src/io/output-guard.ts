/**
 * The one check every writer makes before it writes an output a user named: cislab never deletes or overwrites
 * what it did not create. A folder output is created only where nothing is, or where an empty folder is, or
 * replaces a folder that is recognisably a cislab output (it holds the marker file this module writes, or a
 * cislab model's config.json) — and that only with `force`. A file output replaces only a file the caller
 * recognises as its own, again only with `force`. The working directory, a folder holding an input, and an
 * input itself are never outputs. Everything refused is an `OutputError` naming the path.
 *
 * The module also owns the two pieces of crash recovery every replace needs: stale temporaries of dead
 * processes are removed, and a directory left aside by a replace that was killed half way is put back.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OutputError } from '../errors';

/** The marker file at the top of every folder output cislab writes. */
export const OUTPUT_MARKER = '.cislab-output.json';

export interface OutputGuardOptions {
  /** What the output is: a file or a folder. */
  kind: 'file' | 'directory';
  /** Allow replacing an existing cislab output (default false). Never allows replacing anything else. */
  force?: boolean;
  /** Paths the command reads: the output may not be one of them, nor (for a folder) contain one. */
  inputs?: readonly (string | undefined)[];
  /** The option that named the output, for the error (default 'out'). */
  option?: string;
  /** For file outputs: true when an existing file is an earlier output of this command (default: never). */
  isOurs?: (file: string) => boolean;
  /** The working directory (default `process.cwd()`). */
  cwd?: string;
}

/** The real path of `p`, or of its deepest existing ancestor joined with the rest (symlinks resolved). */
function realish(p: string): string {
  const resolved = path.resolve(p);
  let head = resolved;
  const tail: string[] = [];
  while (!fs.existsSync(head)) {
    const parent = path.dirname(head);
    if (parent === head) break;
    tail.unshift(path.basename(head));
    head = parent;
  }
  try {
    return path.join(fs.realpathSync(head), ...tail);
  } catch {
    return resolved;
  }
}

/** True when `inner` is `outer` or lies inside it. */
function within(inner: string, outer: string): boolean {
  const relative = path.relative(outer, inner);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** True when `dir` is a folder cislab wrote (its marker, or a cislab model's config.json). */
export function isCislabOutput(dir: string): boolean {
  for (const [name, format] of [[OUTPUT_MARKER, 'cislab-output'], ['config.json', 'cislab-model']] as const) {
    try {
      const parsed = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as { format?: unknown };
      if (parsed.format === format) return true;
    } catch { /* absent or not ours */ }
  }
  return false;
}

/**
 * Checks that `target` may be written as an output; throws an `OutputError` (with `file` and `option`) when not.
 * Returns whether something is there that the write will replace.
 *
 * @example
 * guardOutput('model', { kind: 'directory', force: false, inputs: ['train.txt'] }); // throws if ./model is a user's folder
 */
export function guardOutput(target: string, options: OutputGuardOptions): { replaces: boolean } {
  const { kind, force = false, inputs = [], option = 'out' } = options;
  const refuse = (problem: string) => new OutputError(problem, { file: target, option });
  const resolved = realish(target);
  const cwd = realish(options.cwd ?? process.cwd());
  if (within(cwd, resolved)) {
    throw refuse(resolved === cwd ? 'is the working directory; an output must be a new name' : 'contains the working directory; an output must be a new name');
  }
  for (const input of inputs) {
    if (input === undefined || !fs.existsSync(input)) continue;
    const real = realish(input);
    if (real === resolved) throw refuse(`is also an input (${input}); choose another output name`);
    if (kind === 'directory' && within(real, resolved)) throw refuse(`contains the input ${input}; choose another output name`);
  }
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(target);
  } catch {
    return { replaces: false };
  }
  if (kind === 'directory') {
    if (!stat.isDirectory()) throw refuse('exists and is not a folder; a folder output never replaces a file (choose another name)');
    if (fs.readdirSync(target).length === 0) return { replaces: true };
    if (!isCislabOutput(target)) {
      throw refuse('exists and is not a cislab output; cislab never replaces a folder it did not create (choose another name)');
    }
    if (!force) throw refuse('exists (an earlier cislab output); pass --force to replace it, or choose another name');
    return { replaces: true };
  }
  if (stat.isDirectory()) throw refuse('is a folder; give a file name');
  if (!stat.isFile() || !options.isOurs?.(target)) {
    throw refuse('exists and is not an output of this command; cislab never overwrites a file it did not create (choose another name)');
  }
  if (!force) throw refuse('exists (an earlier output of this command); pass --force to replace it, or choose another name');
  return { replaces: true };
}

/** The `kind` recorded in folder `dir`'s output marker, or undefined when it has none. */
export function outputMarkerKind(dir: string): string | undefined {
  try {
    const marker = JSON.parse(fs.readFileSync(path.join(dir, OUTPUT_MARKER), 'utf8')) as { format?: unknown; kind?: unknown };
    return marker.format === 'cislab-output' && typeof marker.kind === 'string' ? marker.kind : undefined;
  } catch {
    return undefined;
  }
}

/** The marker's content: which command wrote the folder and when. */
export function outputMarker(kind: string): string {
  return JSON.stringify({ format: 'cislab-output', kind, savedAt: new Date().toISOString() }, null, 1) + '\n';
}

/** Creates folder `dir` (after `guardOutput`) and marks it as a cislab output, so a later run may replace it. */
export function createOutputDirectory(dir: string, kind: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const marker = path.join(dir, OUTPUT_MARKER);
  if (!fs.existsSync(marker)) fs.writeFileSync(marker, outputMarker(kind));
}

/** The name a directory replace parks the previous copy under while the new one is renamed in. */
export function previousBeside(target: string): string {
  const resolved = path.resolve(target);
  return path.join(path.dirname(resolved), `.${path.basename(resolved)}.previous`);
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temporaries beside `target` (`.NAME.tmp-PID-…`, see `temporaryBeside`) left by processes that are no
 * longer running — a kill -9 or a power cut mid-write. Those of live processes (a concurrent writer) are left.
 * Returns the paths removed.
 */
export function removeStaleTemporaries(target: string): string[] {
  const stale = staleTemporaries(target);
  for (const file of stale) fs.rmSync(file, { recursive: true, force: true });
  return stale;
}

/** The temporaries beside `target` whose writing process is gone, oldest name first. */
export function staleTemporaries(target: string): string[] {
  const resolved = path.resolve(target);
  const dir = path.dirname(resolved);
  const prefix = `.${path.basename(resolved)}.tmp-`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => {
      if (!name.startsWith(prefix)) return false;
      const pid = Number(name.slice(prefix.length).split('-')[0]);
      return Number.isInteger(pid) && !processAlive(pid);
    })
    .sort()
    .map((name) => path.join(dir, name));
}

/**
 * Finishes a directory replace that was interrupted: when `target` is missing but its complete previous copy
 * is parked beside it, the copy is renamed back; when both exist, the new one was complete and the parked copy
 * is removed. Stale temporaries are removed either way. Safe to call at any time.
 */
export function recoverDirectory(target: string): void {
  const previous = previousBeside(target);
  if (fs.existsSync(previous)) {
    if (fs.existsSync(target)) fs.rmSync(previous, { recursive: true, force: true });
    else fs.renameSync(previous, target);
  }
  removeStaleTemporaries(target);
}
