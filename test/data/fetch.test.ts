/**
 * `fetchData` against the reference copies, never the network: as a mirror folder, through a local HTTP server
 * (the smallest real files), and through an injected opener standing in for the public originals. Checks what a
 * user relies on: checksums verified, files already there skipped, a different file never replaced without
 * `force`, and no temporary left after a failure half way.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { DATA_FILES, dataFiles, type DataFile } from '../../src/data/fetch/manifest';
import { fetchData, type FetchedFile } from '../../src/data/fetch/fetch';
import { readDream2022 } from '../../src/data/dream2022/read';
import { DownloadError, OutputError } from '../../src/errors';
import type { OpenSource } from '../../src/io/download';
import { DATA_DIR, HAS_DREAM, tempDir } from '../helpers/paths';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const entry = (path: string) => DATA_FILES.find((f) => f.path === path)!;
/** The smallest real files: a plain one and a gzip one of each data set. */
const SMALL = ['dream2022/leaderboard_final.tsv', 'dream2022/plasmid.json', 'vaishnav2022/LICENCE_LegNet.md', 'vaishnav2022/evolution/PROVENANCE.txt.gz'].map(entry);

/** Every file under `dir`, temporaries included (`.NAME.tmp-…`), as paths relative to it. */
function filesUnder(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? filesUnder(join(dir, d.name), `${prefix}${d.name}/`) : [`${prefix}${d.name}`]);
}

const statuses = (results: FetchedFile[]) => results.map((r) => `${r.status} ${r.file.path}`);

