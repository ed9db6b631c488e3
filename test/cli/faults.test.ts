/**
 * Fault injection against the command line: bad inputs made here (asserting the typed error's class and
 * fields, not its wording), `--out` collisions with a user's files, output through a slow pipe, a full disk
 * (a small tmpfs, when this runs as root), and kill -9 of training at seeded random moments followed by
 * `--resume`. The child processes run `node bin/cislab.js` (the build: run `npm run build` first).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, runCli } from '../../src/cli/main';
import { parseCommandArgs } from '../../src/cli/args';
import { savedModel } from '../../src/cli/predict-ism';
import { openRecordSource } from '../../src/cli/data-source';
import { CislabError, InputError, ModelError, OptionError, OutputError } from '../../src/errors';
import { guardOutput, OUTPUT_MARKER, previousBeside } from '../../src/io/output-guard';
import { writeDirectoryAtomic } from '../../src/io/atomic';
import { checkTextStart } from '../../src/io/text-encoding';
import { loadModel } from '../../src/kernels/camformer/persistence';
import { readCheckpointFile, recoverCheckpoint, writeCheckpointFile } from '../../src/kernels/tensor/checkpoint';
import { initBackend } from '../../src/kernels/tensor/backend';
import { simulatePromoters } from '../../src/simulate/promoters';
import { createRandom } from '../../src/stats/random';
import { REPO_ROOT, tempDir } from '../helpers/paths';
import { captureConsole } from '../helpers/console';

const CLI = join(REPO_ROOT, 'bin', 'cislab.js');
const config = {
  name: 'fault-tiny', encoding: 'onehotWithP', inputLength: 110,
  convs: [{ channels: 8, kernel: 6, padding: 'same', dropout: 0, pool: { kernel: 110, stride: 110 } }], dense: [8],
};

/** The error `fn` throws (sync or async), for asserting its class and fields. */
async function thrown(fn: () => unknown): Promise<CislabError> {
  try {
    await fn();
  } catch (error) {
    return error as CislabError;
  }
  throw new Error('expected an error');
}

