/**
 * `cislab kernel install`: registers a tslab-based Jupyter kernel named `tslab` whose process can
 * `import … from 'cislab'` from any directory (see kernel-main.ts), installing Debian's Jupyter client
 * packages first when they are missing and we are root.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic';
import { PACKAGE_ROOT } from '../io/package-root';
import { dirname, join, resolve } from 'node:path';
import { CislabError } from '../errors';

/** Debian packages the notebook runner needs (Jupyter client + nbclient/nbconvert + the figure font). */
export const JUPYTER_APT_PACKAGES = ['jupyter-nbconvert', 'python3-nbclient', 'jupyter-client', 'python3-ipykernel', 'fonts-dejavu-core'] as const;

/**
 * The Python that has Debian's Jupyter packages (the `python3` on PATH may be another interpreter, e.g. one
 * without nbclient); `CISLAB_PYTHON` overrides it.
 */
export const DEFAULT_PYTHON = process.env.CISLAB_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

export interface InstallKernelOptions {
  /** Kernel spec goes to PREFIX/share/jupyter/kernels/tslab (default: repo's .jupyter-kernel). Set JUPYTER_PATH=PREFIX/share/jupyter. */
  prefix?: string;
  /** Python interpreter with jupyter_client (default /usr/bin/python3). */
  python?: string;
  /** Install missing Debian packages with apt-get when root (default true). */
  apt?: boolean;
  /** Print what is done (default true). */
  verbose?: boolean;
}

export interface InstalledKernel {
  /** Directory of kernel.json. */
  kernelDir: string;
  /** What JUPYTER_PATH must contain for Jupyter to find the kernel. */
  jupyterPath: string;
  /** argv written to kernel.json. */
  argv: string[];
}


/** Default kernel prefix: `.jupyter-kernel` in the package (git-ignored). */
export function defaultKernelPrefix(): string {
  return join(PACKAGE_ROOT, '.jupyter-kernel');
}

/** True when `python` can import what the runner needs. */
export function hasJupyterClient(python = DEFAULT_PYTHON): boolean {
  const r = spawnSync(python, ['-c', 'import nbclient, nbformat, jupyter_client, ipykernel'], { stdio: 'ignore' });
  return r.status === 0;
}

function aptInstall(log: (s: string) => void): void {
  const args = ['install', '-y', '--no-install-recommends', ...JUPYTER_APT_PACKAGES];
  log(`apt-get ${args.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', args, { stdio: 'inherit', env });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
    r = spawnSync('apt-get', args, { stdio: 'inherit', env });
  }
  if (r.status !== 0) throw new CislabError(`apt-get install ${JUPYTER_APT_PACKAGES.join(' ')} failed (exit ${r.status})`);
}

/** Registers the kernel (see file comment); returns where it went. */
export function installKernel(options: InstallKernelOptions = {}): InstalledKernel {
  const python = options.python ?? DEFAULT_PYTHON;
  const log = options.verbose === false ? () => undefined : (s: string) => process.stderr.write(`cislab: ${s}\n`);
  if (!hasJupyterClient(python)) {
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    if ((options.apt ?? true) && isRoot && existsSync('/usr/bin/apt-get')) aptInstall(log);
    if (!hasJupyterClient(python)) {
      throw new CislabError(`${python} cannot import nbclient/jupyter_client; install them: sudo apt-get install ${JUPYTER_APT_PACKAGES.join(' ')}`, { option: 'python' });
    }
  }
  const prefix = resolve(options.prefix ?? defaultKernelPrefix());
  const tslabBin = join(dirname(require.resolve('tslab/package.json', { paths: [PACKAGE_ROOT] })), 'bin', 'tslab');
  log(`registering tslab in ${prefix}`);
  execFileSync(process.execPath, [tslabBin, 'install', `--python=${python}`, `--binary=${tslabBin}`, `--prefix=${prefix}`], { stdio: options.verbose === false ? 'ignore' : 'inherit' });
  const kernelDir = join(prefix, 'share', 'jupyter', 'kernels', 'tslab');
  const kernelJson = join(kernelDir, 'kernel.json');
  const spec = JSON.parse(readFileSync(kernelJson, 'utf8'));
  // Always the compiled entry (also when this code runs from src/ under vitest): the kernel runs plain node.
  const kernelMain = join(PACKAGE_ROOT, 'dist', 'notebook', 'kernel-main.js');
  if (!existsSync(kernelMain)) throw new CislabError(`${kernelMain} is missing: run 'npm run build' first`);
  // Absolute node and entry: Jupyter may start kernels with a PATH that has neither `node` nor `tslab`.
  spec.argv = [process.execPath, kernelMain, '--config-path', '{connection_file}'];
  spec.display_name = 'TypeScript (cislab)';
  // Write-then-rename: a Jupyter client reading concurrently sees the old or the new file, never half of one.
  writeFileAtomic(kernelJson, JSON.stringify(spec, null, 1) + '\n');
  const jupyterPath = join(prefix, 'share', 'jupyter');
  log(`kernel 'tslab' installed; use JUPYTER_PATH=${jupyterPath}`);
  return { kernelDir, jupyterPath, argv: spec.argv };
}
