/**
 * Opening a download as a byte stream: `http(s)://` through Node's global `fetch` (redirects followed),
 * `file://` addresses and plain paths through the file system — so a mirror may be a web server or a folder. The
 * opener is a plain function `(url) → stream`, so a caller (or a test) can pass its own.
 */
import { createReadStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DownloadError } from '../errors';

/** An opened download: its bytes, and their number when the source says so in advance. */
export interface SourceStream {
  /** The bytes, in order (chunks of any size). */
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** The size the source announced (Content-Length, or the file's size), when it did. */
  size?: number;
}

/** Opens `url` for reading; rejects with a {@link DownloadError} when it cannot. */
export type OpenSource = (url: string, signal?: AbortSignal) => Promise<SourceStream>;

/** True for an address with a scheme cislab downloads from (`http:`, `https:`, `file:`), false for a plain path. */
export function isUrl(source: string): boolean {
  return /^(https?|file):\/\//i.test(source);
}

/** The address of `path` (`/`-separated) under `base`, a URL or a folder. */
export function sourceUrl(base: string, path: string): string {
  if (isUrl(base)) return `${base.replace(/\/+$/, '')}/${path.split('/').map(encodeURIComponent).join('/')}`;
  return join(base, ...path.split('/'));
}

/** Opens `url`: `http(s)://` by `fetch`, `file://` or a plain path from the file system. */
export const openSource: OpenSource = async (url, signal) => {
  if (/^https?:\/\//i.test(url)) return openHttp(url, signal);
  const file = /^file:\/\//i.test(url) ? fileURLToPath(url) : url;
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new DownloadError('is not a file', url);
    size = stat.size;
  } catch (error) {
    if (error instanceof DownloadError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new DownloadError(code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(error)})`, url);
  }
  return { body: createReadStream(file, { signal }), size };
};

async function openHttp(url: string, signal?: AbortSignal): Promise<SourceStream> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow', signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    // fetch hides the system's reason (ENOTFOUND, ECONNREFUSED, a TLS failure) in `cause`.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new DownloadError(`cannot reach the server (${cause?.code ?? cause?.message ?? (error as Error).message})`, url);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => undefined);
    throw new DownloadError(`the server answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`, url);
  }
  const length = Number(response.headers.get('content-length'));
  // A Content-Length of a compressed transfer counts the compressed bytes, not those the stream yields.
  const size = Number.isFinite(length) && length >= 0 && !response.headers.get('content-encoding') ? length : undefined;
  return { body: response.body as unknown as AsyncIterable<Uint8Array>, size };
}
