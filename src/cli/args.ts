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

export function parseCommandArgs(command: Pick<Command, 'name' | 'usage'>, argv: string[], options: OptionSpec): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (error) {
    throw new OptionError(`${(error as Error).message}\nusage: ${command.usage}`, { option: command.name });
  }
}

export function requireOption(value: string | undefined, name: string, usage: string): string {
  if (value === undefined || value === '') throw new OptionError(`--${name} is required\nusage: ${usage}`, { option: name });
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
