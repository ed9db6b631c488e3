// Through a real Jupyter client (nbclient) and the cislab tslab kernel: display bundles arrive intact, and the
// runner catches a broken notebook and a changed output. Needs `npm run build` (the kernel runs dist/).
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runNotebook } from '../../src/notebook';
import { removeTinyNotebooks, tinyNotebook } from './tiny-notebook';

afterAll(removeTinyNotebooks);

const outputsOf = (path: string) => JSON.parse(readFileSync(path, 'utf8')).cells.map((c: any) => c.outputs);

describe.skipIf(process.env.CISLAB_SKIP_NOTEBOOKS === '1')('in a real tslab kernel', () => {
  it('round-trips display bundles: table as HTML, spec as Vega-Lite + PNG, cell values auto-displayed', async () => {
    const path = tinyNotebook([
      "import { histogram, show } from 'cislab';\nimport * as aq from 'arquero';\nconst t = aq.table({ x: [1, 2, 2, 3.5], g: ['a', 'b', 'a', 'b'] });\nt",
      "histogram(t, { x: 'x', bins: 3 })",
      "show(histogram(t, { x: 'x', bins: 2 }));\nconsole.log('quick =', process.env.CISLAB_QUICK)",
    ]);
    const r = await runNotebook(path, { update: true });
    expect(r.error).toBeUndefined();
    const [table, chart, shown] = outputsOf(path);
    expect(table).toHaveLength(1);
    expect(table[0].output_type).toBe('display_data');
    expect(table[0].data['text/html'].join('')).toContain('4 rows × 2 columns');
    expect(chart).toHaveLength(1);
    expect(Object.keys(chart[0].data).sort()).toEqual(['application/vnd.vegalite.v5+json', 'image/png', 'text/plain']);
    expect(chart[0].data['application/vnd.vegalite.v5+json'].mark.type).toBe('bar');
    expect(Buffer.from(chart[0].data['image/png'], 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(shown[0].data['application/vnd.vegalite.v5+json'].data.values).toHaveLength(2);
    expect(shown[1].text.join('')).toBe('quick = 1\n');
  });

  it('fails a broken notebook naming the cell and the message', async () => {
    const path = tinyNotebook(['const a = 1;', "throw new Error('the sky fell');", 'a + 1']);
    const r = await runNotebook(path);
    expect(r.ok).toBe(false);
    expect(r.error?.cell).toBe(1);
    expect(r.error?.source).toContain('the sky fell');
    expect(r.error?.message).toContain('Error: the sky fell');
  });

  it('fails a notebook whose type check fails', async () => {
    const r = await runNotebook(tinyNotebook(["const n: number = 'text';"]));
    expect(r.ok).toBe(false);
    expect(r.error?.message).toMatch(/not assignable to type 'number'/);
  });

  it('catches a changed output, passes after --update', async () => {
    const stored = [{ output_type: 'stream', name: 'stdout', text: ['mean = 2.5\n'] }];
    const path = tinyNotebook([{ source: "console.log('mean =', [1, 2, 3].reduce((a, b) => a + b) / 3)", outputs: stored }]);
    const r = await runNotebook(path);
    expect(r.ok).toBe(false);
    expect(r.mismatches[0]).toMatchObject({ cell: 0 });
    expect(r.mismatches[0].message).toContain('expected "mean = 2.5", got "mean = 2"');
    expect((await runNotebook(path, { update: true })).updated).toBe(true);
    expect((await runNotebook(path)).ok).toBe(true);
  });
});
