/**
 * `cislab kernel install`: registers a Jupyter kernel named `cislab` ("TypeScript (cislab)") whose process is
 * tslab with `import … from 'cislab'` resolvable from any directory (see kernel-main.ts). Where it goes follows
 * Jupyter's own rules: the user's data directory by default (`jupyter --data-dir`: `$JUPYTER_DATA_DIR`, else
 * `$XDG_DATA_HOME/jupyter` or `~/.local/share/jupyter` on Linux, `~/Library/Jupyter` on macOS,
 * `%APPDATA%\jupyter` on Windows), `sys.prefix/share/jupyter` of a Python (`sysPrefix`), or
 * `PREFIX/share/jupyter` (`prefix`). It registers nothing else (no JavaScript kernel, no kernel named `tslab`).
 *
 * tslab is an optional peer dependency: when it cannot be found from cislab's folder, it is installed with npm
 * into a folder cislab owns (`<data dir>/cislab/tslab-<major>`, beside the kernels), and the kernel is told where.
 * An existing `kernels/cislab/kernel.json` that cislab did not write is never replaced.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { CislabError, OptionError } from '../errors';
import { writeFileAtomic } from '../io/atomic';
import { PACKAGE_ROOT } from '../io/package-root';

/** Debian packages the notebook runner needs (Jupyter client + nbclient/nbconvert + the figure font). */
export const JUPYTER_APT_PACKAGES = ['jupyter-nbconvert', 'python3-nbclient', 'jupyter-client', 'python3-ipykernel', 'fonts-dejavu-core'] as const;

/** The kernel's name (its folder under `kernels/`) and the name Jupyter shows. */
export const KERNEL_NAME = 'cislab';
export const KERNEL_DISPLAY_NAME = 'TypeScript (cislab)';

/** The tslab versions cislab's kernel is written for (package.json `peerDependencies`). */
export const TSLAB_RANGE = '^1.0.22';

/**
 * The Python that has Debian's Jupyter packages (the `python3` on PATH may be another interpreter, e.g. one
 * without nbclient); `CISLAB_PYTHON` overrides it.
 */
export const DEFAULT_PYTHON = process.env.CISLAB_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

export interface InstallKernelOptions {
  /** Install into `PREFIX/share/jupyter` (e.g. a virtual environment or `/usr/local`). */
  prefix?: string;
  /** Install into `sys.prefix/share/jupyter` of `python` (Jupyter's `--sys-prefix`). */
  sysPrefix?: boolean;
  /** Python whose `sys.prefix` `sysPrefix` means (default /usr/bin/python3, or `$CISLAB_PYTHON`). */
  python?: string;
  /** Install tslab with npm when it cannot be found (default true). */
  installTslab?: boolean;
  /** The npm command used to install tslab (default `npm`). */
  npm?: string;
  /** Print what is done on stderr (default true). */
  verbose?: boolean;
}

export interface InstalledKernel {
  /** The kernel's name, `cislab`. */
  name: string;
  /** Directory of kernel.json. */
  kernelDir: string;
  /** The Jupyter data directory it went into (`…/share/jupyter` or the user's). */
  dataDir: string;
  /** True when Jupyter looks in `dataDir` without `JUPYTER_PATH` (the user's or a standard system directory). */
  foundByDefault: boolean;
  /** The tslab package folder the kernel runs. */
  tslabDir: string;
  /** argv written to kernel.json. */
  argv: string[];
  /** One line saying what to do next (printed by `cislab kernel install`). */
  next: string;
}

/** Jupyter's per-user data directory (what `jupyter --data-dir` prints), computed as jupyter_core does. */
export function userJupyterDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env['JUPYTER_DATA_DIR']) return resolve(env['JUPYTER_DATA_DIR']);
  const home = env['HOME'] ?? homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Jupyter');
  if (platform === 'win32') return join(env['APPDATA'] ?? join(home, 'AppData', 'Roaming'), 'jupyter');
  return join(env['XDG_DATA_HOME'] || join(home, '.local', 'share'), 'jupyter');
}

