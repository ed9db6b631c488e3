/**
 * Entry point of the cislab Jupyter kernel: tslab, plus `cislab` (and its dependencies) resolvable from any directory.
 *
 * `installKernel` points kernel.json at this file. Before starting tslab's kernel it makes the module name
 * `cislab` (and `cislab/...`) mean this package, for both halves of a tslab cell:
 * - Node's require: `Module._resolveFilename` maps `cislab…` to this package root;
 * - tslab's TypeScript (which type-checks every cell and fails it on "Cannot find module"): its `ts.sys`
 *   file-system functions see `<cwd>/node_modules/cislab/…` as this package (tslab fakes `node_modules/tslab`
 *   the same way), so Node10 resolution finds our .d.ts files wherever the notebook lives.
 * Usage (from kernel.json): node kernel-main.js [--tslab TSLAB_PACKAGE_DIR] --config-path {connection_file}
 * (`--tslab`: the tslab copy `cislab kernel install` found or installed; default: the one cislab's folder resolves).
 */
import Module from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { existsSync } from 'node:fs';

import { PACKAGE_ROOT } from '../io/package-root';
const NAME = 'cislab';

function mapRequests(): void {
  const M = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = M._resolveFilename;
  M._resolveFilename = function (request: string, ...rest: unknown[]) {
    if (request === NAME || request.startsWith(NAME + '/')) {
      return original.call(this, join(PACKAGE_ROOT, request.slice(NAME.length)), ...rest);
    }
    try {
      return original.call(this, request, ...rest);
    } catch (e) {
      // Bare names not found from the notebook's directory fall back to cislab's dependencies (arquero, …).
      if (/^[@a-z]/i.test(request) && (e as { code?: string }).code === 'MODULE_NOT_FOUND') {
        return original.call(this, request, { id: PACKAGE_ROOT, filename: join(PACKAGE_ROOT, 'index.js'), paths: (Module as any)._nodeModulePaths(PACKAGE_ROOT) }, ...rest.slice(1));
      }
      throw e;
    }
  };
}

/**
 * In tslab's TypeScript, `<cwd>/node_modules/cislab/<rest>` becomes `<PACKAGE_ROOT>/<rest>`, and any other
 * `<cwd>/node_modules/<pkg>/<rest>` that does not exist is looked up where Node would find `<pkg>` from cislab's
 * folder (its own node_modules or, installed, the project's beside it), then from tslab's (whose `@types/node`
 * types `console` and `process`). So `import * as aq from 'arquero'` type-checks next to cislab anywhere.
 */
function mapTypes(tslabDir: string, cwd: string): void {
  const ts = require(require.resolve('@tslab/typescript-for-tslab', { paths: [tslabDir] }));
  const modules = join(cwd, 'node_modules');
  const nodeModulePaths = (Module as unknown as { _nodeModulePaths: (from: string) => string[] })._nodeModulePaths;
  const searched = [...nodeModulePaths(PACKAGE_ROOT), ...nodeModulePaths(tslabDir)];
  const found = new Map<string, string | undefined>();
  const packageDir = (name: string): string | undefined => {
    if (!found.has(name)) found.set(name, searched.map((dir) => join(dir, name)).find((dir) => existsSync(dir)));
    return found.get(name);
  };
  const forward = (p: string): string => {
    const rel = relative(modules, p);
    if (rel === '' || rel.startsWith('..') || rel.startsWith(sep)) return p;
    if (rel === NAME || rel.startsWith(NAME + sep)) return join(PACKAGE_ROOT, rel.slice(NAME.length));
    if (existsSync(p)) return p;
    const parts = rel.split(sep);
    const nameLength = parts[0]!.startsWith('@') ? 2 : 1;
    // A scope folder alone (`@types`, which TypeScript lists for its default type roots) maps to the first that exists.
    const dir = packageDir(parts.slice(0, Math.min(nameLength, parts.length)).join(sep));
    if (parts.length < nameLength) return dir ?? p;
    return dir ? join(dir, ...parts.slice(nameLength)) : p;
  };
  const sys = ts.sys;
  for (const fn of ['fileExists', 'readFile', 'directoryExists', 'getFileSize', 'getModifiedTime', 'realpath', 'readDirectory', 'getDirectories'] as const) {
    const original = sys[fn];
    if (typeof original === 'function') sys[fn] = (p: string, ...rest: unknown[]) => original.call(sys, forward(p), ...rest);
  }
  const dirExists = sys.directoryExists;
  sys.directoryExists = (p: string) => p === join(cwd, 'node_modules') || dirExists(p);
}

export function startCislabKernel(argv: string[] = process.argv.slice(2)): void {
  const i = argv.indexOf('--config-path');
  if (i < 0 || !argv[i + 1]) throw new Error('usage: node kernel-main.js --config-path CONNECTION_FILE');
  const t = argv.indexOf('--tslab');
  const tslabMain = t >= 0 && argv[t + 1] ? join(argv[t + 1]!, 'dist', 'main.js') : require.resolve('tslab/dist/main.js', { paths: [PACKAGE_ROOT] });
  const tslabDir = dirname(dirname(tslabMain));
  mapRequests();
  mapTypes(tslabDir, process.cwd());
  // Tables and charts display themselves as a cell's value in this kernel (cislab itself patches nothing on import).
  (require('./display') as typeof import('./display')).enableAutoDisplay({ beforeKernelStart: true });
  require(tslabMain).startKernel({ configPath: argv[i + 1], enableFindLocal: false, jsKernel: false });
}

if (require.main === module) startCislabKernel();
