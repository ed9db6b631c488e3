// `npm test` on a fresh machine (scripts/test-prerequisites.js, the `pretest` step): as root it installs the
// missing Debian packages with apt-get; as any other user it stops and prints the exact `sudo apt-get install`
// line. Checked with stand-ins for dpkg-query and apt-get on PATH that record what they were asked.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/paths';

const SCRIPT = join(REPO_ROOT, 'scripts', 'test-prerequisites.js');
const ALL = 'jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel python3-numpy python3-scipy python3-pybigwig fonts-dejavu-core chromium python3-torch python3-sklearn python3-pandas';

/** A bin folder whose dpkg-query reports `installed` (plus whatever apt-get installed) and whose apt-get logs. */
function fakeDebian(installed: string[]): { bin: string; aptLog: string; state: string } {
  const bin = tempDir('cislab-fake-apt-');
  const state = join(bin, 'installed.txt');
  const aptLog = join(bin, 'apt.log');
  writeFileSync(state, installed.join('\n') + '\n');
  writeFileSync(join(bin, 'dpkg-query'), `#!/bin/sh\npkg="$3"\ngrep -qx "$pkg" "${state}" && printf 'install ok installed' && exit 0\nexit 1\n`);
  writeFileSync(join(bin, 'apt-get'), `#!/bin/sh\necho "$@" >> "${aptLog}"\n[ "$1" = install ] && for a in "$@"; do case "$a" in -*|install) ;; *) echo "$a" >> "${state}";; esac; done\nexit 0\n`);
  for (const f of ['dpkg-query', 'apt-get']) chmodSync(join(bin, f), 0o755);
  chmodSync(bin, 0o755);
  return { bin, aptLog, state };
}

function run(bin: string, asUser = false) {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:/usr/bin:/bin` };
  delete env['CISLAB_TEST_PREREQUISITES'];
  const [cmd, args] = asUser
    ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, SCRIPT]]
    : [process.execPath, [SCRIPT]];
  return spawnSync(cmd as string, args as string[], { encoding: 'utf8', env });
}

const isRoot = process.getuid?.() === 0;

describe('npm test prerequisites', () => {
  it('does nothing when every package is installed', () => {
    const { bin, aptLog } = fakeDebian(ALL.split(' '));
    const r = run(bin);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(aptLog)).toBe(false);
  });

  it.runIf(isRoot)('as root installs exactly the missing packages with apt-get', () => {
    const { bin, aptLog } = fakeDebian(['python3-numpy', 'fonts-dejavu-core']);
    const r = run(bin);
    expect(r.status, r.stderr).toBe(0);
    const missing = ALL.split(' ').filter((p) => p !== 'python3-numpy' && p !== 'fonts-dejavu-core');
    expect(readFileSync(aptLog, 'utf8').trim().split('\n')).toEqual([`install -y -qq --no-install-recommends ${missing.join(' ')}`]);
  });

  it.runIf(isRoot && existsSync('/usr/bin/setpriv'))('as another user installs nothing and names the exact sudo apt-get command', () => {
    const { bin, aptLog } = fakeDebian(['python3-scipy']);
    const r = run(bin, true);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`sudo apt-get install -y --no-install-recommends ${ALL.replace('python3-scipy ', '')}`);
    expect(existsSync(aptLog)).toBe(false);
  });
});
