#!/usr/bin/env node
// Renders notebooks/*.ipynb as HTML into docs/notebooks/ beside the API reference (`npm run docs`). Uses
// `jupyter nbconvert --to html` (Debian: jupyter-nbconvert) on the notebooks as committed, outputs included; it
// does not execute them. Without nbconvert it says so and how to install it, and exits 0 so the API reference
// still builds. Only files it writes are replaced: each notebook's .html in docs/notebooks/.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const source = join(root, 'notebooks');
const out = join(root, 'docs', 'notebooks');

const probe = spawnSync('jupyter', ['nbconvert', '--version'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  console.log('notebooks: jupyter nbconvert not found, so docs/notebooks/ was not rendered '
    + '(Debian: sudo apt-get install jupyter-nbconvert; or pip install nbconvert).');
  process.exit(0);
}
const notebooks = existsSync(source) ? readdirSync(source).filter((f) => f.endsWith('.ipynb')).sort() : [];
if (notebooks.length === 0) {
  console.log(`notebooks: none in ${source}`);
  process.exit(0);
}
mkdirSync(out, { recursive: true });
const r = spawnSync('jupyter', ['nbconvert', '--to', 'html', '--output-dir', out, ...notebooks.map((f) => join(source, f))],
  { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
if (r.status !== 0) {
  process.stderr.write(r.stderr);
  console.error(`notebooks: jupyter nbconvert failed (exit ${r.status})`);
  process.exit(1);
}
console.log(`notebooks: ${notebooks.length} rendered (nbconvert ${probe.stdout.trim()}) into docs/notebooks/`);
