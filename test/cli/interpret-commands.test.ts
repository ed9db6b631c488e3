/**
 * The interpretation commands end to end on a saved (untrained) model: each writes its TSV, refuses to
 * replace a file that exists, and the attribution file alone shows completeness.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import { initBackend } from '../../src/kernels/tensor/backend';
import { buildModel } from '../../src/kernels/camformer/model';
import { saveModel } from '../../src/kernels/camformer/persistence';
import { simulatePromoters } from '../../src/simulate/promoters';
import { HAS_DREAM, tempDir } from '../helpers/paths';
import { captureConsole } from '../helpers/console';

const read = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => l.split('\t'));

describe('cislab attribute, seqlets, marginalize, space, variants, design', () => {
  const dir = tempDir('cislab-interpret-cli-');
  const data = join(dir, 'promoters.txt');
  const model = join(dir, 'model');
  const { table } = simulatePromoters({ n: 12, seed: 3 });
  const sequences = table.array('sequence') as string[];
  writeFileSync(data, (table.objects() as { sequence: string; expression: number }[]).map((r) => `${r.sequence}\t${r.expression}`).join('\n'));
  const { out, err } = captureConsole();

  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    saveModel(buildModel({ name: 'cli', encoding: 'onehotWithP', inputLength: 110, convs: [
      { channels: 8, kernel: 6, padding: 'same', dropout: 0, pool: { kernel: 7, stride: 2 } },
      { channels: 8, kernel: 3, padding: 'same', dropout: 0 },
    ], dense: [8] }, { seed: 2 }), model);
  });

  it('attribute: complete from the file alone, hypothetical rows for saliency, and no overwriting', async () => {
    const file = join(dir, 'dls.tsv');
    expect(await runCli(['attribute', '--model', model, '--data', data, '--method', 'deeplift-shap', '--references', '4', '--limit', '3', '--out', file])).toBe(0);
    const rows = read(file);
    expect(rows[0]).toEqual(['id', 'position', 'base', 'attribution', 'prediction', 'baseline_prediction']);
    expect(rows.length).toBe(1 + 3 * 80);
    const sums = new Map<string, { total: number; gap: number }>();
    for (const [id, , , a, p, b] of rows.slice(1)) {
      const e = sums.get(id!) ?? { total: 0, gap: Number(p) - Number(b) };
      e.total += Number(a);
      sums.set(id!, e);
    }
    for (const { total, gap } of sums.values()) expect(Math.abs(total - gap)).toBeLessThan(0.01 * Math.abs(gap));
    expect(out.join('\n')).toMatch(/wrote 240 rows \(3 sequences, deeplift-shap\)/);

    const before = readFileSync(file, 'utf8');
    expect(await runCli(['attribute', '--model', model, '--data', data, '--limit', '1', '--out', file])).toBe(2);
    expect(err.join('\n')).toMatch(/exists; cislab does not overwrite/);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);

    const saliency = join(dir, 'sal.tsv');
    expect(await runCli(['attribute', '--model', model, '--data', data, '--method', 'saliency', '--limit', '2', '--region', '30-39', '--out', saliency])).toBe(0);
    expect(read(saliency).length).toBe(1 + 2 * 10 * 4);
    expect(await runCli(['attribute', '--model', model, '--data', data, '--method', 'grad-cam', '--out', join(dir, 'x.tsv')])).toBe(2);
    expect(existsSync(join(dir, 'x.tsv'))).toBe(false);

    const seqlets = join(dir, 'seqlets.tsv');
    expect(await runCli(['seqlets', '--attributions', file, '--sign', 'both', '--threshold', '0.2', '--out', seqlets, '--patterns', join(dir, 'patterns.tsv')])).toBe(0);
    expect(read(seqlets)[0]).toEqual(['id', 'start', 'end', 'attribution', 'p_value']);
  });

  it('marginalize and space', async () => {
    const m = join(dir, 'marg.tsv');
    expect(await runCli(['marginalize', '--model', model, '--data', data, '--motif', 'TTACCCGG,TAGCCGCCGA', '--out', m])).toBe(0);
    expect(read(m).length).toBe(1 + 2 * 12);
    expect(out.join('\n')).toMatch(/TTACCCGG: mean effect/);
    const s = join(dir, 'space.tsv');
    expect(await runCli(['space', '--model', model, '--data', data, '--a', 'TTACCCGG', '--b', 'TAGCCGCCGA', '--shuffles', '2', '--spacings=-4,0,5', '--orientations', '++,-+', '--limit', '3', '--out', s, '--rows', join(dir, 'space-rows.tsv')])).toBe(0);
    const summary = read(s);
    expect(summary[0]).toEqual(['spacing', 'orientation', 'background', 'a', 'b', 'both', 'interaction', 'se', 'n']);
    expect(summary.length).toBe(1 + 3 * 2);
    expect(summary.slice(1).every((r) => r[8] === '6')).toBe(true);
  });

  it('ablate and pairwise', async () => {
    const a = join(dir, 'ablate.tsv');
    expect(await runCli(['ablate', '--model', model, '--data', data, '--region', '40-49', '--shuffles', '3', '--limit', '4', '--out', a])).toBe(0);
    const rows = read(a);
    expect(rows[0]).toEqual(['id', 'shuffle', 'before', 'after', 'effect']);
    expect(rows.length).toBe(1 + 4 * 3);
    for (const [, , before, after, effect] of rows.slice(1)) expect(Number(effect)).toBeCloseTo(Number(after) - Number(before), 5);
    // Replacing a region with itself changes nothing.
    const same = join(dir, 'ablate-same.tsv');
    expect(await runCli(['ablate', '--model', model, '--data', data, '--region', '40-45', '--method', 'replace', '--replacement', sequences[0]!.slice(39, 45), '--limit', '1', '--out', same])).toBe(0);
    expect(Number(read(same)[1]![4])).toBeCloseTo(0, 6);
    expect(await runCli(['ablate', '--model', model, '--data', data, '--out', join(dir, 'x.tsv')])).toBe(2);

    const p = join(dir, 'pairwise.tsv');
    expect(await runCli(['pairwise', '--model', model, '--data', data, '--region', '40-44', '--limit', '1', '--out', p])).toBe(0);
    const map = read(p);
    expect(map[0]).toEqual(['id', 'source', 'target', 'epistasis', 'magnitude']);
    expect(map.length).toBe(1 + 5 * 4);   // ordered pairs of 5 positions
    expect(out.join('\n')).toMatch(/strongest pair \d+–\d+/);
  });

  it('variants and design', async () => {
    const v = join(dir, 'variants.tsv');
    writeFileSync(v, `id\tposition\tref\talt\n1\t40\t${sequences[0]![39]}\t${sequences[0]![39] === 'A' ? 'C' : 'A'}\n2\t50\t${sequences[1]![49]}\t${sequences[1]![49]}GT\n`);
    const effects = join(dir, 'effects.tsv');
    expect(await runCli(['variants', '--model', model, '--variants', v, '--data', data, '--out', effects])).toBe(0);
    const rows = read(effects);
    expect(rows[0]).toEqual(['variant', 'id', 'position', 'ref', 'alt', 'kind', 'ref_prediction', 'alt_prediction', 'effect']);
    expect(rows.map((r) => r[5])).toEqual(['kind', 'SNV', 'insertion']);

    const greedy = join(dir, 'greedy.tsv');
    expect(await runCli(['design', '--model', model, '--method', 'greedy', '--data', data, '--iterations', '2', '--target', '1', '--out', greedy])).toBe(0);
    expect(read(greedy)[0]).toEqual(['id', 'step', 'edit', 'prediction', 'loss', 'sequence']);
    const evolve = join(dir, 'evolve.tsv');
    expect(await runCli(['design', '--model', model, '--method', 'evolve', '--population', '20', '--generations', '2', '--out', evolve, '--designs', join(dir, 'designs.tsv')])).toBe(0);
    expect(read(evolve).length).toBe(1 + 3);
    // Up to 10 distinct designs (tournament selection leaves duplicates in a population of 20).
    const designs = read(join(dir, 'designs.tsv'));
    expect(designs[0]).toEqual(['rank', 'prediction', 'loss', 'sequence']);
    expect(designs.length).toBeGreaterThan(1);
    expect(designs.length).toBeLessThanOrEqual(11);
    expect(new Set(designs.slice(1).map((r) => r[3])).size).toBe(designs.length - 1);
  });

  it.skipIf(!HAS_DREAM)('variants --dream-snv reports r and ρ on the SNV pairs', async () => {
    const file = join(dir, 'snv.tsv');
    expect(await runCli(['variants', '--model', model, '--dream-snv', '--split', 'public', '--limit', '40', '--out', file])).toBe(0);
    expect(out.join('\n')).toMatch(/DREAM2022 SNV pairs \(public\): n 40, Pearson r -?\d\.\d{4}, Spearman ρ -?\d\.\d{4}/);
    expect(read(file).length).toBe(41);
  });
});