describe.skipIf(!HAS_DREAM)('fetchData', () => {
  beforeEach(() => {
    delete process.env['CISLAB_DATA_MIRROR'];
  });

  it('has a manifest entry, with the right size and SHA-256, for every file of the two data folders', () => {
    const onDisk = [...filesUnder(join(DATA_DIR, 'dream2022')).map((p) => `dream2022/${p}`), ...filesUnder(join(DATA_DIR, 'vaishnav2022')).map((p) => `vaishnav2022/${p}`)];
    expect(DATA_FILES.map((f) => f.path).sort()).toEqual(onDisk.sort());
    for (const file of DATA_FILES) {
      const bytes = readFileSync(join(DATA_DIR, file.path));
      expect([file.path, bytes.length, sha256(bytes)]).toEqual([file.path, file.bytes, file.sha256]);
      if (file.path.endsWith('.gz')) {
        const content = gunzipSync(bytes);
        expect([file.path, content.length, sha256(content)]).toEqual([file.path, file.content?.bytes, file.content?.sha256]);
      }
      if (file.source) expect(file.source.url).toMatch(/^https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/[0-9a-f]{40}\//);
    }
    expect(dataFiles('dream2022').map((f) => f.path)).toContain('dream2022/test.tsv.gz');
    expect(dataFiles('all')).toHaveLength(dataFiles('dream2022').length + dataFiles('vaishnav').length);
  });

  it('fills a data folder from a mirror folder, which the readers then read; a second run skips every file', async () => {
    const to = tempDir();
    const first = await fetchData({ dataset: 'dream2022', to, from: DATA_DIR });
    expect(first.every((r) => r.status === 'fetched')).toBe(true);
    for (const r of first) expect(sha256(readFileSync(r.target))).toBe(r.file.sha256);
    expect(readDream2022('test', { dataDir: to }).numRows()).toBe(71103);
    const again = await fetchData({ dataset: 'dream2022', to, from: pathToFileURL(DATA_DIR).href });
    expect(again.map((r) => r.status)).toEqual(first.map(() => 'present'));
    expect(filesUnder(to).filter((p) => p.includes('.tmp-'))).toEqual([]);
  });

  describe('over HTTP', () => {
    let server: Server;
    let base: string;
    /** path → what the server does instead of serving the real file. */
    const behaviour = new Map<string, 'half-then-close' | 'stall' | 'wrong'>();
    beforeAll(async () => {
      server = createServer((request, response) => {
        const path = decodeURIComponent(new URL(request.url!, 'http://x').pathname).replace(/^\/mirror\//, '');
        const file = join(DATA_DIR, path);
        if (!existsSync(file)) return void response.writeHead(404, 'Not Found').end();
        const bytes = readFileSync(file);
        const mode = behaviour.get(path);
        if (mode === 'wrong') return void response.end(Buffer.from(bytes).fill(0x41, 0, 10));
        response.writeHead(200, { 'content-length': bytes.length });
        if (mode === undefined) return void response.end(bytes);
        response.write(bytes.subarray(0, bytes.length >> 1));
        if (mode === 'half-then-close') setTimeout(() => response.destroy(), 20);
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mirror`;
    });
    afterAll(() => {
      server.closeAllConnections();
      server.close();
    });
    beforeEach(() => behaviour.clear());

    it('downloads and checks the files, skips them when present, and refuses a different file unless forced', async () => {
      const to = tempDir();
      const progress: number[] = [];
      const first = await fetchData({ files: SMALL, to, from: base, onProgress: (p) => progress.push(p.received) });
      expect(statuses(first)).toEqual(SMALL.map((f) => `fetched ${f.path}`));
      expect(first[0]!.url).toBe(`${base}/dream2022/leaderboard_final.tsv`);
      for (const r of first) expect(sha256(readFileSync(r.target))).toBe(r.file.sha256);
      expect(progress.length).toBeGreaterThanOrEqual(SMALL.length);

      expect(statuses(await fetchData({ files: SMALL, to, from: base }))).toEqual(SMALL.map((f) => `present ${f.path}`));

      const mine = join(to, 'dream2022', 'plasmid.json');
      writeFileSync(mine, '{"my": "edit"}\n');
      const refused = await fetchData({ files: SMALL, to, from: base });
      const plasmid = refused.find((r) => r.file.path === 'dream2022/plasmid.json')!;
      expect(plasmid.status).toBe('refused');
      expect(plasmid.error).toBeInstanceOf(OutputError);
      expect(plasmid.error!.file).toBe(mine);
      expect(plasmid.error!.message).toContain(plasmid.file.sha256);
      expect(plasmid.error!.message).toContain('--force');
      expect(readFileSync(mine, 'utf8')).toBe('{"my": "edit"}\n');

      const forced = await fetchData({ files: SMALL, to, from: base, force: true });
      expect(forced.find((r) => r.file.path === 'dream2022/plasmid.json')!.status).toBe('fetched');
      expect(sha256(readFileSync(mine))).toBe(plasmid.file.sha256);
    });

    it('leaves neither the file nor a temporary when the connection drops half way, and names the URL and the manual command', async () => {
      const to = tempDir();
      behaviour.set('vaishnav2022/LICENCE_LegNet.md', 'half-then-close');
      const [result] = await fetchData({ files: [entry('vaishnav2022/LICENCE_LegNet.md')], to, from: base });
      expect(result!.status).toBe('failed');
      expect(result!.error).toBeInstanceOf(DownloadError);
      expect((result!.error as DownloadError).url).toBe(`${base}/vaishnav2022/LICENCE_LegNet.md`);
      expect(result!.error!.message).toContain(`curl -L -o '${result!.target}' '${base}/vaishnav2022/LICENCE_LegNet.md'`);
      expect(filesUnder(to)).toEqual([]);
    });

    it('gives up on a server that stops sending, without a temporary', async () => {
      const to = tempDir();
      behaviour.set('dream2022/plasmid.json', 'stall');
      const [result] = await fetchData({ files: [entry('dream2022/plasmid.json')], to, from: base, stallSeconds: 0.3 });
      expect(result!.status).toBe('failed');
      expect(result!.error!.message).toMatch(/no data for 0\.3 s/);
      expect(filesUnder(to)).toEqual([]);
    });

    it('rejects bytes with the wrong checksum, naming the file, the expected and the received SHA-256', async () => {
      const to = tempDir();
      behaviour.set('dream2022/leaderboard_final.tsv', 'wrong');
      const file = entry('dream2022/leaderboard_final.tsv');
      const [result] = await fetchData({ files: [file], to, from: base });
      expect(result!.status).toBe('failed');
      const wrong = Buffer.from(readFileSync(join(DATA_DIR, file.path))).fill(0x41, 0, 10);
      expect(result!.error!.message).toContain(`checksum mismatch for ${file.path}: expected SHA-256 ${file.sha256}`);
      expect(result!.error!.message).toContain(`got ${sha256(wrong)}`);
      expect(filesUnder(to)).toEqual([]);
    });

    it('says which server could not be reached, and how to fetch the file by hand', async () => {
      const closed = createServer();
      await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
      const port = (closed.address() as AddressInfo).port;
      await new Promise((done) => closed.close(done));
      const [result] = await fetchData({ files: [entry('dream2022/plasmid.json')], to: tempDir(), from: `http://127.0.0.1:${port}` });
      expect(result!.status).toBe('failed');
      expect(result!.error!.message).toContain(`http://127.0.0.1:${port}/dream2022/plasmid.json: cannot reach the server (ECONNREFUSED)`);
      expect(result!.error!.message).toContain('curl -L -o');
    });
  });

  describe('from the public sources (an injected opener in place of the network)', () => {
    /** Serves each manifest source URL with the original's bytes (the decompressed reference copy for a .csv). */
    function originals(asked: string[]): OpenSource {
      return async (url) => {
        asked.push(url);
        const file = DATA_FILES.find((f) => f.source?.url === url)!;
        const bytes = readFileSync(join(DATA_DIR, file.path));
        const body = file.path.endsWith('.gz') && !file.source!.gzip ? gunzipSync(bytes) : bytes;
        return { body: [body.subarray(0, 100), body.subarray(100)], size: body.length };
      };
    }

    it('fetches each file from its pinned address, compressing a plain original of a .gz file; the result counts as present after', async () => {
      const files = ['vaishnav2022/evolution/README.md', 'vaishnav2022/evolution/LICENSE_evolution_MIT.txt.gz', 'vaishnav2022/evolution/Drift_complex.csv.gz'].map(entry);
      const to = tempDir();
      const asked: string[] = [];
      const results = await fetchData({ files, to, open: originals(asked) });
      expect(statuses(results)).toEqual(files.map((f) => `fetched ${f.path}`));
      expect(asked).toEqual(files.map((f) => f.source!.url));
      for (const r of results) {
        const bytes = readFileSync(r.target);
        expect(sha256(r.file.content ? gunzipSync(bytes) : bytes)).toBe(r.file.content?.sha256 ?? r.file.sha256);
      }
      expect(statuses(await fetchData({ files, to, open: originals([]) }))).toEqual(files.map((f) => `present ${f.path}`));
    });

    it('decompresses a gzip original when the data folder keeps the file plain', async () => {
      const licence = entry('vaishnav2022/evolution/LICENSE_evolution_MIT.txt');
      const compressed = join(DATA_DIR, 'vaishnav2022/evolution/LICENSE_evolution_MIT.txt.gz');
      const file: DataFile = { ...licence, path: 'copy/LICENSE.txt', source: { url: pathToFileURL(compressed).href, gzip: true } };
      const to = tempDir();
      const [result] = await fetchData({ files: [file], to });
      expect(result!.status).toBe('fetched');
      expect(sha256(readFileSync(join(to, 'copy', 'LICENSE.txt')))).toBe(licence.sha256);
    });

    it('removes the temporary when the stream fails part way', async () => {
      const file = entry('vaishnav2022/evolution/Random_defined.csv.gz');
      const to = tempDir();
      let seenTemporary = false;
      const open: OpenSource = async () => ({
        body: (async function* () {
          yield new Uint8Array(65536).fill(65);
          seenTemporary = filesUnder(to).some((p) => p.includes('.Random_defined.csv.gz.tmp-'));
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        })(),
      });
      const [result] = await fetchData({ files: [file], to, open });
      expect(seenTemporary).toBe(true);
      expect(result!.status).toBe('failed');
      expect(result!.error).toBeInstanceOf(DownloadError);
      expect(result!.error!.message).toContain('ECONNRESET');
      expect(filesUnder(to)).toEqual([]);
      expect(statSync(to).isDirectory()).toBe(true);
    });

    it('marks a prepared file with no public copy as unavailable and points to a mirror', async () => {
      const to = tempDir();
      const [result] = await fetchData({ files: [entry('dream2022/test.tsv.gz')], to });
      expect(result!.status).toBe('unavailable');
      expect(result!.error!.message).toMatch(/no public copy of this file .*--from URL-or-DIR or CISLAB_DATA_MIRROR/);
      expect(filesUnder(to)).toEqual([]);
    });

    it('takes the mirror from CISLAB_DATA_MIRROR', async () => {
      process.env['CISLAB_DATA_MIRROR'] = DATA_DIR;
      const to = tempDir();
      const [result] = await fetchData({ files: [entry('dream2022/test_pairs.tsv.gz')], to });
      expect(result!.status).toBe('fetched');
      expect(result!.url).toBe(join(DATA_DIR, 'dream2022', 'test_pairs.tsv.gz'));
    });
  });

  it('refuses nothing and writes nothing when the target folder already holds the data', async () => {
    const to = tempDir();
    mkdirSync(join(to, 'dream2022'));
    writeFileSync(join(to, 'dream2022', 'plasmid.json'), readFileSync(join(DATA_DIR, 'dream2022', 'plasmid.json')));
    const [result] = await fetchData({ files: [entry('dream2022/plasmid.json')], to, open: async () => { throw new Error('no download expected'); } });
    expect(result!.status).toBe('present');
  });
});
