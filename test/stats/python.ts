/**
 * Runs the reference Python (/usr/bin/python3 with numpy, scipy when present) from tests. Tests that need it
 * are skipped, with the reason printed, only when numpy is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PYTHON = process.env['CISLAB_PYTHON'] ?? '/usr/bin/python3';

function probe(module: string): boolean {
  if (!existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ['-c', `import ${module}`], { encoding: 'utf8' }).status === 0;
}

export const HAS_NUMPY = probe('numpy');
export const HAS_SCIPY = HAS_NUMPY && probe('scipy');
export const NUMPY_SKIP_REASON = `${PYTHON} with numpy is not available; the comparison with the Python reference is skipped`;

/** Runs Python code (or a script with arguments) and returns stdout; throws with stderr on failure. */
export function runPython(args: string[], input?: string): string {
  const result = spawnSync(PYTHON, args, { encoding: 'utf8', input, maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`python ${args[0]} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}
