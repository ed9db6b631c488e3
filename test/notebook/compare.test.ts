import { describe, expect, it } from 'vitest';
import { compareNotebooks, sanitize } from '../../src/notebook';
import { histogram } from '../../src/viz';

describe('sanitize', () => {
  it('masks timings, temp paths, dates and hex ids; rounds floats to the stated precision', () => {
    expect(sanitize('done in 3.21 s at 2026-11-21T07:10:04Z, r = 0.91437 /tmp/abc/x.txt id 3fa9c0d2e1b4a7f0', 3))
      .toBe('done in <time> at <date>, r = 0.914 <tmp> id <hex>');
    expect(sanitize('r = 0.91449', 3)).toBe(sanitize('r = 0.91351', 3).replace('0.914', '0.914'));
    expect(sanitize('n = 100000 rows')).toBe('n = 100000 rows');
  });
});

const cell = (outputs: unknown[], tags: string[] = []) => ({ cell_type: 'code', source: 'x', metadata: { tags }, outputs } as any);
const text = (s: string) => ({ output_type: 'stream', name: 'stdout', text: s });
const chart = (spec: unknown) => ({ output_type: 'display_data', data: { 'application/vnd.vegalite.v5+json': spec, 'image/png': 'AAAA' }, metadata: {} });

describe('compareNotebooks', () => {
  it('passes equal outputs that differ only in timing and float noise', async () => {
    const a = { cells: [cell([text('r = 0.91412 (2.1 s)\n')])] };
    const b = { cells: [cell([text('r = 0.91398 (3.4 s)\n')])] };
    expect(await compareNotebooks(a, b)).toEqual([]);
  });

  it('reports a changed text output with the cell and line', async () => {
    const a = { cells: [cell([]), cell([text('n = 10\nmean = 1.5\n')])] };
    const b = { cells: [cell([]), cell([text('n = 10\nmean = 2.5\n')])] };
    const m = await compareNotebooks(a, b);
    expect(m).toHaveLength(1);
    expect(m[0].cell).toBe(1);
    expect(m[0].message).toMatch(/line 2: expected "mean = 1.5", got "mean = 2.5"/);
  });

  it('compares charts by compiled data and encoding, not by image', async () => {
    const rows = [{ x: 1 }, { x: 2 }, { x: 2 }];
    const same = await compareNotebooks({ cells: [cell([chart(histogram(rows, { x: 'x' }))])] }, { cells: [cell([{ ...chart(histogram(rows, { x: 'x' })), data: { 'application/vnd.vegalite.v5+json': histogram(rows, { x: 'x' }), 'image/png': 'BBBB' } }])] });
    expect(same).toEqual([]);
    const changed = await compareNotebooks({ cells: [cell([chart(histogram(rows, { x: 'x' }))])] }, { cells: [cell([chart(histogram([...rows, { x: 5 }], { x: 'x' }))])] });
    expect(changed[0].message).toMatch(/chart data\/encoding/);
  });

  it('honours ignore-output and loose tags', async () => {
    const a = { cells: [cell([text('a\n')], ['cislab-ignore-output']), cell([text('b\n')], ['cislab-loose'])] };
    const b = { cells: [cell([text('zzz\n')]), cell([text('c\n')])] };
    expect(await compareNotebooks(a, b)).toEqual([]);
  });

  it('ignores progress displays on either side, and stdout around one still compares as one stream', async () => {
    const bar = (shown: string) => ({ output_type: 'display_data', data: { 'text/plain': shown, 'text/html': `<div>${shown}</div>` }, metadata: { cislab: { kind: 'progress' } }, transient: { display_id: 'ab12' } });
    const stored = { cells: [cell([text('training\n'), text('val r = 0.61\n')]), cell([bar('ISM ██ 100% (10/10, 2.1 s)'), text('done\n')])] };
    const fresh = { cells: [cell([text('training\n'), bar('training tiny ██░ 40% (4/10, 13.0 s, 19.5 s left) epoch 2/5'), text('val r = 0.61\n')]), cell([text('done\n')])] };
    expect(await compareNotebooks(stored, fresh)).toEqual([]);
    expect(await compareNotebooks(fresh, stored)).toEqual([]);
    // Only progress displays are skipped: the same display without the mark is an output that must match.
    const unmarked = { cells: [cell([text('training\n'), { ...bar('40%'), metadata: {} }, text('val r = 0.61\n')]), cell([text('done\n')])] };
    expect((await compareNotebooks(stored, unmarked))[0]).toMatchObject({ cell: 0 });
  });

  it('ignores stderr and progress displays', async () => {
    const a = { cells: [cell([text('x\n')])] };
    const b = { cells: [cell([{ output_type: 'stream', name: 'stderr', text: 'warning\n' }, text('x\n'), { output_type: 'display_data', data: { 'text/plain': '50%' }, metadata: { cislab: { kind: 'progress' } } }])] };
    expect(await compareNotebooks(a, b)).toEqual([]);
  });
});

describe('sanitize: the data folder', () => {
  it('masks the reference data folder however it was reached', () => {
    expect(sanitize('read ../../shared/data/dream2022/demo_train.txt')).toBe('read <data>/dream2022/demo_train.txt');
    expect(sanitize('read /work/shared/data/dream2022/demo_train.txt')).toBe('read <data>/dream2022/demo_train.txt');
    const saved = process.env['CISLAB_DATA'];
    process.env['CISLAB_DATA'] = '/mnt/my data/';
    try {
      expect(sanitize('read /mnt/my data/jaspar/x.meme')).toBe('read <data>/jaspar/x.meme');
    } finally {
      if (saved === undefined) delete process.env['CISLAB_DATA'];
      else process.env['CISLAB_DATA'] = saved;
    }
  });
});
