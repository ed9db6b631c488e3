/**
 * `cislab kernel install [--user | --sys-prefix | --prefix DIR]` registers the `cislab` Jupyter kernel (tslab
 * with cislab importable from any folder; tslab itself installed when missing), and `cislab notebooks test [paths] [--update] [--full]` runs
 * notebooks through a real Jupyter client and compares their outputs with the stored ones.
 */
import { installKernel } from '../notebook/install';
import { notebooksTestCommand as runNotebooksTest } from '../notebook/runner';
import { PACKAGE_ROOT } from '../io/package-root';
import { join } from 'node:path';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { InputError } from '../errors';
import { numberOption, parseCommandArgs, type Command } from './args';

const kernelUsage = 'cislab kernel install [--user | --sys-prefix | --prefix DIR] [--python PATH]';

export const kernelCommand: Command = {
  name: 'kernel',
  usage: kernelUsage,
  summary: "register the Jupyter kernel 'cislab' (TypeScript) in which a notebook in any folder can `import … from 'cislab'`",
  async run(argv) {
    const { values, positionals } = parseCommandArgs({ name: 'kernel', usage: kernelUsage }, argv, {
      user: { type: 'boolean', default: false }, 'sys-prefix': { type: 'boolean', default: false }, prefix: { type: 'string' }, python: { type: 'string' },
    }, { positionals: true });
    if (positionals[0] !== 'install' || positionals.length > 1) {
      console.error(`usage: ${kernelUsage}`);
      return 2;
    }
    const chosen = [values['user'] && '--user', values['sys-prefix'] && '--sys-prefix', values['prefix'] !== undefined && '--prefix'].filter(Boolean);
    if (chosen.length > 1) {
      console.error(`cislab kernel install: give one of --user, --sys-prefix, --prefix (got ${chosen.join(', ')})`);
      return 2;
    }
    const kernel = installKernel({ prefix: values['prefix'] as string | undefined, sysPrefix: values['sys-prefix'] as boolean, python: values['python'] as string | undefined });
    console.log(kernel.next);
    return 0;
  },
};

const notebooksUsage = 'cislab notebooks test [PATHS…] [--update] [--full] [--cell-timeout SECONDS]';

export const notebooksCommand: Command = {
  name: 'notebooks',
  usage: notebooksUsage,
  summary: 'run notebooks (default notebooks/) through Jupyter + tslab in quick mode and compare outputs nbval-style',
  async run(argv) {
    const { values, positionals } = parseCommandArgs({ name: 'notebooks', usage: notebooksUsage }, argv, {
      update: { type: 'boolean', default: false }, full: { type: 'boolean', default: false }, 'cell-timeout': { type: 'string' },
    }, { positionals: true });
    const [action, ...paths] = positionals;
    if (action !== 'test') {
      console.error(`usage: ${notebooksUsage}`);
      return 2;
    }
    for (const path of paths) checkNotebookPath(path);
    return runNotebooksTest(paths.length ? paths : [join(PACKAGE_ROOT, 'notebooks')], {
      update: values['update'] as boolean,
      quick: !values['full'],
      cellTimeout: numberOption(values['cell-timeout'] as string, 'cell-timeout', 600, { min: 1 }),
    });
  },
};

/** A notebook argument is a folder of notebooks or an `.ipynb` file holding notebook JSON; anything else is an InputError. */
function checkNotebookPath(path: string): void {
  if (!existsSync(path)) throw new InputError('no such notebook or folder', { file: path });
  if (statSync(path).isDirectory()) return;
  if (!path.endsWith('.ipynb')) throw new InputError('not a notebook (expected a .ipynb file or a folder of them)', { file: path });
  let notebook: { cells?: unknown; nbformat?: unknown };
  try {
    notebook = JSON.parse(readFileSync(path, 'utf8')) as typeof notebook;
  } catch {
    throw new InputError('not a notebook: the file is not JSON', { file: path });
  }
  if (!Array.isArray(notebook.cells) || typeof notebook.nbformat !== 'number') throw new InputError('not a notebook: no cells or nbformat', { file: path });
}
