#!/usr/bin/env node
/**
 * After `tsc`: writes `dist/types/`, a copy of the build's declaration files whose type imports of ES-module-only
 * packages (arquero) carry `with { 'resolution-mode': 'import' }`.
 *
 * Why: cislab's build is CommonJS and `require`s arquero, an ES module (Node ≥ 20.19 allows that). A consumer
 * type-checking under `node16`/`nodenext` resolution sees cislab's `.d.ts` as CommonJS and rejects a plain
 * `import type … from 'arquero'` there (TS1541) unless it names its resolution mode. TypeScript before 5.3 cannot
 * parse that attribute (tslab's 5.0 among them), so both copies ship: package.json `exports` gives `types@>=5.3`
 * this copy and every older compiler (and `node10` resolution, through `types`/`typesVersions`) the plain one.
 * Usage: node scripts/esm-type-imports.js [DIST]   (default dist/)
 */
'use strict';
const { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, renameSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');

/** Packages whose types are ES modules (their package.json says "type": "module" and has no require types). */
const ESM_ONLY = ['arquero'];

const dist = process.argv[2] ?? join(__dirname, '..', 'dist');
const out = join(dist, 'types');

function* declarations(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (path !== out) yield* declarations(path);
    } else if (entry.name.endsWith('.d.ts')) {
      yield path;
    }
  }
}

/** One declaration file's text with resolution-mode on every import of an ESM-only package. */
function withResolutionMode(text) {
  const names = ESM_ONLY.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|');
  const statement = new RegExp(`^import (type )?(.+?) from (['"])(${names})\\3;`, 'gm');
  const reexport = new RegExp(`^export (type )?(\\{.+?\\}) from (['"])(${names})\\3;`, 'gm');
  const inline = new RegExp(`import\\((['"])(${names})\\1\\)`, 'g');
  return text
    .replace(statement, (_all, _type, clause, quote, name) => `import type ${clause} from ${quote}${name}${quote} with { 'resolution-mode': 'import' };`)
    .replace(reexport, (_all, _type, clause, quote, name) => `export type ${clause} from ${quote}${name}${quote} with { 'resolution-mode': 'import' };`)
    .replace(inline, (_all, quote, name) => `import(${quote}${name}${quote}, { with: { 'resolution-mode': 'import' } })`);
}

// Build the new copy beside the old one, then swap: a failed run leaves the previous dist/types in place.
const staging = `${out}.tmp-${process.pid}`;
rmSync(staging, { recursive: true, force: true });
let count = 0;
for (const file of declarations(dist)) {
  const target = join(staging, relative(dist, file));
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, withResolutionMode(readFileSync(file, 'utf8')));
  count++;
}
rmSync(out, { recursive: true, force: true });
renameSync(staging, out);
process.stdout.write(`esm-type-imports: ${count} declaration files → ${relative(process.cwd(), out) || out}\n`);
