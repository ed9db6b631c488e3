/**
 * The one way cislab writes a file or a directory: into a temporary name beside the target (same file system,
 * so the final rename is atomic), flushed to disk, then renamed into place. A reader sees the old content or the
 * new, never half of either; a failure at any point (disk full included) removes the temporary and leaves the
 * target as it was.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { guardOutput, OUTPUT_MARKER, outputMarker, previousBeside, recoverDirectory } from './output-guard';

/** A temporary path beside `target`, unique to this process and call. */
export function temporaryBeside(target: string): string {
  const resolved = path.resolve(target);
  return path.join(path.dirname(resolved), `.${path.basename(resolved)}.tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
}

function writeSynced(file: string, content: string | Uint8Array): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Makes a rename durable: the directory entry itself is flushed (best effort where the OS refuses). */
export function syncDirectory(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
  } catch { /* some file systems refuse fsync on directories; the rename is still atomic */ }
}

/** Writes `content` to `file` atomically (temporary beside it, fsync, rename over the target). */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const temporary = temporaryBeside(file);
  try {
    writeSynced(temporary, content);
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
  syncDirectory(path.dirname(path.resolve(file)));
}

export interface DirectoryWriteOptions {
  /** What the folder is ('model', …): recorded in its marker file, which makes it recognisably a cislab output. */
  kind?: string;
  /** Replace an existing cislab output of that name (default true); a folder cislab did not create is never replaced. */
  replace?: boolean;
  /** The option that named the folder, for errors (default 'out'). */
  option?: string;
}

/**
 * Writes `files` (name → contents), plus the output marker, as directory `dir`. A new directory appears whole by
 * one rename. An existing one — only a cislab output, see `guardOutput` — is replaced by two renames: the old
 * copy is parked as `.NAME.previous` beside it, the new one renamed in, the parked copy removed last. At every
 * moment one complete copy exists under a known name; `recoverDirectory` (run here first, and by readers)
 * puts a parked copy back if a kill came between the renames.
 */
export function writeDirectoryAtomic(dir: string, files: Record<string, string | Uint8Array>, options: DirectoryWriteOptions = {}): void {
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  recoverDirectory(target);
  if (fs.existsSync(target)) guardOutput(dir, { kind: 'directory', force: options.replace ?? true, option: options.option });
  const temporary = temporaryBeside(target);
  try {
    fs.mkdirSync(temporary);
    for (const [name, data] of Object.entries(files)) writeSynced(path.join(temporary, name), data);
    writeSynced(path.join(temporary, OUTPUT_MARKER), outputMarker(options.kind ?? 'output'));
    syncDirectory(temporary);
    if (fs.existsSync(target)) {
      const previous = previousBeside(target);
      fs.renameSync(target, previous);
      fs.renameSync(temporary, target);
      syncDirectory(parent);
      fs.rmSync(previous, { recursive: true, force: true });
    } else {
      fs.renameSync(temporary, target);
    }
  } catch (error) {
    fs.rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
  syncDirectory(parent);
}
