import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import { tempDir } from '../helpers/paths';
import { captureConsole } from '../helpers/console';

const tsv = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((line) => line.split('\t'));

describe('cislab deeprage and cislab seq2exp (tiny sizes)', () => {
  const { out, err } = captureConsole();

  it('deeprage --simulate writes history, scores, filter motifs and knock-out target recovery', async () => {
    const dir = join(tempDir('cislab-deeprage-'), 'run');
    expect(await runCli(['deeprage', '--simulate', '--genes', '200', '--conditions', '8', '--promoter-length', '200', '--epochs', '2', '--split', 'pair', '--out', dir])).toBe(0);
    expect(tsv(join(dir, 'history.tsv')).length).toBe(1 + 2);
    const scores = tsv(join(dir, 'scores.tsv'));
    expect(scores[0]).toEqual(['subset', 'pairs', 'pearson', 'spearman', 'mse']);
    expect(scores.slice(1).map((r) => r[0])).toEqual(['train', 'validation', 'test']);
    expect(tsv(join(dir, 'filter-motifs.tsv'))[0]).toEqual(['filter', 'motif_id', 'motif_alt_id', 'similarity']);
    const recovery = tsv(join(dir, 'target-recovery.tsv'));
    expect(recovery.length).toBe(1 + 3);
    expect(recovery.slice(1).every((r) => Number(r[4]) >= 0 && Number(r[4]) <= 1)).toBe(true);
    expect(out.join('\n')).toMatch(/test \(pair split, tensor join\): Pearson r -?\d\.\d{3}/);
    expect(out.join('\n')).toMatch(/mean AUROC \d\.\d{3} over 3 regulators/);
  });

  it('deeprage reads a real matrix, regulator list and FASTA promoters, and reports what it dropped', async () => {
    const dir = tempDir('cislab-deeprage-real-');
    let state = 11;
    const rnd = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const genes = Array.from({ length: 40 }, (_, i) => `G${i}`);
    const conditions = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
    const row = () => conditions.map(() => (rnd() * 2 - 1).toFixed(3)).join('\t');
    writeFileSync(join(dir, 'matrix.tsv'), ['gene\t' + conditions.join('\t'), ...genes.map((g) => `${g}\t${row()}`), `TF1\t${row()}`, `TF2\t${row()}`].join('\n'));
    writeFileSync(join(dir, 'regulators.txt'), 'TF1\nTF2\nABSENT\n');
    writeFileSync(join(dir, 'promoters.fa'), genes.map((g) => `>${g}\n${Array.from({ length: 120 }, () => 'ACGT'[Math.floor(rnd() * 4)]).join('')}`).join('\n'));
    const run = join(dir, 'run');
    expect(await runCli(['deeprage', '--matrix', join(dir, 'matrix.tsv'), '--regulators', join(dir, 'regulators.txt'), '--promoters', join(dir, 'promoters.fa'),
      '--task', 'classification', '--epochs', '1', '--out', run])).toBe(0);
    expect(tsv(join(run, 'dropped.tsv'))).toEqual([
      ['kind', 'name', 'reason'], ['regulator', 'ABSENT', 'not a row of the expression matrix'],
      ['gene', 'TF1', 'no promoter with that name'], ['gene', 'TF2', 'no promoter with that name'],
    ]);
    const confusion = tsv(join(run, 'confusion.tsv'));
    expect(confusion.length).toBe(1 + 9);
    const testPairs = Number(tsv(join(run, 'scores.tsv'))[3]![1]);
    expect(confusion.slice(1).reduce((a, r) => a + Number(r[2]), 0)).toBe(testPairs);
    expect(out.join('\n')).toMatch(/accuracy \d+\.\d% \(majority class \d+\.\d%/);
  });

  it('deeprage rejects a mixed data request and unknown choices by option name', async () => {
    expect(await runCli(['deeprage', '--simulate', '--matrix', 'm.tsv', '--out', 'x'])).toBe(2);
    expect(err.join('\n')).toMatch(/give either --simulate or --matrix/);
    expect(await runCli(['deeprage', '--simulate', '--join', 'sum', '--out', 'x'])).toBe(2);
    expect(err.join('\n')).toMatch(/unknown join 'sum'; expected concat, tensor, rnn/);
    expect(await runCli(['seq2exp', '--ratio', '2', '--out', 'x'])).toBe(2);
    expect(err.join('\n')).toMatch(/expected a ratio in \(0, 1\)/);
    expect(await runCli(['deeprage', '--simulate', '--recipe', 'fast', '--out', 'x'])).toBe(2);
    expect(err.join('\n')).toMatch(/unknown recipe 'fast'; expected paper/);
    expect(await runCli(['deeprage', '--simulate', '--anchor', 'tes', '--out', 'x'])).toBe(2);
    expect(err.join('\n')).toMatch(/unknown anchor 'tes'; expected tss, atg/);
    expect(await runCli(['seq2exp', '--recipe', 'paper', '--out', 'x'])).toBe(2);
    expect(err.join('\n')).toMatch(/unknown recipe 'paper'; expected airs/);
  });

  it('seq2exp --recipe airs trains with the authors\' settings and writes the same tables', async () => {
    const dir = join(tempDir('cislab-seq2exp-airs-'), 'run');
    expect(await runCli(['seq2exp', '--simulate', '60', '--length', '300', '--recipe', 'airs', '--epochs', '2', '--out', dir])).toBe(0);
    expect(tsv(join(dir, 'history.tsv')).length).toBe(1 + 2);
    expect(tsv(join(dir, 'scores.tsv')).slice(1).map((r) => r[0])).toEqual(['train', 'validation', 'test']);
  });

  it('seq2exp --simulate writes history, scores, mask vs peaks and the retrain table', async () => {
    const dir = join(tempDir('cislab-seq2exp-'), 'run');
    expect(await runCli(['seq2exp', '--simulate', '60', '--length', '300', '--mask', 'hard', '--ratio', '0.1', '--epochs', '2', '--retrain-epochs', '1', '--out', dir])).toBe(0);
    expect(tsv(join(dir, 'history.tsv')).length).toBe(1 + 2);
    expect(tsv(join(dir, 'scores.tsv'))[0]).toEqual(['subset', 'regions', 'mse', 'mae', 'pearson', 'maskRatio']);
    const regions = tsv(join(dir, 'regions.tsv'));
    expect(regions.slice(1).map((r) => r[0])).toEqual(['seq2exp mask', 'peaks (dnase)', 'peaks (h3k27ac)', 'peaks (all tracks)', 'random']);
    expect(tsv(join(dir, 'retrain.tsv')).slice(1).map((r) => r[0])).toEqual(['seq2exp mask', 'full input', 'peaks (all tracks)', 'causal (oracle)']);
    expect(out.join('\n')).toMatch(/causal bases covered at mask ratio 0\.1: learned mask \d\.\d{3}, peaks \(all tracks\) \d\.\d{3}/);
  });
});
