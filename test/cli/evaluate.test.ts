import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDream2022 } from '../../src/data/dream2022/read';
import { runCli } from '../../src/cli/main';
import { readPredictions } from '../../src/cli/evaluate';
import { InputError } from '../../src/errors';
import { evaluateDream } from '../../src/data/dream2022/evaluate';
import { tempDir } from '../helpers/paths';
import { captureConsole } from '../helpers/console';

const test = readDream2022('test');
const idx = test.array('idx') as Int32Array;
const measured = test.array('expression') as number[];
// Deterministic "predictions": measured plus a smooth, index-dependent distortion.
const predicted = Float64Array.from(measured, (m, i) => m + 0.4 * Math.sin(i * 12.9898));

function writePredictions(rows: string[]): string {
  const file = join(tempDir(), 'pred.tsv');
  writeFileSync(file, rows.join('\n') + '\n');
  return file;
}

describe('cislab evaluate', () => {
  const { out, err } = captureConsole();

  it('prints JSON with both scores and every subset, equal to the library function', async () => {
    const file = writePredictions(['idx\tprediction', ...Array.from(idx, (i, row) => `${i}\t${predicted[row]}`)]);
    expect(await runCli(['evaluate', '--predictions', file, '--json'])).toBe(0);
    const json = JSON.parse(out.join('\n'));
    const direct = evaluateDream(idx, predicted, { test });
    expect(json.pearson_score).toBeCloseTo(direct.pearsonScore, 12);
    expect(json.spearman_score).toBeCloseTo(direct.spearmanScore, 12);
    expect(Object.keys(json)).toEqual(['split', 'pearson_score', 'spearman_score', 'all', 'high', 'low', 'yeast', 'random',
      'challenging', 'SNVs', 'motif_perturbation', 'motif_tiling']);
    expect(json.all.n).toBe(53147);
    expect(json.SNVs).toMatchObject({ n: expect.any(Number), r: expect.any(Number), r2: expect.any(Number), rho: expect.any(Number) });
  });

  it('scores the public split from a CSV with a named column', async () => {
    const file = join(tempDir(), 'pred.csv');
    writeFileSync(file, ['idx,other,model_b', ...Array.from(idx, (i, row) => `${i},0,${predicted[row]}`)].join('\n'));
    expect(await runCli(['evaluate', '--predictions', file, '--column', 'model_b', '--split', 'public'])).toBe(0);
    expect(out.join('\n')).toMatch(/DREAM2022 evaluation \(public split\)[\s\S]*all\s+9045/);
  });

  it('refuses predictions that miss sequences of the scored split, naming how many', async () => {
    const file = writePredictions(['idx\tprediction', '0\t1.0', '1\t2.0']);
    expect(await runCli(['evaluate', '--predictions', file])).toBe(1);
    expect(err.join('\n')).toMatch(/pred\.tsv, field 'idx': 53145 sequences of the private split have no prediction/);
  });

  it('names a bad value, a missing column and a missing option', async () => {
    expect(await runCli(['evaluate', '--predictions', writePredictions(['idx\tprediction', '0\tabc'])])).toBe(1);
    expect(err.pop()).toMatch(/pred\.tsv:2, field 'prediction': expected a number, found 'abc'/);
    expect(await runCli(['evaluate', '--predictions', writePredictions(['index\tprediction', '0\t1'])])).toBe(1);
    expect(err.pop()).toMatch(/missing column 'idx'/);
    expect(await runCli(['evaluate'])).toBe(2);
    expect(err.pop()).toMatch(/--predictions is required/);
    expect(await runCli(['evaluate', '--predictions', 'x', '--split', 'secret'])).toBe(2);
  });

  it('refuses a repeated idx, an empty file and a header-only file (typed errors with the line)', () => {
    const twice = writePredictions(['idx\tprediction', '0\t1', '1\t2', '0\t3']);
    const error = (() => { try { readPredictions(twice); } catch (e) { return e as InputError; } })()!;
    expect([error.constructor, error.file, error.line, error.field]).toEqual([InputError, twice, 4, 'idx']);
    const empty = join(tempDir(), 'empty.tsv');
    writeFileSync(empty, '');
    expect(() => readPredictions(empty)).toThrow(InputError);
    const header = writePredictions(['idx\tprediction']);
    const headerOnly = (() => { try { readPredictions(header); } catch (e) { return e as InputError; } })()!;
    expect([headerOnly.constructor, headerOnly.line]).toEqual([InputError, 2]);
  });
});
