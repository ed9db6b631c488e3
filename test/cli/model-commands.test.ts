import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import { simulatePromoters } from '../../src/simulate/promoters';
import { tempDir } from '../helpers/paths';
import { captureConsole } from '../helpers/console';

const config = {
  name: 'cli-tiny', encoding: 'onehotWithP', inputLength: 110,
  convs: [{ channels: 8, kernel: 6, padding: 'same', dropout: 0, pool: { kernel: 110, stride: 110 } }], dense: [8],
};

describe('cislab train → predict → ism → scan', () => {
  const dir = tempDir('cislab-cli-');
  const data = join(dir, 'train.txt');
  const { table } = simulatePromoters({ n: 300, seed: 3 });
  writeFileSync(data, (table.objects() as { sequence: string; expression: number }[]).map((r) => `${r.sequence}\t${r.expression}`).join('\n'));
  writeFileSync(join(dir, 'tiny.json'), JSON.stringify(config));
  const { out, err } = captureConsole();

  it('trains, saves, resumes, predicts, mutates and scans', async () => {
    const model = join(dir, 'model');
    expect(await runCli(['train', '--model', join(dir, 'tiny.json'), '--data', data, '--out', model, '--epochs', '2', '--batch-size', '32'])).toBe(0);
    expect(existsSync(join(model, 'config.json'))).toBe(true);
    expect(existsSync(join(`${model}.checkpoint`, 'checkpoint.bin'))).toBe(true);
    // Its own earlier model is replaced only when asked; resuming a finished run trains no further epochs and saves the same model again.
    expect(await runCli(['train', '--model', join(dir, 'tiny.json'), '--data', data, '--out', model, '--epochs', '2', '--batch-size', '32', '--resume'])).toBe(2);
    expect(err.pop()).toMatch(/OutputError: .*model, option 'out': exists \(an earlier cislab output\); pass --force/);
    expect(await runCli(['train', '--model', join(dir, 'tiny.json'), '--data', data, '--out', model, '--epochs', '2', '--batch-size', '32', '--resume', '--force'])).toBe(0);
    expect(out.join('\n')).toMatch(/saved cli-tiny .*\(2 epochs/);

    const predictions = join(dir, 'pred.tsv');
    expect(await runCli(['predict', '--model', model, '--data', data, '--out', predictions])).toBe(0);
    const lines = readFileSync(predictions, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id\tprediction');
    expect(lines.length).toBe(301);
    expect(lines.slice(1).every((l) => Number.isFinite(Number(l.split('\t')[1])))).toBe(true);
    // Both inference engines give the same numbers (ONNX Runtime where installed; tfjs always).
    const viaTfjs = join(dir, 'pred-tfjs.tsv');
    expect(await runCli(['predict', '--model', model, '--data', data, '--out', viaTfjs, '--engine', 'tfjs'])).toBe(0);
    readFileSync(viaTfjs, 'utf8').trim().split('\n').slice(1).forEach((l, i) => {
      expect(Number(l.split('\t')[1])).toBeCloseTo(Number(lines[i + 1]!.split('\t')[1]), 4);
    });

    const ism = join(dir, 'ism.tsv');
    expect(await runCli(['ism', '--model', model, '--data', data, '--limit', '2', '--region', '20-29', '--out', ism])).toBe(0);
    const rows = readFileSync(ism, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('id\tposition\tref\talt\tprediction\treference\teffect');
    expect(rows.length).toBe(1 + 2 * 10 * 3);

    const scan = join(dir, 'hits.tsv');
    const motifs = join(dir, 'm.meme');
    writeFileSync(motifs, ['MEME version 4', '', 'ALPHABET= ACGT', '', 'strands: + -', '',
      'Background letter frequencies', 'A 0.25 C 0.25 G 0.25 T 0.25', '',
      'MOTIF REB1like REB1', 'letter-probability matrix: alength= 4 w= 8 nsites= 20 E= 0',
      ...'TTACCCGG'.split('').map((b) => 'ACGT'.split('').map((x) => (x === b ? '0.97' : '0.01')).join(' ')), ''].join('\n'));
    expect(await runCli(['scan', '--motifs', motifs, '--data', data, '--region', '18-97', '--out', scan])).toBe(0);
    const hits = readFileSync(scan, 'utf8').trim().split('\n');
    expect(hits[0]).toBe('motif_id\tmotif_alt_id\tsequence_name\tstart\tstop\tstrand\tscore\tp-value\tq-value\tmatched_sequence');
    const planted = (table.objects() as { REB1: number }[]).filter((r) => r.REB1).length;
    const forwardExact = hits.slice(1).filter((h) => h.endsWith('\tTTACCCGG') && h.split('\t')[5] === '+');
    expect(new Set(forwardExact.map((h) => h.split('\t')[2])).size).toBe(planted);
  });

  it('names missing options and unknown commands', async () => {
    expect(await runCli(['train', '--data', data])).toBe(2);
    expect(err.pop()).toMatch(/--model is required/);
    expect(await runCli(['predict', '--model', join(dir, 'nope'), '--data', data, '--out', join(dir, 'x.tsv')])).toBe(2);
    expect(err.pop()).toMatch(/no saved model at/);
    expect(await runCli(['ism', '--model', 'm', '--data', data, '--out', 'x', '--region', '30-20'])).toBe(2);
    expect(await runCli(['predict', '--model', 'm', '--data', data, '--out', 'x', '--engine', 'gpu'])).toBe(2);
    expect(err.pop()).toMatch(/option 'engine': unknown engine 'gpu'; expected auto, onnx, tfjs/);
    expect(await runCli(['frobnicate'])).toBe(2);
    expect(err.pop()).toMatch(/unknown command 'frobnicate'/);
  });
});
