// `cislab kernel install` as a Jupyter user expects it: a kernel named `cislab` ("TypeScript (cislab)") in the
// user's Jupyter data directory by default, `--prefix`/`--sys-prefix` elsewhere, one true line about what next,
// nothing else registered and nothing of the user's replaced. Runs the built CLI (needs `npm run build`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { userJupyterDataDir } from '../../src/notebook';
import { DEFAULT_PYTHON, hasJupyterClient } from '../../src/notebook/install';
import { REPO_ROOT, tempDir } from '../helpers/paths';

const CLI = join(REPO_ROOT, 'bin', 'cislab.js');

function cislab(args: string[], env: Record<string, string>) {
  const clean = { ...process.env };
  delete clean['JUPYTER_DATA_DIR'];
  delete clean['JUPYTER_PATH'];
  delete clean['XDG_DATA_HOME'];
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...clean, ...env } });
}

describe('Jupyter data directories', () => {
  it('follows jupyter_core: JUPYTER_DATA_DIR, else XDG_DATA_HOME or ~/.local/share on Linux, ~/Library on macOS', () => {
    expect(userJupyterDataDir({ HOME: '/h', JUPYTER_DATA_DIR: '/j' }, 'linux')).toBe('/j');
    expect(userJupyterDataDir({ HOME: '/h' }, 'linux')).toBe('/h/.local/share/jupyter');
    expect(userJupyterDataDir({ HOME: '/h', XDG_DATA_HOME: '/x' }, 'linux')).toBe('/x/jupyter');
    expect(userJupyterDataDir({ HOME: '/h' }, 'darwin')).toBe('/h/Library/Jupyter');
  });
});

describe('cislab kernel install', () => {
  it('registers only the kernel cislab in the user data directory and prints one line that says what next', () => {
    const home = tempDir('cislab-home-');
    const r = cislab(['kernel', 'install'], { HOME: home });
    expect(r.status, r.stderr).toBe(0);
    const kernels = join(home, '.local', 'share', 'jupyter', 'kernels');
    expect(readdirSync(kernels)).toEqual(['cislab']);
    const spec = JSON.parse(readFileSync(join(kernels, 'cislab', 'kernel.json'), 'utf8'));
    expect(spec.display_name).toBe('TypeScript (cislab)');
    expect(spec.language).toBe('typescript');
    expect(spec.argv[0]).toBe(process.execPath);
    expect(spec.argv[1]).toBe(join(REPO_ROOT, 'dist', 'notebook', 'kernel-main.js'));
    expect(existsSync(join(spec.argv[spec.argv.indexOf('--tslab') + 1], 'dist', 'main.js'))).toBe(true);
    expect(spec.argv.slice(-2)).toEqual(['--config-path', '{connection_file}']);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(join(kernels, 'cislab'));
    expect(lines[0]).toContain('"TypeScript (cislab)"');
    expect(lines[0]).not.toContain('JUPYTER_PATH');
  });

  it('--prefix ~/.local is the user directory on Linux; another prefix says JUPYTER_PATH is needed, once', () => {
    const home = tempDir('cislab-home-');
    const same = cislab(['kernel', 'install', '--prefix', join(home, '.local')], { HOME: home });
    expect(same.status, same.stderr).toBe(0);
    expect(same.stdout).not.toContain('JUPYTER_PATH');
    const prefix = tempDir('cislab-prefix-');
    const other = cislab(['kernel', 'install', '--prefix', prefix], { HOME: home });
    expect(other.status, other.stderr).toBe(0);
    expect(other.stdout.trim().split('\n')).toEqual([expect.stringContaining(`JUPYTER_PATH=${join(prefix, 'share', 'jupyter')}`)]);
    expect(existsSync(join(prefix, 'share', 'jupyter', 'kernels', 'cislab', 'kernel.json'))).toBe(true);
    expect(cislab(['kernel', 'install', '--prefix', prefix, '--sys-prefix'], { HOME: home }).status).toBe(2);
  });

  it('never replaces a kernel.json named cislab that it did not write', () => {
    const home = tempDir('cislab-home-');
    const dir = join(home, '.local', 'share', 'jupyter', 'kernels', 'cislab');
    mkdirSync(dir, { recursive: true });
    const theirs = JSON.stringify({ argv: ['python3', '-m', 'their_kernel'], display_name: 'Theirs' });
    writeFileSync(join(dir, 'kernel.json'), theirs);
    const r = cislab(['kernel', 'install'], { HOME: home });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('was not written by cislab');
    expect(readFileSync(join(dir, 'kernel.json'), 'utf8')).toBe(theirs);
    // Its own earlier install is replaced without complaint.
    const own = tempDir('cislab-home-');
    expect(cislab(['kernel', 'install'], { HOME: own }).status).toBe(0);
    expect(cislab(['kernel', 'install'], { HOME: own }).status).toBe(0);
  });

  it.skipIf(!hasJupyterClient())('is what `jupyter kernelspec list` then finds, without JUPYTER_PATH', () => {
    const home = tempDir('cislab-home-');
    expect(cislab(['kernel', 'install'], { HOME: home }).status).toBe(0);
    const list = spawnSync(DEFAULT_PYTHON, ['-m', 'jupyter', 'kernelspec', 'list', '--json'], { encoding: 'utf8', env: { ...process.env, HOME: home, JUPYTER_PATH: '', JUPYTER_DATA_DIR: '', PYDEVD_DISABLE_FILE_VALIDATION: '1' } });
    expect(list.status, list.stderr).toBe(0);
    const specs = JSON.parse(list.stdout).kernelspecs;
    expect(specs.cislab.spec.display_name).toBe('TypeScript (cislab)');
    expect(Object.keys(specs)).not.toContain('tslab');
    expect(Object.keys(specs)).not.toContain('jslab');
  });
});
