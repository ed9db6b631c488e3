// Every notebooks/*.ipynb runs through Jupyter (nbclient) + the tslab kernel in quick mode (CISLAB_QUICK=1)
// and must raise no error and reproduce its stored outputs. Update outputs: `cislab notebooks test --update`.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findNotebooks, formatNotebookResult, hasJupyterClient, runNotebook } from '../src/notebook';

const notebooks = findNotebooks([join(__dirname, '..', 'notebooks')]);

describe.skipIf(!hasJupyterClient())('notebooks', () => {
  it.each(notebooks.map((p) => [p.split('/').pop()!, p]))('%s runs and matches its outputs', async (_name, path) => {
    const result = await runNotebook(path);
    expect(result.ok, formatNotebookResult(result)).toBe(true);
  }, 600_000);
});
