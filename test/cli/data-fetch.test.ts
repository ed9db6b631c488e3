/**
 * `cislab data fetch` as a user runs it: `--list`, a bad `--dataset`, fetching from a mirror folder, the exit
 * codes of a refusal and of `--force`, and an interrupt (SIGINT to `node bin/cislab.js`, the build: run
 * `npm run build` first) leaving no temporary behind. No network: the mirror is the reference data folder, or a
 * local HTTP server that sends half a file and waits.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main';
import { dataFiles } from '../../src/data/fetch/manifest';
import { captureConsole } from '../helpers/console';
import { DATA_DIR, HAS_DREAM, REPO_ROOT, tempDir } from '../helpers/paths';

const CLI = join(REPO_ROOT, 'bin', 'cislab.js');

describe('cislab data fetch', () => {
  const { out, err } = captureConsole();
  beforeEach(() => {
    delete process.env['CISLAB_DATA_MIRROR'];
  });

  it('--list prints every file with its size, SHA-256 and source, and downloads nothing', async () => {
    const to = join(tempDir(), 'data');
    expect(await runCli(['data', 'fetch', '--list', '--dataset', 'dream2022', '--to', to])).toBe(0);
    const text = out.join('\n');
    expect(text).toContain(`data folder: ${to}`);
    expect(text).toContain('dream2022: 8 files, 3.7 MB');
    for (const file of dataFiles('dream2022')) {
      const line = text.split('\n').find((l) => l.includes(` ${file.path} `))!;
      expect(line).toContain(`${file.bytes.toLocaleString('en')} B`);
      expect(line).toContain(file.sha256);
      expect(line).toContain(file.source ? file.source.url : 'mirror only (--from)');
    }
    expect(text).not.toContain('vaishnav2022/');
    expect(existsSync(to)).toBe(false);
  });

  it('names the accepted data sets for an unknown --dataset (exit 2)', async () => {
    expect(await runCli(['data', 'fetch', '--dataset', 'dream', '--list'])).toBe(2);
    expect(err.join('\n')).toContain("option 'dataset': unknown dataset 'dream'; expected dream2022, vaishnav, all");
  });

  it('prints its usage for a missing or unknown action (exit 2)', async () => {
    expect(await runCli(['data'])).toBe(2);
    expect(await runCli(['data', 'get'])).toBe(2);
    expect(err.join('\n')).toContain('usage: cislab data fetch');
  });

  it.skipIf(!HAS_DREAM)('fetches from a mirror folder (exit 0), refuses a changed file (exit 2), replaces it with --force (exit 0)', async () => {
    const to = tempDir();
    expect(await runCli(['data', 'fetch', '--dataset', 'vaishnav', '--to', to, '--from', DATA_DIR])).toBe(0);
    const files = dataFiles('vaishnav');
    expect(out.join('\n')).toContain(`${to}: ${files.length} fetched, 0 already present of ${files.length} files`);
    const native = join(to, 'vaishnav2022', 'native_complex.tsv.gz');
    writeFileSync(native, 'not the data\n');
    out.length = 0;
    expect(await runCli(['data', 'fetch', '--dataset', 'vaishnav', '--to', to, '--from', DATA_DIR])).toBe(2);
    expect(out.join('\n')).toContain(`0 fetched, ${files.length - 1} already present, 1 refused (different checksum; --force replaces)`);
    expect(err.join('\n')).toMatch(new RegExp(`OutputError: ${native}: exists with SHA-256 [0-9a-f]{64}, expected ${files[0]!.sha256}`));
    expect(readFileSync(native, 'utf8')).toBe('not the data\n');
    expect(await runCli(['data', 'fetch', '--dataset', 'vaishnav', '--to', to, '--from', DATA_DIR, '--force'])).toBe(0);
    expect(readFileSync(native).equals(readFileSync(join(DATA_DIR, 'vaishnav2022', 'native_complex.tsv.gz')))).toBe(true);
  });

  it.skipIf(!HAS_DREAM)('exits 1 when files have no public source and no mirror is given, and says to use --from', async () => {
    const to = tempDir();
    // No network here: the files that have a public source are put in place first, so only the others are asked for.
    mkdirSync(join(to, 'dream2022'));
    for (const file of dataFiles('dream2022').filter((f) => f.source)) writeFileSync(join(to, file.path), readFileSync(join(DATA_DIR, file.path)));
    expect(await runCli(['data', 'fetch', '--dataset', 'dream2022', '--to', to])).toBe(1);
    expect(out.join('\n')).toContain('0 fetched, 5 already present, 3 with no public source (--from a mirror) of 8 files');
    expect(err.join('\n')).toContain('not fetched: ');
    expect(err.join('\n')).toContain('--from URL-or-DIR or CISLAB_DATA_MIRROR');
  });
});

describe.skipIf(!existsSync(join(REPO_ROOT, 'dist', 'cli', 'data.js')))('cislab data fetch, interrupted', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    // Sends the first half of any file, then nothing: the download stays under way until the interrupt.
    server = createServer((_request, response) => {
      response.writeHead(200, { 'content-length': 760902 });
      response.write(Buffer.alloc(380000, 65));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('removes the temporary on SIGINT and exits 130', async () => {
    const to = tempDir();
    const child = spawn(process.execPath, [CLI, 'data', 'fetch', '--dataset', 'dream2022', '--to', to, '--from', base], { stdio: 'ignore' });
    const folder = join(to, 'dream2022');
    const temporaries = () => (existsSync(folder) ? readdirSync(folder).filter((name) => name.includes('.tmp-')) : []);
    const exited = new Promise<number | null>((done) => child.on('exit', done));
    let ended = false;
    void exited.then(() => (ended = true));
    while (temporaries().length === 0 && !ended) await new Promise((done) => setTimeout(done, 50));
    expect(ended, 'the command ended before its download began').toBe(false);
    child.kill('SIGINT');
    const code = await exited;
    expect(code).toBe(130);
    expect(temporaries()).toEqual([]);
    expect(readdirSync(folder)).toEqual([]);
  });
});