function cli(args: string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const temporaries = (dir: string) => readdirSync(dir).filter((f) => f.includes('.tmp-') || f.endsWith('.previous'));

describe('fault injection', () => {
  const dir = tempDir('cislab-faults-');
  const data = join(dir, 'train.txt');
  const tiny = join(dir, 'tiny.json');
  const model = join(dir, 'model');
  const { table } = simulatePromoters({ n: 256, seed: 5 });
  const rows = table.objects() as { sequence: string; expression: number }[];
  writeFileSync(data, rows.map((r) => `${r.sequence}\t${r.expression}`).join('\n') + '\n');
  writeFileSync(tiny, JSON.stringify(config));
  const { out, err } = captureConsole();

  beforeAll(async () => {
    await initBackend();
    expect(await runCli(['train', '--model', tiny, '--data', data, '--out', model, '--epochs', '1', '--batch-size', '64', '--workers', '1'])).toBe(0);
  }, 60_000);

  describe('--out never deletes or overwrites what cislab did not create', () => {
    it('refuses a user folder, a file, the working directory and a folder holding an input; --force never helps', async () => {
      const user = join(dir, 'user');
      mkdirSync(join(user, 'sub'), { recursive: true });
      writeFileSync(join(user, 'notes.txt'), 'mine');
      writeFileSync(join(user, 'sub', 'x'), 'mine too');
      const file = join(dir, 'a-file');
      writeFileSync(file, 'mine');
      const inputs = join(dir, 'with-input');
      mkdirSync(inputs);
      writeFileSync(join(inputs, 'train.txt'), readFileSync(data));
      const train = (out: string, ...more: string[]) => runCli(['train', '--model', tiny, '--data', join(inputs, 'train.txt'), '--out', out, '--epochs', '1', '--workers', '1', ...more]);
      for (const force of [[], ['--force']]) {
        expect(await train(user, ...force)).toBe(2);
        expect(await train(file, ...force)).toBe(2);
        expect(await train(inputs, ...force)).toBe(2);
      }
      expect(readdirSync(user).sort()).toEqual(['notes.txt', 'sub']);
      expect(readFileSync(join(user, 'sub', 'x'), 'utf8')).toBe('mine too');
      expect(readFileSync(file, 'utf8')).toBe('mine');
      expect(readdirSync(inputs)).toEqual(['train.txt']);
      // The working directory, as the CLI child sees it.
      const r = cli(['train', '--model', tiny, '--data', 'train.txt', '--out', '.', '--epochs', '1'], inputs);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(readdirSync(inputs)).toEqual(['train.txt']);

      const e = await thrown(() => guardOutput(user, { kind: 'directory', force: true }));
      expect(e).toBeInstanceOf(OutputError);
      expect(e).toBeInstanceOf(OptionError);
      expect([e.file, e.option]).toEqual([user, 'out']);
      const w = await thrown(() => guardOutput(inputs, { kind: 'directory', inputs: [join(inputs, 'train.txt')], cwd: dir }));
      expect([w.constructor, w.file]).toEqual([OutputError, inputs]);
      const c = await thrown(() => guardOutput(dir, { kind: 'directory', cwd: join(dir, 'user') }));
      expect([c.constructor, c.file]).toEqual([OutputError, dir]);
      // The library writer refuses a foreign folder too, whatever `replace` says.
      expect((await thrown(() => writeDirectoryAtomic(user, { 'a.txt': 'x' }, { replace: true }))).constructor).toBe(OutputError);
      expect(readdirSync(user).sort()).toEqual(['notes.txt', 'sub']);
    });

    it('replaces its own output only with --force, and a file output only if it wrote it', async () => {
      expect(existsSync(join(model, OUTPUT_MARKER))).toBe(true);
      expect(await runCli(['train', '--model', tiny, '--data', data, '--out', model, '--epochs', '1', '--workers', '1'])).toBe(2);
      const predictions = join(dir, 'p.tsv');
      expect(await runCli(['predict', '--model', model, '--data', data, '--out', predictions])).toBe(0);
      expect(await runCli(['predict', '--model', model, '--data', data, '--out', predictions])).toBe(2);
      expect(await runCli(['predict', '--model', model, '--data', data, '--out', predictions, '--force'])).toBe(0);
      expect(await runCli(['predict', '--model', model, '--data', data, '--out', data, '--force'])).toBe(2);
      expect(await runCli(['ism', '--model', model, '--data', data, '--out', predictions.replace('p.tsv', 'p.npz'), '--limit', '1'])).toBe(0);
      expect(await runCli(['ism', '--model', model, '--data', data, '--out', predictions, '--limit', '1', '--force'])).toBe(2); // a predict output is not an ism output
      expect(temporaries(dir)).toEqual([]);
    });

    it('a model replace killed between its two renames leaves the previous copy, which is read and recovered', async () => {
      const copy = join(dir, 'parked');
      writeDirectoryAtomic(copy, { 'config.json': readFileSync(join(model, 'config.json')), 'weights.bin': readFileSync(join(model, 'weights.bin')) }, { kind: 'model' });
      // What the first rename of a replace does; the kill comes before the second.
      execFileSync('mv', [copy, previousBeside(copy)]);
      expect(loadModel(copy).config.name).toBe('fault-tiny');
      writeDirectoryAtomic(copy, { 'config.json': readFileSync(join(model, 'config.json')), 'weights.bin': readFileSync(join(model, 'weights.bin')) }, { kind: 'model' });
      expect(existsSync(previousBeside(copy))).toBe(false);
      expect(temporaries(dir)).toEqual([]);
    });
  });

  describe('bad inputs are typed errors naming the place', () => {
    it('model files: missing, truncated, NaN weights, a preset name', async () => {
      const copy = (name: string, weights: Buffer | undefined) => {
        const target = join(dir, name);
        mkdirSync(target, { recursive: true });
        writeFileSync(join(target, 'config.json'), readFileSync(join(model, 'config.json')));
        if (weights) writeFileSync(join(target, 'weights.bin'), weights);
        return target;
      };
      const weights = readFileSync(join(model, 'weights.bin'));
      const missing = await thrown(() => loadModel(copy('no-weights', undefined)));
      expect([missing.constructor, missing.file]).toEqual([InputError, join(dir, 'no-weights', 'weights.bin')]);
      const truncated = await thrown(() => loadModel(copy('truncated', weights.subarray(0, weights.length - 8))));
      expect([truncated.constructor, truncated.file]).toEqual([InputError, join(dir, 'truncated', 'weights.bin')]);
      const nan = Buffer.from(weights);
      nan.writeFloatLE(NaN, 4);
      const bad = await thrown(() => loadModel(copy('nan', nan)));
      expect(bad).toBeInstanceOf(ModelError);
      expect(bad.field).toBeTypeOf('string');
      const edited = copy('edited', weights);
      const json = JSON.parse(readFileSync(join(edited, 'config.json'), 'utf8'));
      json.architecture = { ...json.architecture, encoding: 'onehot', inputChannels: 4 };
      writeFileSync(join(edited, 'config.json'), JSON.stringify(json));
      const mismatch = await thrown(() => loadModel(edited));
      expect([mismatch.constructor, mismatch.file]).toEqual([ModelError, join(edited, 'config.json')]);
      const preset = await thrown(() => savedModel('camformer-mini'));
      expect([preset.constructor, preset.option]).toEqual([OptionError, 'model']);
      expect(await runCli(['predict', '--model', 'camformer-mini', '--data', data, '--out', join(dir, 'random.tsv')])).toBe(2);
      expect(existsSync(join(dir, 'random.tsv'))).toBe(false);
      expect(await runCli(['predict', '--model', join(dir, 'nan'), '--data', data, '--out', join(dir, 'nan.tsv')])).toBe(1);
    });

    it('text files: UTF-16, NUL bytes, CR-only lines, BOM, header only, spaces for tabs', async () => {
      const lines = rows.slice(0, 4).map((r) => `${r.sequence}\t${r.expression}`);
      const fixture = (name: string, bytes: Buffer | string) => (writeFileSync(join(dir, name), bytes), join(dir, name));
      const cases: Array<[string, Buffer | string, number | undefined]> = [
        ['utf16.txt', Buffer.from('\ufeff' + lines.join('\n'), 'utf16le'), undefined],
        ['utf16-nobom.txt', Buffer.from(lines.join('\n'), 'utf16le'), undefined],
        ['cr.txt', lines.join('\r') + '\r', 1],
      ];
      for (const [name, bytes, line] of cases) {
        const file = fixture(name, bytes);
        const e = await thrown(() => openRecordSource(file));
        expect([e.constructor, e.file, e.line]).toEqual([InputError, file, line]);
        expect(await runCli(['predict', '--model', model, '--data', file, '--out', join(dir, `${name}.tsv`)])).toBe(1);
        expect(existsSync(join(dir, `${name}.tsv`))).toBe(false);
      }
      expect(checkTextStart(Buffer.from('\ufeffACGT\t1\n'), 'x')).toBe(3);
      const bom = fixture('bom.txt', '\ufeff' + lines.join('\n') + '\n');
      expect((await openRecordSource(bom)).total).toBe(4);
      const header = fixture('header.tsv', 'id\tsequence\texpression\n');
      const empty = await thrown(() => openRecordSource(header));
      expect([empty.constructor, empty.file]).toEqual([InputError, header]);
      expect(await runCli(['train', '--model', tiny, '--data', header, '--out', join(dir, 'none')])).toBe(1);
      const spaces = fixture('spaces.tsv', 'id sequence expression\na ACGT 1\n');
      const e = await thrown(() => openRecordSource(spaces).then((s) => (async () => { for await (const _ of s.blocks({ from: 0, to: 1, blockSize: 4 })); })()));
      expect([e.constructor, e.file, e.line]).toEqual([InputError, spaces, 1]);
      expect(e.message).toMatch(/spaces/);
    });

    it('arguments: extra positionals, unknown options (with the nearest), a non-notebook file', async () => {
      const extra = await thrown(() => parseCommandArgs({ name: 'predict', usage: '' }, ['--model', 'm', 'stray'], { model: { type: 'string' } }));
      expect([extra.constructor, extra.option]).toEqual([OptionError, 'stray']);
      const unknown = await thrown(() => parseCommandArgs({ name: 'train', usage: '' }, ['--epoch', '3'], { epochs: { type: 'string' } }));
      expect([unknown.constructor, unknown.option]).toEqual([OptionError, 'epoch']);
      expect(unknown.message).toMatch(/--epochs/);
      expect(await runCli(['predict', '--model', model, '--data', data, '--out', join(dir, 'x.tsv'), 'stray'])).toBe(2);
      expect(await runCli(['notebooks', 'test', data])).toBe(1);
      expect(err.join('\n')).not.toMatch(/\n\s+at /); // no stack trace anywhere
    });
  });

  it('a model applies the preprocessing it was trained with: a 109-nt row is padded (and counted), a 120-nt row refused', async () => {
    const mixed = join(dir, 'mixed.txt');
    writeFileSync(mixed, [`${rows[0]!.sequence.slice(0, 109)}\t1`, `${rows[1]!.sequence}\t2`, `${rows[2]!.sequence}AAA\t3`].join('\n') + '\n');
    expect(await runCli(['predict', '--model', model, '--data', mixed, '--out', join(dir, 'mixed.tsv')])).toBe(0);
    expect(err.join('\n')).toMatch(/1 rows padded with N at the 3′ end and 1 truncated to 110 nt/);
    const far = join(dir, 'far.txt');
    writeFileSync(far, [`${rows[0]!.sequence}\t1`, `${rows[1]!.sequence}${'A'.repeat(10)}\t2`].join('\n') + '\n');
    expect(await runCli(['predict', '--model', model, '--data', far, '--out', join(dir, 'far.tsv')])).toBe(1);
    expect(err.pop()).toMatch(/far\.txt:2: sequence has 120 nt/);
    expect(existsSync(join(dir, 'far.tsv'))).toBe(false);
  });

  it('help and version exit 0; a child prints one line and no stack trace for a user error', () => {
    const root = cli(['--help'], dir);
    expect(root.status).toBe(0);
    const version = cli(['--version'], dir);
    expect([version.status, version.stdout.trim()]).toEqual([0, `cislab ${JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version}`]);
    const help = cli(['train', '--help'], dir);
    expect(help.status).toBe(0);
    for (const option of ['--model', '--data', '--out', '--epochs', '--checkpoint-every', '--resume', '--force']) expect(help.stdout).toContain(option);
    expect(help.stdout).toMatch(/--epochs N\s+default 20/);
    const cut = join(dir, 'cut-model');
    mkdirSync(cut, { recursive: true });
    writeFileSync(join(cut, 'config.json'), readFileSync(join(model, 'config.json')));
    writeFileSync(join(cut, 'weights.bin'), readFileSync(join(model, 'weights.bin')).subarray(0, 16));
    const bad = cli(['predict', '--model', cut, '--data', data, '--out', join(dir, 'y.tsv')], dir);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const debug = spawnSync(process.execPath, [CLI, 'predict', '--model', cut, '--data', data, '--out', join(dir, 'y.tsv')], { encoding: 'utf8', env: { ...process.env, CISLAB_DEBUG: '1' } });
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('every command answers --help with exit 0, each option of its parser and a worked example', async () => {
    for (const command of COMMANDS) {
      out.length = 0;
      expect(await runCli([command.name, '--help'])).toBe(0);
      const text = out.join('\n');
      expect(text).toMatch(new RegExp(`example:\\n  cislab ${command.name} \\S`));
      for (const flag of command.usage.match(/--[a-z][a-z-]*/g) ?? []) expect(text, `${command.name} ${flag}`).toContain(flag);
    }
  });

  it('writes everything into a slow pipe (> 128 KiB), then exits', () => {
    const motifs = join(dir, 'm.meme');
    writeFileSync(motifs, ['MEME version 4', '', 'ALPHABET= ACGT', '', 'strands: + -', '', 'Background letter frequencies', 'A 0.25 C 0.25 G 0.25 T 0.25', '',
      'MOTIF AAA', 'letter-probability matrix: alength= 4 w= 3 nsites= 20 E= 0', ...[0, 1, 2].map(() => '0.7 0.1 0.1 0.1'), ''].join('\n'));
    const piped = join(dir, 'piped.tsv');
    const args = ['scan', '--motifs', motifs, '--data', data, '--text', '--thresh', '0.5'];
    const shell = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" ${args.map((a) => `"${a}"`).join(' ')} | (sleep 1; cat > "${piped}")`], { encoding: 'utf8' });
    expect(shell.status).toBe(0);
    const direct = join(dir, 'direct.tsv');
    expect(cli([...args, '--out', direct], dir).status).toBe(0);
    const text = readFileSync(piped);
    expect(text.length).toBeGreaterThan(128 * 1024);
    expect(text.equals(readFileSync(direct))).toBe(true);
  });

  describe('a full disk', () => {
    const mount = join(dir, 'full');
    let mounted = false;
    beforeAll(() => {
      mkdirSync(mount);
      if (process.getuid?.() !== 0) return void console.warn('full-disk test skipped: needs root to mount a small tmpfs');
      const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mount]);
      if (r.status !== 0) return void console.warn(`full-disk test skipped: mount -t tmpfs failed (${r.stderr?.toString().trim()})`);
      mounted = true;
    });
    afterAll(() => {
      if (mounted) spawnSync('umount', [mount]);
    });

    it('fails with a typed one-line error and leaves neither a partial output nor a temporary', (context) => {
      if (!mounted) return context.skip();
      const out = join(mount, 'ism.tsv');
      const r = cli(['ism', '--model', model, '--data', data, '--region', '1-110', '--out', out], dir);
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split('\n').pop()).toMatch(/^cislab ism: FileSystemError: .*no space left/);
      expect(readdirSync(mount)).toEqual([]);
      const m = cli(['train', '--model', tiny, '--data', data, '--out', join(mount, 'm'), '--epochs', '1', '--workers', '1', '--checkpoint', join(mount, 'ck')], dir);
      // The tiny model fits; either way nothing partial is left.
      if (m.status !== 0) expect(m.stderr.trim().split('\n').pop()).toMatch(/FileSystemError/);
      expect(readdirSync(mount).filter((f) => f.includes('.tmp-'))).toEqual([]);
    });
  });

  it('a checkpoint temporary left whole by a kill before its rename is recovered; a cut one is removed', () => {
    const ck = join(dir, 'recover');
    mkdirSync(ck);
    const file = join(ck, 'checkpoint.bin');
    const arrays = [{ name: 'w', shape: [2], data: Float32Array.of(1, 2) }];
    writeCheckpointFile(file, { loop: { step: 3 } }, arrays);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid; // a process that has exited
    writeCheckpointFile(join(ck, 'newer.bin'), { loop: { step: 6 } }, arrays);
    execFileSync('mv', [join(ck, 'newer.bin'), join(ck, `.checkpoint.bin.tmp-${dead}-1-a`)]);
    writeFileSync(join(ck, `.checkpoint.bin.tmp-${dead}-2-b`), readFileSync(file).subarray(0, 20));
    expect(recoverCheckpoint(file)).toBe(6);
    expect((readCheckpointFile(file).info['loop'] as { step: number }).step).toBe(6);
    expect(readdirSync(ck)).toEqual(['checkpoint.bin']);
  });

  it('kill -9 of training at random moments, then --resume: the final weights equal an uninterrupted run', async () => {
    const args = (out: string) => ['train', '--model', tiny, '--data', data, '--out', out, '--epochs', '6', '--batch-size', '32', '--workers', '1', '--checkpoint-every', '3', '--seed', '3'];
    /** Runs the CLI; `killAfter` ms after training starts (its backend line), kill -9. Resolves to the ms trained and whether it finished. */
    const train = (extra: string[], killAfter = Infinity) => new Promise<{ ms: number; finished: boolean; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      let begun = 0;
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (!begun && /backend/.test(stderr)) {
          begun = performance.now();
          if (Number.isFinite(killAfter)) setTimeout(() => child.kill('SIGKILL'), killAfter);
        }
      });
      child.on('exit', (code) => resolve({ ms: performance.now() - begun, finished: code === 0, stderr }));
    });
    const reference = join(dir, 'reference');
    const uninterrupted = await train(args(reference));
    expect(uninterrupted.finished, uninterrupted.stderr).toBe(true);

    const out = join(dir, 'killed');
    const checkpoint = join(`${out}.checkpoint`, 'checkpoint.bin');
    const rng = createRandom(16);
    let lastStep = 0;
    let kills = 0;
    for (let kill = 0; kill < 3; kill++) {
      const run = await train([...args(out), ...(kill ? ['--resume'] : [])], uninterrupted.ms * (0.1 + 0.6 * rng.float()));
      if (run.finished) break;
      kills++;
      // Whatever the moment, the checkpoint under its name is whole and never older than the last one seen.
      if (existsSync(checkpoint)) {
        const step = (readCheckpointFile(checkpoint).info['loop'] as { step: number }).step;
        expect(step).toBeGreaterThanOrEqual(lastStep);
        lastStep = step;
      }
    }
    expect(kills).toBeGreaterThan(0);
    console.warn(`kill -9 test: ${kills} kills, last checkpoint step ${lastStep}`);
    const resumed = cli([...args(out), '--resume', '--force'], dir);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(lastStep ? /resuming from/ : /no checkpoint .* yet/);
    expect(readFileSync(join(out, 'weights.bin')).equals(readFileSync(join(reference, 'weights.bin')))).toBe(true);
    expect(temporaries(dir)).toEqual([]);
    expect(temporaries(`${out}.checkpoint`)).toEqual([]);
  }, 120_000);
});