/** System directories Jupyter searches without `JUPYTER_PATH` (jupyter_core's SYSTEM_JUPYTER_PATH on Unix). */
const SYSTEM_DATA_DIRS = ['/usr/local/share/jupyter', '/usr/share/jupyter'];

/** `sys.prefix` of `python`, as Jupyter's `--sys-prefix` uses it. */
function pythonSysPrefix(python: string): string {
  const r = spawnSync(python, ['-c', 'import sys; print(sys.prefix)'], { encoding: 'utf8' });
  if (r.status !== 0) throw new OptionError(`cannot run ${python} to find its sys.prefix (${r.error?.message ?? r.stderr.trim()})`, { option: 'python' });
  return r.stdout.trim();
}

/** The tslab package folder reachable from cislab's own folder, or from `extra` (cislab's private install). */
export function findTslab(extra: readonly string[] = []): string | undefined {
  for (const from of [PACKAGE_ROOT, ...extra]) {
    try {
      return dirname(require.resolve('tslab/package.json', { paths: [from] }));
    } catch {
      // not there; try the next place
    }
  }
  return undefined;
}

/** Where cislab installs tslab for itself when the user has none: beside the kernels, in a folder it owns. */
export function privateTslabPrefix(dataDir: string): string {
  return join(dataDir, 'cislab', `tslab-${TSLAB_RANGE.replace(/[^0-9]+/g, '.').split('.').filter(Boolean)[0]}`);
}

function installTslab(prefix: string, npm: string, log: (s: string) => void): void {
  mkdirSync(prefix, { recursive: true });
  const args = ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `tslab@${TSLAB_RANGE}`];
  log(`tslab not found; installing it: ${npm} ${args.join(' ')}`);
  const r = spawnSync(npm, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) {
    throw new CislabError(`installing tslab failed (${r.error?.message ?? `exit ${r.status}`}); install it yourself (npm install tslab@'${TSLAB_RANGE}') and run 'cislab kernel install' again`);
  }
}

/** True when `kernelJson` is missing or was written by cislab (so replacing it loses nothing of the user's). */
function ours(kernelJson: string): boolean {
  if (!existsSync(kernelJson)) return true;
  try {
    return JSON.parse(readFileSync(kernelJson, 'utf8'))?.metadata?.cislab !== undefined;
  } catch {
    return false;
  }
}

