/**
 * The `cislab` command line: one module per command, each over the same plain functions the notebook uses.
 */
import { CislabError } from '../errors';
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
import { marginalizeCommand, seqletsCommand, spaceCommand } from './experiment-commands';
import { kernelCommand, notebooksCommand } from './notebook-commands';

export const COMMANDS: Command[] = [
  mainCommand, trainCommand, predictCommand, evaluateCommand, ismCommand, attributeCommand, seqletsCommand, marginalizeCommand, spaceCommand,
  variantsCommand, designCommand, scanCommand, mergeCommand, modelsCommand, importTorchCommand, kernelCommand, notebooksCommand, deeprageCommand, seq2expCommand,
];

export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(['usage: cislab <command> [options]', '', 'commands:', ...COMMANDS.map((c) => `  ${c.usage}\n      ${c.summary}`)].join('\n'));
    return name ? 0 : 1;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`cislab: unknown command '${name}'; commands are: ${COMMANDS.map((c) => c.name).join(', ')}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof CislabError) {
      console.error(`cislab ${name}: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
