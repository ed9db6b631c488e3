/**
 * `cislab notebooks test [paths] [--update]`: runs notebooks through nbclient + the tslab kernel and checks
 * them. A notebook fails when a cell errors (the report names notebook, cell and message) or when its fresh
 * outputs differ from the stored ones (see compare.ts). `update` rewrites the stored outputs instead.
 * The kernel gets CISLAB_QUICK=1 (unless `quick: false`), so notebooks pick their small-data mode.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { compareNotebooks, type Mismatch, type NotebookJson } from './compare';
import { EXECUTE_NOTEBOOK_PY } from './execute-py';
import { DEFAULT_PYTHON, KERNEL_NAME, installKernel } from './install';
import { PACKAGE_ROOT } from '../io/package-root';

export interface RunNotebooksOptions {
  /** Rewrite stored outputs with the fresh ones instead of comparing (default false). */
  update?: boolean;
  /** Pass CISLAB_QUICK=1 to the kernel (default true). */
  quick?: boolean;
  /** Seconds a single cell may run (default 600). */
  cellTimeout?: number;
  /** Kernel name (default 'cislab'; installed into `kernelPrefix` if missing). */
  kernel?: string;
  /**
   * Where the runner's own kernel spec lives (passed as JUPYTER_PATH, never the user's Jupyter folders). Default
   * {@link defaultKernelPrefix}: the package's git-ignored .jupyter-kernel, or a per-user cache folder when the
   * package is installed read-only.
   */
  kernelPrefix?: string;
  python?: string;
  /** Extra environment for the kernel. */
  env?: Record<string, string>;
  /** Called after each notebook (for a CLI to print as it goes). */
  onResult?: (result: NotebookResult) => void;
}

export interface NotebookError { cell: number | null; source: string; message: string }

export interface NotebookResult {
  path: string;
  ok: boolean;
  seconds: number;
  /** The first cell that raised, if any (tslab stops at the first error). */
  error?: NotebookError;
  /** Outputs that differ from the stored ones (empty with `update`). */
  mismatches: (Mismatch & { source: string })[];
  /** True when `update` rewrote the file. */
  updated?: boolean;
}

/** Expands directories to their *.ipynb files (sorted), skipping checkpoints. */
export function findNotebooks(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    if (statSync(abs).isDirectory()) {
      out.push(...readdirSync(abs).filter((f) => f.endsWith('.ipynb')).sort().map((f) => join(abs, f)));
    } else out.push(abs);
  }
  return out.filter((p) => !p.includes('.ipynb_checkpoints'));
}

let kernelReady: string | undefined;

function kernelUsable(kernelJson: string): boolean {
  try {
    const argv: string[] = JSON.parse(readFileSync(kernelJson, 'utf8')).argv ?? [];
    const tslab = argv[argv.indexOf('--tslab') + 1];
    return argv.length > 1 && existsSync(argv[0]) && existsSync(argv[1]) && argv[1].endsWith('kernel-main.js') && tslab !== undefined && existsSync(tslab);
  } catch {
    return false;
  }
}

/** Runs `fn` holding an exclusive lock file (waits up to 2 minutes; a lock older than that is stale). */
function withLock(lock: string, fn: () => void): void {
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') throw e;
      if (Date.now() > deadline || Date.now() - statSync(lock).mtimeMs > 120_000) { rmSync(lock, { force: true }); continue; }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

/** Whether `path`, or the nearest folder above it that exists, can be written to (where it would be created). */
export function canWrite(path: string): boolean {
  let p = resolve(path);
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  try {
    accessSync(p, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The per-user cache folder: `$XDG_CACHE_HOME`, else `~/.cache` (macOS `~/Library/Caches`, Windows
 * `%LOCALAPPDATA%`); the system's temporary folder when there is no home or it cannot be written.
 */
function userCacheDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, writable: (path: string) => boolean): string {
  const xdg = env['XDG_CACHE_HOME'];
  const home = env['HOME'] || homedir();
  const candidates = [
    xdg && isAbsolute(xdg) ? xdg : undefined,
    platform === 'win32' ? env['LOCALAPPDATA'] : undefined,
    home ? join(home, platform === 'darwin' ? join('Library', 'Caches') : '.cache') : undefined,
  ];
  return candidates.find((c): c is string => c !== undefined && writable(c)) ?? tmpdir();
}

/**
 * Where the notebook runner keeps its kernel spec by default. In a package folder that can be written (a
 * checkout, a user's node_modules): `ROOT/.jupyter-kernel`, as before, so each checkout keeps a spec pointing at
 * its own build. In a read-only install: `cislab/jupyter-kernel/<hash of ROOT>` in the per-user cache
 * (`$XDG_CACHE_HOME`, `~/.cache`, else the temporary folder); the hash keeps two installs from sharing a spec
 * that points at the other's files.
 * @param root - The package folder (default: this package's).
 * @param env - Where `XDG_CACHE_HOME` and `HOME` are read (default process.env).
 * @param writable - The writability check (default {@link canWrite}; a test passes its own).
 * @param platform - For the cache folder's convention (default process.platform).
 * @returns An absolute folder path (it may not exist yet).
 * @example
 * defaultKernelPrefix('/usr/lib/node_modules/cislab'); // '/home/me/.cache/cislab/jupyter-kernel/3fa9c0d2e1b4' when read-only
 */
export function defaultKernelPrefix(root = PACKAGE_ROOT, env: NodeJS.ProcessEnv = process.env, writable: (path: string) => boolean = canWrite, platform: NodeJS.Platform = process.platform): string {
  const inPackage = join(resolve(root), '.jupyter-kernel');
  if (writable(inPackage)) return inPackage;
  const key = createHash('sha256').update(resolve(root)).digest('hex').slice(0, 12);
  return join(userCacheDir(env, platform, writable), 'cislab', 'jupyter-kernel', key);
}

/** Makes sure the kernel spec exists; returns the JUPYTER_PATH entry to use. */
export function ensureKernel(options: RunNotebooksOptions = {}): string {
  const prefix = resolve(options.kernelPrefix ?? defaultKernelPrefix());
  if (kernelReady === prefix) return join(prefix, 'share', 'jupyter');
  const kernelJson = join(prefix, 'share', 'jupyter', 'kernels', options.kernel ?? KERNEL_NAME, 'kernel.json');
  const ok = kernelUsable(kernelJson);
  if (!ok) withLock(join(prefix, '.install.lock'), () => {
    // Test files run in parallel workers: the first installs, the others wait and then find it installed.
    if (!kernelUsable(kernelJson)) installKernel({ prefix, python: options.python, verbose: false });
  });
  kernelReady = prefix;
  return join(prefix, 'share', 'jupyter');
}

const firstLine = (src: string | string[]) => (Array.isArray(src) ? src.join('') : src).split('\n').find((l) => l.trim()) ?? '';

function runPython(args: string[], env: NodeJS.ProcessEnv, python: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(python, ['-c', EXECUTE_NOTEBOOK_PY, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-20000); });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stderr }));
  });
}

