/**
 * Downloading the data sets of the manifest into a data folder. Each file is streamed into a temporary beside its
 * target (`AtomicFileWriter`), its size and SHA-256 checked as the bytes arrive, and renamed into place only when
 * both match; on any failure, an abort or the process ending, the temporary is removed. A file already there with
 * the right checksum is left alone; one with another checksum is not replaced unless `force` is given.
 *
 * Sources: by default each file's public original (`DataFile.source`); with a mirror (`from`, or
 * `CISLAB_DATA_MIRROR`) every file from `MIRROR/PATH`, where MIRROR is a URL or a folder laid out like the data
 * folder. A `.gz` file whose original is not compressed is compressed on the way (the library reads `.gz` names),
 * and a compressed original of a plain file is decompressed; either way the checksum is that of the content.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { CislabError, DownloadError, OutputError, fileSystemError } from '../../errors';
import { AtomicFileWriter } from '../../io/atomic-stream';
import { isUrl, openSource, sourceUrl, type OpenSource } from '../../io/download';
import { removeStaleTemporaries } from '../../io/output-guard';
import { defaultDataDir } from '../data-dir';
import { dataFiles, type DataFile, type DataSetName } from './manifest';

/** Options of {@link fetchData}. */
export interface FetchDataOptions {
  /** Which data set: 'dream2022', 'vaishnav' or 'all' (default 'all'). */
  dataset?: DataSetName | 'all';
  /** The data folder to fill (default: the one cislab reads, see `defaultDataDir`). */
  to?: string;
  /** A mirror of the data folder, a URL or a folder (default `$CISLAB_DATA_MIRROR`; unset: each file's public original). */
  from?: string;
  /** Replace a file that is there with another checksum (default false: it is refused). */
  force?: boolean;
  /** Opens an address as a byte stream (default: `fetch` for http(s), the file system otherwise). */
  open?: OpenSource;
  /** The files to fetch instead of the data set's manifest entries. */
  files?: readonly DataFile[];
  /** Called as bytes arrive. */
  onProgress?: (progress: FetchProgress) => void;
  /** Called once per file, when it is done (fetched, present, or not). */
  onFile?: (result: FetchedFile) => void;
  /** Stops the downloads; the file under way leaves no temporary. */
  signal?: AbortSignal;
  /** Gives up on a download when no byte has come for this long (default 60 s). */
  stallSeconds?: number;
}

/** How far one download has come. */
export interface FetchProgress {
  /** The file being downloaded. */
  file: DataFile;
  /** The address it comes from. */
  url: string;
  /** Bytes received so far. */
  received: number;
  /** Bytes expected, when known. */
  total?: number;
}

/** What happened to one file. */
export interface FetchedFile {
  /** The manifest entry. */
  file: DataFile;
  /** Its absolute path in the data folder. */
  target: string;
  /**
   * `fetched` (downloaded and checked), `present` (already there with the right checksum), `refused` (there
   * with another checksum; `force` replaces it), `failed` (the download or its check failed), `unavailable` (no
   * public original and no mirror).
   */
  status: 'fetched' | 'present' | 'refused' | 'failed' | 'unavailable';
  /** The address it was (or would be) downloaded from. */
  url?: string;
  /** Why it is not there, for `refused`, `failed` and `unavailable`. */
  error?: CislabError;
}

/** The address and transformation of one file's download. */
interface Plan {
  url: string;
  /** What the incoming bytes go through: none, compression (plain original of a .gz file), or decompression. */
  transform: 'copy' | 'gzip' | 'gunzip';
  /** Size and SHA-256 the checked stream must have (the raw bytes for copy, the plain content otherwise). */
  expect: { bytes: number; sha256: string };
}

const isGzipPath = (path: string) => path.endsWith('.gz');

function plan(file: DataFile, from: string | undefined): Plan | undefined {
  if (from !== undefined) return { url: sourceUrl(from, file.path), transform: 'copy', expect: file };
  if (!file.source) return undefined;
  const targetGzip = isGzipPath(file.path);
  if (file.source.gzip === targetGzip) return { url: file.source.url, transform: 'copy', expect: file };
  if (targetGzip) return { url: file.source.url, transform: 'gzip', expect: file.content ?? file };
  return { url: file.source.url, transform: 'gunzip', expect: file };
}

