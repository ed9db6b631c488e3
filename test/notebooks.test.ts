// Every notebooks/*.ipynb runs through Jupyter (nbclient) + the tslab kernel in quick mode (CISLAB_QUICK=1)
// and must raise no error and reproduce its stored outputs. Update outputs: `cislab notebooks test --update`.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findNotebooks, formatNotebookResult, hasJupyterClient, runNotebook } from '../src/notebook';

const notebooks = findNotebooks([join(__dirname, '..', 'notebooks')]);
// Missing Jupyter fails loudly (a silent skip would pass `npm test` without running a notebook);
// CISLAB_SKIP_NOTEBOOKS=1 skips on purpose.
const skip = process.env.CISLAB_SKIP_NOTEBOOKS === '1';

describe.skipIf(skip)('notebooks', () => {
  it('has a Jupyter client to run them with', () => {
    expect(hasJupyterClient(), 'install: apt-get install jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel fonts-dejavu-core (or set CISLAB_SKIP_NOTEBOOKS=1)').toBe(true);
  });

  it.each(notebooks.map((p) => [p.split('/').pop()!, p]))('%s runs and matches its outputs', async (_name, path) => {
    const result = await runNotebook(path);
    expect(result.ok, formatNotebookResult(result)).toBe(true);
  });
});
