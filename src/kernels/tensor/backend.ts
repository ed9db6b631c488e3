/**
 * Chooses the tfjs backend once per process: `tensorflow` (tfjs-node-gpu, then tfjs-node), `wasm` (SIMD),
 * then `cpu`. The native packages are optional dependencies that fail to install without network, so they
 * are loaded inside try/catch. When wasm is chosen, the fast gradients of wasm-gradients.ts are registered
 * (stock wasm cannot train conv nets: it has no Conv2DBackpropFilter kernel).
 */
import { registerTfjsOps, tf } from './tf';
import { OptionError } from '../../errors';
import { registerWasmGradients } from './wasm-gradients';

/** The tfjs backends cislab can run on, in the order {@link initBackend} tries them. */
export const BACKENDS = ['tensorflow', 'wasm', 'cpu'] as const;
/** One of {@link BACKENDS}. */
export type BackendName = (typeof BACKENDS)[number];

export interface BackendOptions {
  /** Force one backend (else `CISLAB_BACKEND`, else the best that loads). */
  backend?: BackendName;
  /** Print the chosen backend to stderr (default false). */
  verbose?: boolean;
}

let chosen: Promise<BackendName> | undefined;

/**
 * Initialises tfjs once and resolves to the backend in use. Later calls return the same answer; asking for a
 * different backend after the first choice throws, because tensors and models live on the first one.
 * @param options - `backend` (default: `$CISLAB_BACKEND`, else the first of tensorflow, wasm, cpu that loads),
 *   `verbose` (print the choice to stderr; default false).
 * @returns The backend in use.
 * @example
 * const backend = await initBackend(); // 'wasm' without the native packages
 */
export function initBackend(options: BackendOptions = {}): Promise<BackendName> {
  const wanted = options.backend ?? (process.env.CISLAB_BACKEND as BackendName | undefined) ?? undefined;
  if (wanted !== undefined && !BACKENDS.includes(wanted)) {
    throw new OptionError(`unknown backend '${wanted}'; expected one of ${BACKENDS.join(', ')}`, {
      option: options.backend !== undefined ? 'backend' : 'CISLAB_BACKEND',
    });
  }
  if (!chosen) {
    chosen = choose(wanted).then((name) => {
      if (options.verbose) process.stderr.write(`cislab: tfjs backend '${name}'\n`);
      return name;
    });
    return chosen;
  }
  return chosen.then((name) => {
    if (wanted !== undefined && wanted !== name) {
      throw new OptionError(`backend already initialised as '${name}', cannot switch to '${wanted}'`, { option: 'backend' });
    }
    return name;
  });
}

/**
 * The backend chosen by `initBackend`, or undefined before it resolved.
 * @returns The backend name, or undefined before {@link initBackend} has resolved.
 * @example
 * if (currentBackend() === undefined) await initBackend({ backend: 'cpu' });
 */
export function currentBackend(): BackendName | undefined {
  const name = tf.getBackend();
  return name === 'tensorflow' || name === 'wasm' || name === 'cpu' ? name : undefined;
}

async function choose(wanted: BackendName | undefined): Promise<BackendName> {
  registerTfjsOps();
  const order: BackendName[] = wanted ? [wanted] : [...BACKENDS];
  const failures: string[] = [];
  for (const name of order) {
    try {
      if (await tryBackend(name)) return name;
      failures.push(`${name}: not available`);
    } catch (err) {
      failures.push(`${name}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  throw new OptionError(`no tfjs backend could be initialised (${failures.join('; ')})`, { option: 'backend' });
}

async function tryBackend(name: BackendName): Promise<boolean> {
  switch (name) {
    case 'tensorflow':
      // Each require registers the 'tensorflow' backend when its native library loads.
      if (!loadNative('@tensorflow/tfjs-node-gpu') && !loadNative('@tensorflow/tfjs-node')) return false;
      return tf.setBackend('tensorflow');
    case 'wasm': {
      // Side-effect import registers the backend; threads are off under Node (forcing them crashes).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('@tensorflow/tfjs-backend-wasm');
      const ok = await tf.setBackend('wasm');
      if (ok) registerWasmGradients();
      return ok;
    }
    case 'cpu':
      return tf.setBackend('cpu'); // loaded on first use (tf.ts)
  }
}

function loadNative(pkg: string): boolean {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(pkg);
    return tf.findBackend('tensorflow') !== null;
  } catch {
    return false;
  }
}
