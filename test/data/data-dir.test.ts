// Paths as cislab shows them: a file in the data folder relative to it (so stored notebook outputs name no
// machine's folders), any other path as given; and the summary of a file pipeline uses that form.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { displayPath } from '../../src/data/data-dir';
import { promoters } from '../../src/dsl/promoters';
import { tempDir } from '../helpers/paths';

const saved = process.env.CISLAB_DATA;
afterEach(() => {
  if (saved === undefined) delete process.env.CISLAB_DATA;
  else process.env.CISLAB_DATA = saved;
});

describe('displayPath', () => {
  it('names a data-folder file relative to the folder, anything else as given', async () => {
    const root = tempDir('cislab-data-root-');
    mkdirSync(join(root, 'dream2022'));
    const file = join(root, 'dream2022', 'mine.txt');
    writeFileSync(file, 'ACGTACGTAC\t1.5\nTTTTACGTAC\t0.5\n');
    process.env.CISLAB_DATA = root;
    expect(displayPath(file)).toBe('dream2022/mine.txt (data folder)');
    expect(displayPath(`${root}-other/x.txt`)).toBe(`${root}-other/x.txt`);
    expect(displayPath('relative/x.txt')).toBe('relative/x.txt');
    const log = (await promoters(file).summary()).objects() as { step: string; detail: string }[];
    expect(log[0]).toMatchObject({ step: 'read', detail: 'dream2022/mine.txt (data folder)' });
  });
});
