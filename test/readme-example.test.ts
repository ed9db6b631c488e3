// The README's example, as a user runs it: its ```ts block in a notebook in a fresh folder outside the checkout,
// through Jupyter and the real cislab kernel. Only the sizes change (listed below, each must match the README
// exactly once, so a README edit that drops one fails here): fewer training rows and epochs, a slice of the test
// set, fewer ISM sequences. Needs the build (`npm run build`), Jupyter and the DREAM2022 data.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasJupyterClient, runNotebook } from '../src/notebook';
import { HAS_DREAM, REPO_ROOT } from './helpers/paths';
import { removeTinyNotebooks, tinyNotebook } from './notebook/tiny-notebook';

afterAll(removeTinyNotebooks);

/** The README's first TypeScript block, exactly as written. */
export function readmeExample(readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')): string {
  const match = /```ts\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('README.md has no ```ts block');
  return match[1]!;
}

/** Quick data: [what the README says, what the test runs]. */
const QUICK: Array<[string, string]> = [
  ["promoters.dream2022('demo_train')", "promoters.dream2022('demo_train').head(400)"],
  ['epochs: 20', 'epochs: 1'],
  ["promoters.dream2022('test')", "promoters.dream2022('test').head(3000)"],
  ['test.head(1000)', 'test.head(12)'],
];

function quick(code: string): string {
  return QUICK.reduce((text, [from, to]) => {
    const count = text.split(from).length - 1;
    if (count !== 1) throw new Error(`README example: expected '${from}' once, found it ${count} times`);
    return text.replace(from, to);
  }, code);
}

describe.skipIf(process.env.CISLAB_SKIP_NOTEBOOKS === '1' || !HAS_DREAM || !hasJupyterClient())('the README example', () => {
  it('runs in a notebook outside the checkout, scores what the filter leaves and says what it emptied', async () => {
    const example = readmeExample();
    expect(example).toContain("from 'cislab'");
    const path = tinyNotebook([
      quick(example),
      // What a user then looks at: the scores (finite, over the subsets that remain) and which subsets were not scored.
      'console.log(JSON.stringify({ pearson: evaluation.scores?.pearson, spearman: evaluation.scores?.spearman, unscored: evaluation.unscored?.map((u) => u.subset) }))',
    ], 'readme.ipynb');
    const r = await runNotebook(path, { update: true });
    expect(r.error, JSON.stringify(r.error)).toBeUndefined();
    const cells = JSON.parse(readFileSync(path, 'utf8')).cells;
    const text = (cell: { outputs: Array<{ name?: string; text?: string[] }> }, stream: string) =>
      cell.outputs.filter((o) => o.name === stream).map((o) => (o.text ?? []).join('')).join('');
    const scores = JSON.parse(text(cells[1], 'stdout').trim().split('\n').pop()!);
    expect(Number.isFinite(scores.pearson)).toBe(true);
    expect(Number.isFinite(scores.spearman)).toBe(true);
    // The first 3,000 test sequences hold too few pairs of some kinds: they are named, never a silent NaN.
    expect(scores.unscored.length).toBeGreaterThan(0);
    expect(text(cells[0], 'stderr')).toContain('not scored:');
    // Progress by default: one display per long call, updated in place and left at 100 %.
    type Output = { metadata?: { cislab?: { kind?: string } }; data?: Record<string, string | string[]> };
    const progress = (cells[0].outputs as Output[]).filter((o) => o.metadata?.cislab?.kind === 'progress')
      .map((o) => [o.data?.['text/plain'] ?? ''].flat().join(''));
    for (const label of [/^training camformer-mini /, /^predicting [\d,]+ sequences /, /^ISM 12 sequences /]) {
      const shown = progress.find((t) => label.test(t));
      expect(shown, `${label} in ${JSON.stringify(progress)}`).toBeDefined();
      expect(shown).toContain('100%');
    }
  });
});
