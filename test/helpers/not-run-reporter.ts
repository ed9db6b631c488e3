/**
 * A vitest reporter that ends every run with what did NOT run and why, so that a cross-check against numpy,
 * scipy or PyTorch (or a test on the DREAM data) that could not run on this machine is reported, never silently
 * passed over. It probes the prerequisites the suite's `skipIf`s test (the reference Python's modules, the data
 * folder, ONNX Runtime, Jupyter) and lists every skipped test by file; it changes no result.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { hasData } from '../../src/data/data-dir';

const PYTHON = process.env['CISLAB_PYTHON'] ?? '/usr/bin/python3';

/** A prerequisite: what it gates, how to check it, and how to get it. */
interface Prerequisite { what: string; gates: string; present: () => boolean; get: string }

const python = (module: string) => () => existsSync(PYTHON) && spawnSync(PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0;

const PREREQUISITES: Prerequisite[] = [
  { what: `numpy in ${PYTHON}`, gates: 'cross-checks against numpy (correlations, DREAM score)', present: python('numpy'), get: 'sudo apt-get install python3-numpy' },
  { what: `scipy in ${PYTHON}`, gates: 'cross-checks of the hypothesis tests against scipy', present: python('scipy'), get: 'sudo apt-get install python3-scipy' },
  { what: `torch in ${PYTHON}`, gates: 'PyTorch checkpoint import checked against PyTorch', present: python('torch'), get: 'sudo apt-get install python3-torch' },
  { what: `pandas and scikit-learn in ${PYTHON}`, gates: "the stratified split checked against pandas' qcut and sklearn", present: python('pandas, sklearn'), get: 'sudo apt-get install python3-pandas python3-sklearn' },
  { what: `pyBigWig in ${PYTHON}`, gates: 'bigWig reading checked on files written by pyBigWig', present: python('pyBigWig'), get: 'sudo apt-get install python3-pybigwig' },
  { what: `nbclient in ${PYTHON}`, gates: 'notebooks and the kernel tests (Jupyter)', present: python('nbclient, jupyter_client, ipykernel'), get: 'sudo apt-get install jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel' },
  { what: 'the DREAM2022 data (../shared/data or CISLAB_DATA)', gates: 'tests on the real DREAM2022 test set', present: () => hasData('dream2022'), get: 'set CISLAB_DATA to the folder holding dream2022/' },
];

export default class NotRunReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const skipped: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests('skipped')) {
        const result = test.result();
        const note = result.state === 'skipped' ? result.note : undefined;
        skipped.push(`  ${relative(process.cwd(), module.moduleId)} > ${test.fullName}${note ? ` (${note})` : ''}`);
      }
    }
    const missing = PREREQUISITES.filter((p) => !p.present());
    if (!skipped.length && !missing.length) return;
    const out: string[] = ['', 'NOT RUN on this machine:'];
    for (const p of missing) out.push(`  missing ${p.what}: ${p.gates} did not run (${p.get})`);
    if (skipped.length) {
      out.push(`  ${skipped.length} skipped test${skipped.length === 1 ? '' : 's'}:`);
      out.push(...skipped.slice(0, 60));
      if (skipped.length > 60) out.push(`  … and ${skipped.length - 60} more`);
    }
    process.stdout.write(out.join('\n') + '\n');
  }
}
