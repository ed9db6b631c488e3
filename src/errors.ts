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

function describePlace({ file, line, field, option }: ErrorPlace): string {
  const parts: string[] = [];
  if (file !== undefined) parts.push(line !== undefined ? `${file}:${line}` : file);
  else if (line !== undefined) parts.push(`line ${line}`);
  if (field !== undefined) parts.push(`field '${field}'`);
  if (option !== undefined) parts.push(`option '${option}'`);
  return parts.length ? parts.join(', ') + ': ' : '';
}
