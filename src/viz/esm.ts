/**
 * Loading ES-module-only libraries (vega, vega-lite) from our CommonJS build.
 *
 * TypeScript's CommonJS output rewrites `import()` into `require()`, and `require('vega')` throws
 * ERR_REQUIRE_ASYNC_MODULE (vega's Node build has a top-level await). A function built with `new Function`
 * keeps a real `import()`; it works from modules loaded by Node's loader — plain node, vitest and tslab
 * (where our dist files are loaded with `require`, not compiled in the kernel's vm). Specifiers are resolved
 * to absolute file URLs first so the result does not depend on the caller's directory.
 *
 * Where the host evaluates our code in a vm without an import callback (vitest does), that `import()`
 * throws; we then fall back to a one-line CommonJS helper written to the temp directory and loaded with
 * Node's own `require`, whose `import()` always works. Absolute URLs make the helper's location irrelevant.
 */
import { pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';

type Importer = (specifier: string) => Promise<any>;

// eslint-disable-next-line @typescript-eslint/no-implied-eval
const viaFunction = new Function('specifier', 'return import(specifier)') as Importer;
let viaHelper: Importer | undefined;

function helperImporter(): Importer {
  if (!viaHelper) {
    // One fixed file per user (content is constant), rewritten only when missing or different.
    const file = join(tmpdir(), `cislab-esm-import-${typeof process.getuid === 'function' ? process.getuid() : 'user'}.cjs`);
    const body = 'module.exports = (specifier) => import(specifier);\n';
    if (!existsSync(file) || readFileSync(file, 'utf8') !== body) {
      writeFileAtomic(file, body);
    }
    viaHelper = createRequire(file)(file) as Importer;
  }
  return viaHelper;
}

async function dynamicImport(url: string): Promise<any> {
  if (viaHelper) return viaHelper(url);
  try {
    return await viaFunction(url);
  } catch (e) {
    if (!/dynamic import callback|invalid host defined options/i.test(String((e as Error)?.message))) throw e;
    return helperImporter()(url);
  }
}

/** Finds the ESM entry of an installed package by walking up node_modules from this file. */
export function resolveEsmEntry(pkg: string, from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const root = join(dir, 'node_modules', pkg);
    const manifest = join(root, 'package.json');
    if (existsSync(manifest)) {
      const json = JSON.parse(readFileSync(manifest, 'utf8'));
      const dot = json.exports?.['.'];
      const entry = typeof dot === 'string' ? dot : dot?.import ?? dot?.default ?? json.module ?? json.main ?? 'index.js';
      return join(root, typeof entry === 'string' ? entry : entry.default);
    }
    if (dirname(dir) === dir) throw new Error(`cislab: cannot find the package '${pkg}' (npm install ${pkg})`);
  }
}

const cache = new Map<string, Promise<any>>();
const loaded = new Map<string, any>();

/** Imports an ES module package once; later calls share the promise. */
export function importEsm(pkg: string): Promise<any> {
  let p = cache.get(pkg);
  if (!p) {
    p = dynamicImport(pathToFileURL(resolveEsmEntry(pkg)).href).then((m) => {
      loaded.set(pkg, m);
      return m;
    });
    cache.set(pkg, p);
  }
  return p;
}

/** The module if `importEsm(pkg)` has already finished, else undefined (for synchronous callers). */
export function importedEsm(pkg: string): any {
  return loaded.get(pkg);
}
