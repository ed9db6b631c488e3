// Where `cislab notebooks test` keeps its kernel spec: in the package folder when that can be written (a
// checkout), else in the per-user cache, so the command works from a read-only install. A read-only package
// root is simulated with the writability check's parameter (these tests may run as root, who can write anywhere).
import { chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canWrite, defaultKernelPrefix } from '../../src/notebook';
import { PACKAGE_ROOT } from '../../src/io/package-root';
import { tempDir } from '../helpers/paths';

/** Everything under `root` is read-only; everything else can be written. */
const readOnly = (...roots: string[]) => (path: string) => !roots.some((r) => path === r || path.startsWith(`${r}/`));

describe('defaultKernelPrefix', () => {
  const root = '/usr/lib/node_modules/cislab';

  it('keeps the spec in a writable package folder, as before', () => {
    const writable = tempDir();
    expect(defaultKernelPrefix(writable)).toBe(join(writable, '.jupyter-kernel'));
    expect(defaultKernelPrefix()).toBe(join(PACKAGE_ROOT, '.jupyter-kernel')); // this checkout
  });

  it('uses $XDG_CACHE_HOME, else ~/.cache, for a read-only install, one folder per install', () => {
    const xdg = defaultKernelPrefix(root, { XDG_CACHE_HOME: '/c', HOME: '/h' }, readOnly(root), 'linux');
    expect(xdg).toMatch(/^\/c\/cislab\/jupyter-kernel\/[0-9a-f]{12}$/);
    expect(defaultKernelPrefix(root, { HOME: '/h' }, readOnly(root), 'linux')).toBe(xdg.replace('/c/', '/h/.cache/'));
    expect(defaultKernelPrefix(root, { HOME: '/h' }, readOnly(root), 'darwin')).toBe(xdg.replace('/c/', '/h/Library/Caches/'));
    // Another read-only install gets another folder: a spec points at one install's kernel-main.js.
    expect(defaultKernelPrefix('/opt/cislab', { XDG_CACHE_HOME: '/c' }, readOnly('/opt/cislab'), 'linux')).not.toBe(xdg);
    // A relative XDG_CACHE_HOME is ignored, as the XDG specification says.
    expect(defaultKernelPrefix(root, { XDG_CACHE_HOME: 'rel', HOME: '/h' }, readOnly(root), 'linux')).toBe(xdg.replace('/c/', '/h/.cache/'));
  });

  it('falls back to the temporary folder when neither the package nor the home folder can be written', () => {
    const prefix = defaultKernelPrefix(root, { HOME: '/h', XDG_CACHE_HOME: '/c' }, readOnly(root, '/h', '/c'), 'linux');
    expect(prefix.startsWith(join(tmpdir(), 'cislab', 'jupyter-kernel') + '/')).toBe(true);
  });
});

describe('canWrite', () => {
  it('asks the nearest folder that exists, and says no for a read-only one (unless running as root)', () => {
    const dir = tempDir();
    expect(canWrite(join(dir, 'not', 'yet', 'there'))).toBe(true);
    const locked = join(dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    try {
      expect(canWrite(join(locked, '.jupyter-kernel'))).toBe(process.getuid?.() === 0);
    } finally {
      chmodSync(locked, 0o755);
    }
  });
});
