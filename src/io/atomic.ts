/**
 * The one way cislab writes a file or a directory: into a temporary name beside the target (same file system,
 * so the final rename is atomic), flushed to disk, then renamed into place. A reader sees the old content or the
 * new, never half of either; a failure at any point (disk full included) removes the temporary and leaves the
 * target as it was.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

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

/**
 * Writes `files` (name → contents) as directory `dir`. A new directory appears whole by one rename. An existing
 * one is replaced by two renames (aside, then in) with the old copy removed last; if the process dies between
 * them, the complete old copy is left as `.NAME.old-…` beside it (see `recoverDirectory`).
 */
export function writeDirectoryAtomic(dir: string, files: Record<string, string | Uint8Array>): void {
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const temporary = temporaryBeside(target);
  try {
    fs.mkdirSync(temporary);
    for (const [name, data] of Object.entries(files)) writeSynced(path.join(temporary, name), data);
    if (fs.existsSync(target)) {
      const old = path.join(parent, `.${path.basename(target)}.old-${process.pid}-${Date.now()}`);
      fs.renameSync(target, old);
      fs.renameSync(temporary, target);
      fs.rmSync(old, { recursive: true, force: true });
    } else {
      fs.renameSync(temporary, target);
    }
  } catch (error) {
    fs.rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
  syncDirectory(parent);
}
