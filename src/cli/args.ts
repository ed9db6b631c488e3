/**
 * Argument parsing shared by the commands: Node's own `parseArgs` in strict mode, with errors that name the
 * option and the command's usage line instead of a stack trace.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { OptionError } from '../errors';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface Command {
  name: string;
  usage: string;
  summary: string;
  run(argv: string[]): Promise<number>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Thrown by `parseCommandArgs` when the arguments ask for help (`--help`, `-h`): the dispatcher prints the
 * command's help and exits 0. Not an error of the user's.
 */
export class HelpRequested extends Error {
  constructor(readonly command: string, readonly options: OptionSpec) {
    super(`help for ${command}`);
  }
}

/**
 * Parses a command's arguments in strict mode against `options` (the one table both the parser and
 * `cislab COMMAND --help` read). An unknown option names the closest valid one; positional arguments are an
 * error unless `positionals` is true (a command that takes them checks them itself).
 */
export function parseCommandArgs(command: Pick<Command, 'name' | 'usage'>, argv: string[], options: OptionSpec, { positionals: allowPositionals = false } = {}): ParsedArgs {
  if (argv.includes('--help') || argv.includes('-h')) throw new HelpRequested(command.name, options);
  let parsed: ParsedArgs;
  try {
    const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
    parsed = { values: values as ParsedArgs['values'], positionals };
  } catch (error) {
    const message = (error as Error).message;
    const unknown = /^Unknown option '(-{1,2})([^']+)'/.exec(message);
    if (unknown) {
      const guess = nearest(unknown[2]!, Object.keys(options));
      throw new OptionError(`unknown option ${unknown[1]}${unknown[2]}${guess ? `; did you mean --${guess}?` : ''} (cislab ${command.name} --help lists them)`, { option: unknown[2] });
    }
    throw new OptionError(`${message.split('\n')[0]} (cislab ${command.name} --help lists the options)`, { option: command.name });
  }
  if (!allowPositionals && parsed.positionals.length) {
    throw new OptionError(`unexpected argument${parsed.positionals.length > 1 ? 's' : ''} ${parsed.positionals.map((p) => `'${p}'`).join(' ')}; every input is given by an option (cislab ${command.name} --help)`, { option: parsed.positionals[0] });
  }
  return parsed;
}

export function requireOption(value: string | undefined, name: string, usage: string): string {
  // One line: the usage is a --help away (the command's name is the usage line's second word).
  if (value === undefined || value === '') throw new OptionError(`--${name} is required (cislab ${usage.split(' ')[1] ?? ''} --help lists the options)`, { option: name });
  return value;
}

export function numberOption(value: string | undefined, name: string, fallback: number, { integer = false, min = -Infinity } = {}): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || (integer && !Number.isInteger(number)) || number < min) {
    throw new OptionError(`expected ${integer ? 'an integer' : 'a number'}${min > -Infinity ? ` ≥ ${min}` : ''}, got '${value}'`, { option: name });
  }
  return number;
}

/** A string option that must be one of `allowed`; `fallback` (or undefined) when not given. */
export function choiceOption<T extends string>(value: string | undefined, name: string, allowed: readonly T[]): T | undefined;
export function choiceOption<T extends string>(value: string | undefined, name: string, allowed: readonly T[], fallback: T): T;
export function choiceOption<T extends string>(value: string | undefined, name: string, allowed: readonly T[], fallback?: T): T | undefined {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new OptionError(`unknown ${name} '${value}'; expected ${allowed.join(', ')}`, { option: name });
  return value as T;
}

/** Edit distance (insertions, deletions, substitutions), for suggesting the option or command meant. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length]!;
}

/** The candidate closest to `word` when it is close enough to be a typo (or a prefix), else undefined. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = candidate.startsWith(word) && word.length >= 3 ? 0.5 : distance(word, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(1, Math.floor((best?.length ?? 0) / 3)) ? best : undefined;
}
