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

/** Base class of every error cislab throws on purpose. */
export class CislabError extends Error {
  readonly file?: string;
  readonly line?: number;
  readonly field?: string;
  readonly option?: string;

  constructor(problem: string, place: ErrorPlace = {}) {
    super(describePlace(place) + problem);
    this.name = new.target.name;
    Object.assign(this, place);
  }
}

/** A file (or in-memory source) whose content is not what the reader expects. */
export class InputError extends CislabError {}

/** An option or argument with a value outside what the function accepts. */
export class OptionError extends CislabError {}

/** A model asked to do something its configuration cannot (wrong input length, channels, …). */
export class ModelError extends CislabError {}

function describePlace({ file, line, field, option }: ErrorPlace): string {
  const parts: string[] = [];
  if (file !== undefined) parts.push(line !== undefined ? `${file}:${line}` : file);
  else if (line !== undefined) parts.push(`line ${line}`);
  if (field !== undefined) parts.push(`field '${field}'`);
  if (option !== undefined) parts.push(`option '${option}'`);
  return parts.length ? parts.join(', ') + ': ' : '';
}
