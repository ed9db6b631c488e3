import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hasData } from '../../src/data/data-dir';

export const REPO_ROOT = resolve(__dirname, '..', '..');
/** The shared reference data (`../shared/data` from the repo root unless CISLAB_DATA says otherwise). */
export const DATA_DIR = process.env['CISLAB_DATA'] ?? resolve(REPO_ROOT, '..', 'shared', 'data');
export const HAS_DREAM = hasData('dream2022');

export function tempDir(prefix = 'cislab-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