/** The SHA-256 of a file's bytes (and, for gzip, of its content), streamed. */
async function hashFile(path: string, gunzip: boolean): Promise<string> {
  const hash = createHash('sha256');
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done();
    },
  });
  if (gunzip) await pipeline(createReadStream(path), createGunzip(), sink);
  else await pipeline(createReadStream(path), sink);
  return hash.digest('hex');
}

/** Whether the file at `target` is `file`: the same bytes, or for gzip the same content (as fetched from a plain original). */
async function matches(target: string, file: DataFile): Promise<{ ok: boolean; sha256: string }> {
  const sha256 = await hashFile(target, false);
  if (sha256 === file.sha256) return { ok: true, sha256 };
  if (file.content) {
    try {
      if ((await hashFile(target, true)) === file.content.sha256) return { ok: true, sha256 };
    } catch { /* not gzip, or corrupt: not the file */ }
  }
  return { ok: false, sha256 };
}

/** A pass-through that counts and hashes, and stops as soon as more bytes come than expected. */
function checker(expect: { bytes: number }, url: string, path: string, hash: Hash, count: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      count.bytes += chunk.length;
      if (count.bytes > expect.bytes) return done(new DownloadError(`more than the expected ${expect.bytes.toLocaleString('en')} bytes of ${path}: not the file cislab expects`, url));
      hash.update(chunk);
      done(null, chunk);
    },
  });
}

function manualHint(url: string, target: string, transform: Plan['transform']): string {
  const local = !/^https?:\/\//i.test(url);
  const file = transform === 'gzip' ? target.replace(/\.gz$/, '') : transform === 'gunzip' ? `${target}.gz` : target;
  const from = local && /^file:\/\//i.test(url) ? fileURLToPath(url) : url;
  const command = local ? `cp '${from}' '${file}'` : `curl -L -o '${file}' '${url}'`;
  return `; to fetch it by hand: ${command}${transform === 'gzip' ? ` && gzip -n '${file}'` : transform === 'gunzip' ? ` && gunzip '${file}'` : ''}`;
}

async function download(file: DataFile, target: string, p: Plan, options: FetchDataOptions, replace: boolean): Promise<void> {
  const open = options.open ?? openSource;
  // One signal for the caller's abort and for a stalled server (no byte for `stallSeconds`), connect included.
  const stallMs = (options.stallSeconds ?? 60) * 1000;
  const controller = new AbortController();
  const stalled = new DownloadError(`no data for ${stallMs / 1000} s: the server stalled`, p.url);
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(stalled), stallMs);
  };
  const forward = () => controller.abort(options.signal!.reason);
  options.signal?.addEventListener('abort', forward, { once: true });
  let writer: AtomicFileWriter | undefined;
  try {
    arm();
    const source = await open(p.url, controller.signal);
    writer = new AtomicFileWriter(target, { replace, option: 'to' });
    const out = writer;
    const hash = createHash('sha256');
    const count = { bytes: 0 };
    let received = 0;
    const total = source.size ?? (p.transform === 'gunzip' ? undefined : p.expect.bytes);
    const progress = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        arm();
        received += chunk.length;
        options.onProgress?.({ file, url: p.url, received, total });
        done(null, chunk);
      },
    });
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        try {
          out.write(chunk);
          done();
        } catch (error) {
          done(error as Error);
        }
      },
    });
    const check = checker(p.expect, p.url, file.path, hash, count);
    const input = Readable.from(source.body);
    const signal = { signal: controller.signal };
    if (p.transform === 'gzip') await pipeline(input, progress, check, createGzip({ level: 9 }), sink, signal);
    else if (p.transform === 'gunzip') await pipeline(input, progress, createGunzip(), check, sink, signal);
    else await pipeline(input, progress, check, sink, signal);
    const sha256 = hash.digest('hex');
    if (count.bytes !== p.expect.bytes || sha256 !== p.expect.sha256) {
      throw new DownloadError(`checksum mismatch for ${file.path}: expected SHA-256 ${p.expect.sha256} (${p.expect.bytes.toLocaleString('en')} bytes), ` +
        `got ${sha256} (${count.bytes.toLocaleString('en')} bytes)${p.transform === 'copy' ? '' : ' of the decompressed content'}`, p.url);
    }
    writer.commit();
  } catch (error) {
    writer?.abort();
    if (controller.signal.reason === stalled && !options.signal?.aborted) throw stalled;
    throw error;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', forward);
  }
}

