import { describe, expect, it } from 'vitest';
import * as aq from 'arquero';
import { join } from 'node:path';
import { promoters } from '../../src/dsl/promoters';
import { DATA_DIR } from '../helpers/paths';

describe('promoters pipeline', () => {
  it('is lazy: building a stage reads nothing, and a bad file fails only when awaited', async () => {
    const stage = promoters('/no/such/file.txt').filter(() => true);
    await expect(stage).rejects.toThrow(/file not found/);
  });

  it('is immutable and caches: a reused stage loads once, branches do not affect each other', async () => {
    let loads = 0;
    const base = promoters(() => {
      loads++;
      return { table: aq.table({ sequence: ['AAAA', 'CCCC', 'GGGG'], expression: [1, 2, 3] }), log: [], extras: {} };
    });
    const high = base.filter((d) => d.expression >= 2, 'expression ≥ 2');
    const low = base.filter((d) => d.expression < 2);
    expect((await high).numRows()).toBe(2);
    expect((await low).numRows()).toBe(1);
    expect((await base).numRows()).toBe(3);
    expect(loads).toBe(1);
    expect((await high.summary()).objects()).toEqual([{ step: 'expression ≥ 2', rows: 2, removed: 1, detail: 'kept 2 of 3' }]);
  });

  it('reads demo_train, preprocesses and reports what was dropped in the summary', async () => {
    const stage = promoters(join(DATA_DIR, 'dream2022', 'demo_train.txt'), { preprocess: true });
    const table = await stage;
    expect(table.numRows()).toBe(6238);
    const log = (await stage.summary()).objects() as { step: string; removed: number; detail: string }[];
    expect(log.map((r) => [r.step, r.removed])).toEqual([['read', 0], ['preprocess', 132]]);
    expect(log[1]!.detail).toMatch(/dropped 108 by length .* 24 by N/);
    expect((await stage.extra('preprocessing')).numRows()).toBe(3);
  });

  it('loads the DREAM test set with its pairs and the simulator with its ground truth', async () => {
    const test = promoters.dream2022('test').filter((d) => d.split === 'private', 'private split');
    expect((await test).numRows()).toBe(53147);
    expect((await test.extra('pairs')).numRows()).toBe(52978);
    const sim = promoters.simulate({ n: 100, seed: 2 });
    expect((await sim.extra('sites')).columnNames()).toEqual(['id', 'motif', 'start', 'end', 'strand']);
    await expect(sim.extra('pairs')).rejects.toThrow(/no extra table 'pairs'; this pipeline has: sites/);
    const encoded = await sim.head(10).encode('onehotWithP');
    expect(encoded.shape).toEqual([10, 110, 5]);
  });

  it('rejects a table without sequences', async () => {
    await expect(promoters(aq.table({ seq: ['A'] }))).rejects.toThrow(/table has no 'sequence' column/);
  });
});
