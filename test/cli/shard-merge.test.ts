/**
 * Sharding as a cluster runs it: each shard of predict, ism (.npz and .tsv) and scan --text is a separate
 * process (`node bin/cislab.js`, so run `npm run build` first), and `cislab merge` of the parts must equal the
 * unsharded output byte for byte. Also the refusals: missing, duplicate and mismatched parts, and an --out that
 * the command did not write.
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../../src/cli/main';
import { buildModel } from '../../src/kernels/camformer/model';
import { saveModel } from '../../src/kernels/camformer/persistence';
import { simulatePromoters } from '../../src/simulate/promoters';
import { REPO_ROOT, tempDir } from '../helpers/paths';
import { captureConsole } from '../helpers/console';

const run = promisify(execFile);
const cli = (...args: string[]) => run(process.execPath, [join(REPO_ROOT, 'bin', 'cislab.js'), ...args], { cwd: REPO_ROOT });

describe('--shard K/N and cislab merge', () => {
  const dir = tempDir('cislab-shard-');
  const data = join(dir, 'promoters.txt');
  const { table } = simulatePromoters({ n: 203, seed: 5 });
  writeFileSync(data, (table.objects() as { sequence: string; expression: number }[]).map((r) => `${r.sequence}\t${r.expression}`).join('\n') + '\n');
  const model = join(dir, 'model');
  saveModel(buildModel({
    name: 'shard-tiny', encoding: 'onehotWithP', inputLength: 110,
    convs: [{ channels: 8, kernel: 6, padding: 'same', dropout: 0, pool: { kernel: 110, stride: 110 } }], dense: [8],
  }, { seed: 2 }), model);
  const motifs = join(dir, 'm.meme');
  writeFileSync(motifs, ['MEME version 4', '', 'ALPHABET= ACGT', '', 'strands: + -', '', 'Background letter frequencies', 'A 0.25 C 0.25 G 0.25 T 0.25', '',
    'MOTIF REB1like REB1', 'letter-probability matrix: alength= 4 w= 8 nsites= 20 E= 0',
    ...'TTACCCGG'.split('').map((b) => 'ACGT'.split('').map((x) => (x === b ? '0.91' : '0.03')).join(' ')), ''].join('\n'));
  const { err } = captureConsole();

  const commands: Record<string, (out: string) => string[]> = {
    predict: (out) => ['predict', '--model', model, '--data', data, '--out', out],
    'ism-npz': (out) => ['ism', '--model', model, '--data', data, '--limit', '45', '--region', '20-60', '--out', out],
    'ism-tsv': (out) => ['ism', '--model', model, '--data', data, '--limit', '45', '--region', '20-60', '--out', out],
    scan: (out) => ['scan', '--motifs', motifs, '--data', data, '--thresh', '1e-3', '--text', '--out', out],
  };
  const ext = (name: string) => (name === 'ism-npz' ? 'npz' : 'tsv');

  it('two shards run as separate processes merge into exactly the unsharded output', async () => {
    expect(existsSync(join(REPO_ROOT, 'dist', 'cli', 'main.js')), 'dist/ missing: run npm run build').toBe(true);
    for (const [name, args] of Object.entries(commands)) {
      const whole = join(dir, `${name}.${ext(name)}`);
      const parts = [1, 2].map((k) => join(dir, `${name}.part${k}.${ext(name)}`));
      await Promise.all([cli(...args(whole)), ...parts.map((part, k) => cli(...args(part), '--shard', `${k + 1}/2`))]);
      const merged = join(dir, `${name}.merged.${ext(name)}`);
      expect(await runCli(['merge', '--out', merged, parts[1]!, parts[0]!])).toBe(0); // any order
      expect(readFileSync(merged).equals(readFileSync(whole)), `${name}: merged differs from unsharded`).toBe(true);
    }
    const predictions = readFileSync(join(dir, 'predict.tsv'), 'utf8').trim().split('\n');
    expect(predictions.length).toBe(1 + 203);
    expect(readFileSync(join(dir, 'predict.part1.tsv'), 'utf8').split('\n').length - 3).toBe(101); // part line + header + rows 1–101
    expect(readFileSync(join(dir, 'ism-tsv.tsv'), 'utf8').trim().split('\n').length).toBe(1 + 45 * 41 * 3);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]); // no temporaries left
  });

  it('refuses missing, duplicate and mismatched parts, naming them (usage errors, exit 2; a file that is no part, exit 1)', async () => {
    const p = (name: string, k: number) => join(dir, `${name}.part${k}.${ext(name)}`);
    const out = join(dir, 'refused.tsv');
    expect(await runCli(['merge', '--out', out, p('predict', 1)])).toBe(2);
    expect(err.pop()).toMatch(/missing shard 2\/2 of predict/);
    expect(await runCli(['merge', '--out', out, p('predict', 1), p('predict', 1), p('predict', 2)])).toBe(2);
    expect(err.pop()).toMatch(/shard 1\/2 is given twice/);
    expect(await runCli(['merge', '--out', out, p('predict', 1), p('scan', 2)])).toBe(2);
    expect(err.pop()).toMatch(/are not shards of the same run \(command predict vs scan/);
    expect(await runCli(['merge', '--out', out, join(dir, 'predict.tsv')])).toBe(1);
    expect(err.pop()).toMatch(/not a shard output/);
    // A shard of another region is another run.
    const other = join(dir, 'ism-other.part2.npz');
    expect(await runCli(['ism', '--model', model, '--data', data, '--limit', '45', '--region', '20-61', '--shard', '2/2', '--out', other])).toBe(0);
    expect(await runCli(['merge', '--out', join(dir, 'x.npz'), p('ism-npz', 1), other])).toBe(2);
    expect(err.pop()).toMatch(/not shards of the same run \(region \{"start":20,"end":60\} vs \{"start":20,"end":61\}/);
    expect(existsSync(out)).toBe(false);
  });

  it('overwrites only its own earlier outputs', async () => {
    const precious = join(dir, 'notes.tsv');
    writeFileSync(precious, 'my\tnotes\n');
    expect(await runCli(['predict', '--model', model, '--data', data, '--out', precious])).toBe(2);
    expect(err.pop()).toMatch(/OutputError: .*notes\.tsv, option 'out': exists and is not an output of this command/);
    expect(readFileSync(precious, 'utf8')).toBe('my\tnotes\n');
    expect(await runCli(['scan', '--motifs', motifs, '--data', data, '--text', '--out', join(dir, 'predict.tsv')])).toBe(2);
    expect(err.pop()).toMatch(/not an output of this command/);
    expect(await runCli(['scan', '--motifs', motifs, '--data', data, '--shard', '1/2', '--out', join(dir, 's.tsv')])).toBe(2);
    expect(err.pop()).toMatch(/--shard needs --text/);
    expect(await runCli(['predict', '--model', model, '--data', data, '--shard', '3/2', '--out', join(dir, 's.tsv')])).toBe(2);
    expect(err.pop()).toMatch(/expected K\/N with 1 ≤ K ≤ N/);
    // Its own earlier output is replaced only with --force.
    expect(await runCli(['predict', '--model', model, '--data', data, '--out', join(dir, 'predict.tsv'), '--engine', 'tfjs'])).toBe(2);
    expect(err.pop()).toMatch(/pass --force to replace it/);
    expect(await runCli(['predict', '--model', model, '--data', data, '--out', join(dir, 'predict.tsv'), '--engine', 'tfjs', '--force'])).toBe(0);
  });
});
