/**
 * cislab must be importable the way tslab imports it: compiled by tslab's own TypeScript (5.0) with Node10
 * module resolution, run as CommonJS under Node 20. This compiles a small program with that compiler against
 * the built package (dist/, made by `npm test`'s pretest build) and runs it.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, tempDir } from './helpers/paths';

const tslabTypeScript = join(REPO_ROOT, 'node_modules', '@tslab', 'typescript-for-tslab');

describe('the built package as a tslab notebook sees it', () => {
  it('type-checks with TypeScript 5.0 (Node10 resolution) and runs as CommonJS', () => {
    expect(existsSync(join(REPO_ROOT, 'dist', 'index.js')), 'dist/ missing: run npm run build').toBe(true);
    const ts = require(tslabTypeScript) as typeof import('typescript');
    expect(ts.version).toMatch(/^5\.0\./);

    const dir = tempDir('cislab-tslab-');
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(REPO_ROOT, join(dir, 'node_modules', 'cislab'), 'dir');
    const program = join(dir, 'cell.ts');
    writeFileSync(program, [
      "import { promoters, encode, type Encoded } from 'cislab';",
      'async function main() {',
      '  const table = await promoters.simulate({ n: 20, seed: 4 });',
      "  const encoded: Encoded = encode(table.array('sequence') as string[], 'onehot');",
      '  console.log(JSON.stringify({ rows: table.numRows(), shape: encoded.shape }));',
      '}',
      'main();',
    ].join('\n'));
    const options = {
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.NodeJs, // "node10" in 5.x
      target: ts.ScriptTarget.ES2020,
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [join(REPO_ROOT, 'node_modules', '@types')],
    };
    const compiled = ts.createProgram([program], options);
    const diagnostics = ts.getPreEmitDiagnostics(compiled).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
    compiled.emit();
    const output = execFileSync(process.execPath, [join(dir, 'cell.js')], { cwd: dir, encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual({ rows: 20, shape: [20, 110, 4] });
  });
});
