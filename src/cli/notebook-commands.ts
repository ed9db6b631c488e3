/**
 * `cislab kernel install [--prefix DIR] [--python PATH]` registers the tslab kernel (installing Debian's
 * Jupyter packages when root and missing), and `cislab notebooks test [paths] [--update] [--full]` runs
 * notebooks through a real Jupyter client and compares their outputs with the stored ones.
 */
import { installKernel } from '../notebook/install';
import { notebooksTestCommand as runNotebooksTest } from '../notebook/runner';
import { PACKAGE_ROOT } from '../io/package-root';
import { join } from 'node:path';
import { numberOption, parseCommandArgs, type Command } from './args';

const kernelUsage = 'cislab kernel install [--prefix DIR] [--python PATH] [--no-apt]';

export const kernelCommand: Command = {
  name: 'kernel',
  usage: kernelUsage,
  summary: "register the tslab kernel so that notebooks anywhere on this machine can `import … from 'cislab'`",
  async run(argv) {
    const { values, positionals } = parseCommandArgs({ name: 'kernel', usage: kernelUsage }, argv, {
      prefix: { type: 'string' }, python: { type: 'string' }, 'no-apt': { type: 'boolean', default: false },
    });
    if (positionals[0] !== 'install') {
      console.error(`usage: ${kernelUsage}`);
      return 2;
    }
    const kernel = installKernel({ prefix: values['prefix'] as string | undefined, python: values['python'] as string | undefined, apt: !values['no-apt'] });
    console.log(`kernel 'tslab' registered in ${kernel.kernelDir}`);
    console.log(`Jupyter finds it with: export JUPYTER_PATH=${kernel.jupyterPath}${values['prefix'] ? ' (not needed for ~/.local or /usr/local)' : ''}`);
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
    });
    const [action, ...paths] = positionals;
    if (action !== 'test') {
      console.error(`usage: ${notebooksUsage}`);
      return 2;
    }
    return runNotebooksTest(paths.length ? paths : [join(PACKAGE_ROOT, 'notebooks')], {
      update: values['update'] as boolean,
      quick: !values['full'],
      cellTimeout: numberOption(values['cell-timeout'] as string, 'cell-timeout', 600, { min: 1 }),
    });
  },
};
