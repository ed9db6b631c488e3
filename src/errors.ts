/**
 * Errors a user can cause. Each names where the problem is (file, line, field or option) and what was
 * expected, so a notebook user can fix the input without reading our source.
 */

export interface ErrorPlace {
  /** Path of the file being read, if any. */
  file?: string;
  /** 1-based line number in that file. */
  line?: number;
  /** Column, field or record name. */
  field?: string;
  /** Name of the option or argument that was wrong. */
  option?: string;
}

/**
 * Base class of every error cislab throws on purpose.
 * Its message starts with the place (`file:line, field 'x', option 'y': `); the same parts are fields.
 * @example
 * try { readPromoters('train.txt'); } catch (e) { if (e instanceof CislabError) console.log(e.file, e.line); }
 */
export class CislabError extends Error {
  /** Path of the file being read, if any. */
  readonly file?: string;
  /** 1-based line number in that file. */
  readonly line?: number;
  /** Column, field or record name. */
  readonly field?: string;
  /** Name of the option or argument that was wrong. */
  readonly option?: string;

  constructor(problem: string, place: ErrorPlace = {}) {
    super(describePlace(place) + problem);
    this.name = new.target.name;
    Object.assign(this, place);
  }
}

/**
 * A file (or in-memory source) whose content is not what the reader expects.
 * @example
 * throw new InputError("expected A, C, G, T or N, got 'X'", { file: 'train.txt', line: 12, field: 'sequence' });
 */
export class InputError extends CislabError {}

/**
 * An option or argument with a value outside what the function accepts.
 * @example
 * throw new OptionError('expected a positive integer, got 0', { option: 'epochs' });
 */
export class OptionError extends CislabError {}

/**
 * A model asked to do something its configuration cannot (wrong input length, channels, …).
 * @example
 * throw new ModelError('the model takes 110-nt sequences, got 80');
 */
export class ModelError extends CislabError {}

/**
 * An output cislab refuses to write where asked: the path exists and is not a cislab output it may replace (a
 * user's file or folder, the working directory, a folder holding an input). A usage error: choose another path.
 */
export class OutputError extends OptionError {}

/**
 * A download that did not deliver the file it should: the address could not be reached or answered with an
 * error, or the bytes that came back are not the expected ones (size or SHA-256). `url` is the address asked;
 * the message says how to fetch the file by hand. A runtime failure.
 * @example
 * throw new DownloadError('HTTP 404 Not Found', 'https://example.org/test.tsv.gz');
 */
export class DownloadError extends CislabError {
  /** The address that was asked. */
  readonly url: string;
  /** What went wrong, without the place and the address. */
  readonly problem: string;

  constructor(problem: string, url: string, place: ErrorPlace = {}) {
    super(`${url}: ${problem}`, place);
    this.url = url;
    this.problem = problem;
  }
}

/**
 * The file system refused an operation on a path (disk full, permission denied, a missing folder, a path that is
 * a file where a folder was expected): `code` is the system's (ENOSPC, EACCES, ENOENT, …). A runtime failure.
 */
export class FileSystemError extends CislabError {
  readonly code: string;

  constructor(problem: string, code: string, place: ErrorPlace = {}) {
    super(problem, place);
    this.code = code;
  }
}

const SYSTEM_PROBLEMS: Record<string, string> = {
  ENOSPC: 'no space left on the device', EDQUOT: 'disk quota exceeded', EACCES: 'permission denied', EPERM: 'operation not permitted',
  ENOENT: 'no such file or folder', ENOTDIR: 'a part of the path is a file, not a folder', EISDIR: 'is a folder, expected a file',
  EROFS: 'read-only file system', EEXIST: 'already exists', ENOTEMPTY: 'folder is not empty', EMFILE: 'too many open files',
};

/**
 * The typed form of a Node system error (one with `code` and `path`), or undefined for anything else: what the CLI
 * prints instead of a stack trace.
 */
export function fileSystemError(error: unknown): FileSystemError | undefined {
  const e = error as NodeJS.ErrnoException | undefined;
  if (!e || typeof e !== 'object' || typeof e.code !== 'string' || !(e.code in SYSTEM_PROBLEMS)) return undefined;
  const action = e.syscall ? ` (${e.syscall})` : '';
  const problem = e.code === 'EEXIST' && e.syscall === 'mkdir' ? 'is a file, so no folder can be made there' : `${SYSTEM_PROBLEMS[e.code]}${action}`;
  // Name what the user asked for, not the temporary beside it (`.NAME.tmp-PID-…`, see io/atomic.ts).
  const file = e.path?.replace(/(^|\/)\.([^/]+)\.tmp-\d+-\d+-[a-z0-9]+(?=\/|$)/, '$1$2');
  const typed = new FileSystemError(problem, e.code, file ? { file } : {});
  typed.stack = e.stack;
  return typed;
}

function describePlace({ file, line, field, option }: ErrorPlace): string {
  const parts: string[] = [];
  if (file !== undefined) parts.push(line !== undefined ? `${file}:${line}` : file);
  else if (line !== undefined) parts.push(`line ${line}`);
  if (field !== undefined) parts.push(`field '${field}'`);
  if (option !== undefined) parts.push(`option '${option}'`);
  return parts.length ? parts.join(', ') + ': ' : '';
}