/** Registers the kernel (see file comment); returns where it went and the line to print. */
export function installKernel(options: InstallKernelOptions = {}): InstalledKernel {
  if (options.prefix !== undefined && options.sysPrefix) throw new OptionError('give --prefix or --sys-prefix, not both', { option: 'prefix' });
  const log = options.verbose === false ? () => undefined : (s: string) => process.stderr.write(`cislab: ${s}\n`);
  const userDir = userJupyterDataDir();
  const dataDir = options.prefix !== undefined
    ? join(resolve(options.prefix), 'share', 'jupyter')
    : options.sysPrefix ? join(pythonSysPrefix(options.python ?? DEFAULT_PYTHON), 'share', 'jupyter') : userDir;

  const privatePrefix = privateTslabPrefix(dataDir);
  let tslabDir = findTslab([privatePrefix]);
  if (!tslabDir) {
    if (options.installTslab === false) throw new CislabError(`tslab is not installed; install it (npm install tslab@'${TSLAB_RANGE}') or allow cislab to`);
    installTslab(privatePrefix, options.npm ?? 'npm', log);
    tslabDir = findTslab([privatePrefix]);
    if (!tslabDir) throw new CislabError(`npm reported success but tslab is not in ${privatePrefix}`);
  }

  // Always the compiled entry (also when this code runs from src/ under vitest): the kernel runs plain node.
  const kernelMain = join(PACKAGE_ROOT, 'dist', 'notebook', 'kernel-main.js');
  if (!existsSync(kernelMain)) throw new CislabError(`${kernelMain} is missing: run 'npm run build' first`);
  const kernelDir = join(dataDir, 'kernels', KERNEL_NAME);
  const kernelJson = join(kernelDir, 'kernel.json');
  if (!ours(kernelJson)) {
    throw new CislabError(`${kernelJson} exists and was not written by cislab; remove it or choose another place (--prefix DIR)`);
  }
  // Absolute node and entry: Jupyter may start kernels with a PATH that has neither `node` nor `cislab`.
  const argv = [process.execPath, kernelMain, '--tslab', tslabDir, '--config-path', '{connection_file}'];
  const version = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const spec = { argv, display_name: KERNEL_DISPLAY_NAME, language: 'typescript', metadata: { cislab: { version } } };
  mkdirSync(kernelDir, { recursive: true });
  // Write-then-rename: a Jupyter client reading concurrently sees the old or the new file, never half of one.
  writeFileAtomic(kernelJson, JSON.stringify(spec, null, 1) + '\n');

  const searched = [userDir, ...(options.sysPrefix ? [dataDir] : []), ...SYSTEM_DATA_DIRS, ...(process.env['JUPYTER_PATH'] ?? '').split(':').filter(Boolean).map((p) => resolve(p))];
  const foundByDefault = searched.includes(resolve(dataDir));
  const pick = `choose the kernel "${KERNEL_DISPLAY_NAME}"`;
  const next = foundByDefault
    ? `kernel '${KERNEL_NAME}' installed in ${kernelDir}; start Jupyter (e.g. 'jupyter lab') in any folder and ${pick}`
    : `kernel '${KERNEL_NAME}' installed in ${kernelDir}; Jupyter looks there only with JUPYTER_PATH=${dataDir} set (e.g. 'JUPYTER_PATH=${dataDir} jupyter lab'), then ${pick}`;
  return { name: KERNEL_NAME, kernelDir, dataDir, foundByDefault, tslabDir, argv, next };
}

/** True when `python` can import what the notebook runner needs. */
export function hasJupyterClient(python = DEFAULT_PYTHON): boolean {
  const r = spawnSync(python, ['-c', 'import nbclient, nbformat, jupyter_client, ipykernel'], { stdio: 'ignore' });
  return r.status === 0;
}

function aptInstall(log: (s: string) => void, packages: readonly string[] = JUPYTER_APT_PACKAGES): void {
  const args = ['install', '-y', '--no-install-recommends', ...packages];
  log(`apt-get ${args.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', args, { stdio: 'inherit', env });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
    r = spawnSync('apt-get', args, { stdio: 'inherit', env });
  }
  if (r.status !== 0) throw new CislabError(`apt-get install ${packages.join(' ')} failed (exit ${r.status})`);
}

/** Debian packages the browser check of figures needs: Chromium (driven headless) and the theme's font. */
export const BROWSER_APT_PACKAGES = ['chromium', 'fonts-dejavu-core'] as const;

/**
 * The path of a headless-capable Chromium ($CHROMIUM_PATH, else Debian's /usr/bin/chromium), installing
 * Debian's `chromium` with apt-get first when it is missing and we are root (as `installKernel` does for
 * Jupyter). Returns undefined when there is none and it cannot be installed here.
 *
 * @example
 * const chromium = ensureChromium({ verbose: false }); // '/usr/bin/chromium' or undefined
 */
export function ensureChromium(options: { apt?: boolean; verbose?: boolean } = {}): string | undefined {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(path)) return path;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (process.env.CHROMIUM_PATH || !(options.apt ?? true) || !isRoot || !existsSync('/usr/bin/apt-get')) return undefined;
  const log = options.verbose === false ? () => undefined : (s: string) => process.stderr.write(`cislab: ${s}\n`);
  try {
    aptInstall(log, BROWSER_APT_PACKAGES);
  } catch (e) {
    log(String((e as Error).message));
    return undefined;
  }
  return existsSync(path) ? path : undefined;
}

