/**
 * The `cislab` command line: one module per command, each over the same plain functions the notebook uses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CislabError, OptionError, fileSystemError } from '../errors';
import { PACKAGE_ROOT } from '../io/package-root';
import { HelpRequested, nearest } from './args';
import { commandHelp } from './help';
import type { Command } from './args';
import { deeprageCommand, seq2expCommand } from './deeprage-seq2exp';
import { evaluateCommand } from './evaluate';
import { mainCommand } from './main-job';
import { trainCommand } from './model-commands';
import { ismCommand, predictCommand } from './predict-ism';
import { mergeCommand } from './merge';
import { importTorchCommand, modelsCommand } from './models';
import { scanCommand } from './scan';
import { attributeCommand } from './attribute';
import { designCommand, variantsCommand } from './variant-design';
import { ablateCommand, marginalizeCommand, pairwiseCommand, seqletsCommand, spaceCommand } from './experiment-commands';
import { kernelCommand, notebooksCommand } from './notebook-commands';
import { dataCommand } from './data';

export const COMMANDS: Command[] = [
  mainCommand, dataCommand, trainCommand, predictCommand, evaluateCommand, ismCommand, attributeCommand, seqletsCommand, marginalizeCommand, ablateCommand, spaceCommand, pairwiseCommand,
  variantsCommand, designCommand, scanCommand, mergeCommand, modelsCommand, importTorchCommand, kernelCommand, notebooksCommand, deeprageCommand, seq2expCommand,
];

/** The installed package's version (from its package.json). */
export function cislabVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Runs one command line; resolves to the exit code: 0 success, 1 runtime failure (bad input file, a failing
 * disk, a model that cannot do what was asked), 2 usage error (bad or missing option, an output cislab will not
 * replace). Errors a user can cause print one line without a stack trace; CISLAB_DEBUG=1 adds the stack.
 */
export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-V' || name === 'version') {
    console.log(`cislab ${cislabVersion()}`);
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const text = ['usage: cislab <command> [options]   (cislab <command> --help for its options)', '', 'commands:', ...COMMANDS.map((c) => `  ${c.usage}\n      ${c.summary}`)].join('\n');
    if (name) console.log(text);
    else console.error(text);
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const guess = nearest(name, COMMANDS.map((c) => c.name));
    console.error(`cislab: unknown command '${name}'${guess ? ` (did you mean '${guess}'?)` : ''}; commands are: ${COMMANDS.map((c) => c.name).join(', ')}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof HelpRequested) {
      console.log(commandHelp(command, error.options));
      return 0;
    }
    return reportError(name, error);
  }
}

/** Prints an error the way the CLI does and returns its exit code. */
export function reportError(command: string, error: unknown): number {
  const typed = error instanceof CislabError ? error : fileSystemError(error);
  const debug = process.env['CISLAB_DEBUG'] === '1';
  if (typed) {
    console.error(`cislab ${command}: ${typed.name}: ${typed.message}`);
    if (debug && typed.stack) console.error(typed.stack);
    return typed instanceof OptionError ? 2 : 1;
  }
  const e = error as Error | undefined;
  console.error(`cislab ${command}: unexpected ${e?.name ?? 'error'}: ${e?.message ?? String(error)}${debug ? '' : ' (CISLAB_DEBUG=1 shows where)'}`);
  if (debug && e?.stack) console.error(e.stack);
  return 1;
}
