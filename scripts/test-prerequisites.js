#!/usr/bin/env node
/**
 * `npm test`'s first step (package.json `pretest`): makes sure the Debian packages the tests need are installed.
 * They are the Jupyter client and kernel machinery the notebooks run in, numpy/scipy for the independent
 * reference implementations some tests compare against (and PyTorch and scikit-learn), pyBigWig to write bigWig test files, the font figures are
 * rendered in, and Chromium for the figures' browser test. As root, missing ones are installed with apt-get;
 * otherwise this stops and prints the exact `sudo apt-get install …` line. A machine without dpkg (not Debian)
 * gets the same list by name. `CISLAB_TEST_PREREQUISITES=skip` goes on without them: what could then not run is
 * listed at the end of the test run (test/helpers/not-run-reporter.ts).
 * Usage: node scripts/test-prerequisites.js [--check]   (--check: report only, exit 1 when something is missing)
 */
'use strict';
const { spawnSync } = require('node:child_process');

const PACKAGES = [
  'jupyter-nbconvert', 'python3-nbclient', 'jupyter-client', 'python3-ipykernel',
  'python3-numpy', 'python3-scipy', 'python3-pybigwig', 'fonts-dejavu-core', 'chromium',
  // PyTorch, scikit-learn and pandas: the references the PyTorch import, t-SNE and stratified-split tests compare against.
  'python3-torch', 'python3-sklearn', 'python3-pandas',
];

const log = (line) => process.stderr.write(`test prerequisites: ${line}\n`);

function installed(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function run(command, args) {
  log(`${command} ${args.join(' ')}`);
  const r = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0;
}

function main() {
  if (process.env.CISLAB_TEST_PREREQUISITES === 'skip') {
    log('CISLAB_TEST_PREREQUISITES=skip: not checking Debian packages; the run ends with what did not run');
    return 0;
  }
  const installLine = (pkgs) => `sudo apt-get install -y --no-install-recommends ${pkgs.join(' ')}`;
  if (!has('dpkg-query') || !has('apt-get')) {
    log(`this is not a Debian-like system (no dpkg/apt-get); the tests need the equivalents of: ${PACKAGES.join(' ')}`);
    log('install them, or run with CISLAB_TEST_PREREQUISITES=skip to test without (what cannot run is listed at the end)');
    return 1;
  }
  const missing = PACKAGES.filter((p) => !installed(p));
  if (!missing.length) return 0;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (process.argv.includes('--check') || !isRoot) {
    log(`missing Debian packages: ${missing.join(' ')}`);
    log(`install them with:\n\n  ${installLine(missing)}\n`);
    log('then run npm test again (or CISLAB_TEST_PREREQUISITES=skip npm test to test without them)');
    return 1;
  }
  log(`installing missing Debian packages: ${missing.join(' ')}`);
  const args = ['install', '-y', '-qq', '--no-install-recommends', ...missing];
  // The package lists of a fresh machine may be empty or stale: update once, then install.
  if (!run('apt-get', args) && !(run('apt-get', ['update', '-qq']) && run('apt-get', args))) {
    log(`apt-get failed; install them yourself: ${installLine(missing)}`);
    return 1;
  }
  const still = PACKAGES.filter((p) => !installed(p));
  if (still.length) {
    log(`still missing after apt-get: ${still.join(' ')}`);
    return 1;
  }
  return 0;
}

process.exitCode = main();