/** The typed form of what went wrong while downloading from `url`. */
function downloadFailure(error: unknown, url: string, target: string, transform: Plan['transform']): CislabError {
  const hint = manualHint(url, target, transform);
  if (error instanceof DownloadError) return new DownloadError(error.problem + hint, url);
  if (error instanceof CislabError) return error;
  const system = fileSystemError(error);
  if (system) return system;
  // zlib names a corrupt stream by code (Z_DATA_ERROR, …); fetch hides a dropped connection's reason in `cause`.
  const e = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const reason = e.cause?.code ?? e.cause?.message;
  const what = e.message === 'terminated' ? 'the connection closed before the end' : `${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}`;
  return new DownloadError(`the transfer failed (${what}${reason ? `: ${reason}` : ''})${hint}`, url);
}

/**
 * Downloads a data set into a data folder, checking every file's size and SHA-256 against the manifest. Files
 * already there with the right checksum are kept; a file there with another checksum is refused unless `force`.
 * Every file is tried; the result lists what happened to each (see {@link FetchedFile}).
 * @param options - `dataset` (default 'all'), `to` (default: the data folder cislab reads), `from` (a mirror URL or
 *   folder; default `$CISLAB_DATA_MIRROR`, else each file's public original), `force`, `open`, `onProgress`,
 *   `onFile`, `signal`.
 * @returns One entry per file, in the manifest's order.
 * @example
 * const results = await fetchData({ dataset: 'dream2022', to: 'data' });
 * const missing = results.filter((r) => r.status !== 'fetched' && r.status !== 'present');
 */
export async function fetchData(options: FetchDataOptions = {}): Promise<FetchedFile[]> {
  const to = resolve(options.to ?? defaultDataDir());
  const mirror = options.from ?? (process.env['CISLAB_DATA_MIRROR'] || undefined);
  const from = mirror === undefined || isUrl(mirror) ? mirror : resolve(mirror);
  const results: FetchedFile[] = [];
  for (const file of options.files ?? dataFiles(options.dataset ?? 'all')) {
    options.signal?.throwIfAborted();
    const target = join(to, ...file.path.split('/'));
    const p = plan(file, from);
    const result = await fetchOne(file, target, p, options);
    results.push(result);
    options.onFile?.(result);
  }
  return results;
}

async function fetchOne(file: DataFile, target: string, p: Plan | undefined, options: FetchDataOptions): Promise<FetchedFile> {
  const base = { file, target, url: p?.url };
  const exists = existsSync(target);
  if (exists) {
    let present: { ok: boolean; sha256: string };
    try {
      present = await matches(target, file);
    } catch (error) {
      return { ...base, status: 'failed', error: fileSystemError(error) ?? new CislabError(`cannot read it to check its checksum (${(error as Error).message})`, { file: target }) };
    }
    if (present.ok) return { ...base, status: 'present' };
    if (!options.force) {
      return { ...base, status: 'refused', error: new OutputError(
        `exists with SHA-256 ${present.sha256}, expected ${file.sha256} (${file.path}); cislab does not replace it unless asked: pass --force to replace it, or move it away`,
        { file: target },
      ) };
    }
  }
  if (!p) {
    return { ...base, status: 'unavailable', error: new CislabError(
      `no public copy of this file (${file.origin}); fetch it from a mirror of the data folder: --from URL-or-DIR or CISLAB_DATA_MIRROR`,
      { file: target },
    ) };
  }
  removeStaleTemporaries(target);
  try {
    await download(file, target, p, options, exists);
    return { ...base, status: 'fetched' };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return { ...base, status: 'failed', error: downloadFailure(error, p.url, target, p.transform) };
  }
}