/** Executes one notebook and checks it (see file comment). */
export async function runNotebook(path: string, options: RunNotebooksOptions = {}): Promise<NotebookResult> {
  const abs = resolve(path);
  const python = options.python ?? DEFAULT_PYTHON;
  const jupyterPath = ensureKernel(options);
  const work = mkdtempSync(join(tmpdir(), 'cislab-nb-'));
  try {
    const out = join(work, basename(abs)), resultFile = join(work, 'result.json');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...options.env,
      JUPYTER_PATH: [jupyterPath, process.env.JUPYTER_PATH].filter(Boolean).join(':'),
      PYDEVD_DISABLE_FILE_VALIDATION: '1',
    };
    if (options.quick ?? true) env.CISLAB_QUICK = '1';
    delete env.VITEST; delete env.VITEST_WORKER_ID; delete env.NODE_OPTIONS;
    const { code, stderr } = await runPython([abs, out, resultFile, options.kernel ?? KERNEL_NAME, String(options.cellTimeout ?? 600), dirname(abs)], env, python);
    if (!existsSync(resultFile)) throw new Error(`running ${abs} with ${python} failed (exit ${code}): ${stderr.slice(-2000)}`);
    const { seconds, error } = JSON.parse(readFileSync(resultFile, 'utf8'));
    const stored: NotebookJson = JSON.parse(readFileSync(abs, 'utf8'));
    const fresh: NotebookJson = JSON.parse(readFileSync(out, 'utf8'));
    const result: NotebookResult = { path: abs, ok: true, seconds, mismatches: [] };
    if (error) {
      const cell = error.cell as number | null;
      result.error = { cell, source: cell === null ? '' : firstLine(fresh.cells[cell]?.source ?? ''), message: String(error.message).trim() };
      result.ok = false;
    } else if (options.update) {
      writeFileSync(abs, readFileSync(out, 'utf8'));
      result.updated = true;
    } else {
      const roots = [dirname(abs), PACKAGE_ROOT];
      result.mismatches = (await compareNotebooks(stored, fresh, roots)).map((m) => ({ ...m, source: firstLine(stored.cells[m.cell].source) }));
      result.ok = result.mismatches.length === 0;
    }
    options.onResult?.(result);
    return result;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Runs notebooks one after another (files or directories; default the package's notebooks/). */
export async function runNotebooks(paths: readonly string[] = [], options: RunNotebooksOptions = {}): Promise<NotebookResult[]> {
  const files = findNotebooks(paths.length ? paths : [join(PACKAGE_ROOT, 'notebooks')]);
  const results: NotebookResult[] = [];
  for (const f of files) results.push(await runNotebook(f, options));
  return results;
}

/** Human-readable report of one result: 'ok' line, or the failing cell and message / the mismatches. */
export function formatNotebookResult(r: NotebookResult): string {
  const head = `${r.ok ? 'ok  ' : 'FAIL'} ${r.path} (${r.seconds.toFixed(1)} s)${r.updated ? ' — outputs updated' : ''}`;
  if (r.error) return `${head}\n  cell ${r.error.cell ?? '?'} (${r.error.source}) raised:\n${r.error.message.split('\n').map((l) => '    ' + l).join('\n')}`;
  return [head, ...r.mismatches.map((m) => `  cell ${m.cell} (${m.source}): ${m.message}`)].join('\n');
}

/**
 * What `cislab notebooks test [paths] [--update]` does: runs them, prints one report per notebook as it
 * finishes and a summary, and returns the exit code (0 all passed, 1 otherwise).
 */
export async function notebooksTestCommand(paths: readonly string[], options: RunNotebooksOptions = {}, out: (line: string) => void = (l) => process.stdout.write(l + '\n')): Promise<number> {
  const results = await runNotebooks(paths, { ...options, onResult: (r) => { out(formatNotebookResult(r)); options.onResult?.(r); } });
  const failed = results.filter((r) => !r.ok).length;
  out(`${results.length - failed} of ${results.length} notebooks passed${options.update ? ' (outputs updated where they ran)' : ''}`);
  return failed ? 1 : 0;
}
