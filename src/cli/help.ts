/**
 * `cislab COMMAND --help`: generated from the option table the command's parser reads (so an option the parser
 * accepts is always listed, and nothing is listed that it refuses), with each option's value, default and
 * whether it is required read from the command's usage line, plus a worked example per command.
 */
import type { Command, OptionSpec } from './args';

/** One runnable example per command (the data names are the DREAM2022 files and the built-in simulator). */
const EXAMPLES: Record<string, string> = {
  main: 'cislab main --quick --out out/main',
  train: 'cislab train --model camformer-mini --data simulate:2000 --out mini.model --epochs 2 --checkpoint-every 50',
  predict: 'cislab predict --model mini.model --data dream2022:test --out predictions.tsv',
  evaluate: 'cislab evaluate --predictions predictions.tsv --split private',
  ism: 'cislab ism --model mini.model --data dream2022:test --limit 100 --out ism.npz',
  attribute: 'cislab attribute --model mini.model --data dream2022:test --limit 10 --method saliency --out attributions.tsv',
  seqlets: 'cislab seqlets --attributions attributions.tsv --out seqlets.tsv',
  marginalize: 'cislab marginalize --model mini.model --data dream2022:test --limit 100 --motif GATAAG --out marginalize.tsv',
  space: 'cislab space --model mini.model --data dream2022:test --limit 50 --a GATAAG --b CACGTG --out spacing.tsv',
  variants: 'cislab variants --model mini.model --dream-snv --split public --out variants.tsv',
  design: 'cislab design --model mini.model --method greedy --data dream2022:test --limit 1 --out trajectory.tsv',
  scan: 'cislab scan --motifs motifs.meme --data dream2022:test --text --out hits.tsv',
  merge: 'cislab merge --out predictions.tsv part1.tsv part2.tsv',
  models: 'cislab models --json',
  'import-torch': 'cislab import-torch --weights Camformer_9.tar.gz --out camformer.model',
  kernel: 'cislab kernel install',
  notebooks: 'cislab notebooks test notebooks/',
  deeprage: 'cislab deeprage --simulate --epochs 2 --out deeprage-out',
  seq2exp: 'cislab seq2exp --simulate 400 --epochs 2 --out seq2exp-out',
};

interface OptionLine {
  flag: string;
  detail: string;
}

/** What the usage line says about `--name`: its value placeholder or default, and whether it is optional. */
function usageOf(usage: string, name: string): { value?: string; optional: boolean; found: boolean } {
  const match = new RegExp(`(\\[|\\(|\\| )?--${name.replace(/[-]/g, '\\-')}(?=[\\s\\]|)]|$)(?:[ =]([^\\s\\]|)][^\\s\\])]*))?`).exec(usage);
  if (!match) return { optional: true, found: false };
  const value = match[2] && !match[2].startsWith('--') ? match[2] : undefined;
  return { value, optional: match[1] !== undefined, found: true };
}

function describe(name: string, spec: OptionSpec[string], usage: string): OptionLine {
  if (spec.type === 'boolean') return { flag: `--${name}`, detail: `flag (default ${spec.default === true ? 'on' : 'off'})` };
  const { value, optional, found } = usageOf(usage, name);
  const placeholder = value ?? 'VALUE';
  const isPlaceholder = /^[A-Z][A-Z0-9_.|…-]*$/.test(placeholder.replace(/\.\.\.$/, ''));
  let detail: string;
  if (!optional && found) detail = 'required';
  else if (value === undefined || isPlaceholder) detail = 'optional, no default';
  else if (placeholder.includes('|')) detail = `one of ${placeholder.split('|').join(', ')} (default ${placeholder.split('|')[0]})`;
  else detail = `default ${placeholder}`;
  return { flag: `--${name} ${isPlaceholder ? placeholder : placeholder.includes('|') ? placeholder : valueKind(placeholder)}`, detail };
}

function valueKind(example: string): string {
  return /^-?[\d.e+-]+$/i.test(example) ? (/^\d+$/.test(example) ? 'N' : 'X') : 'VALUE';
}

/** The help text of `command`, from the option table its parser uses. */
export function commandHelp(command: Command, options: OptionSpec): string {
  const lines = Object.entries(options).map(([name, spec]) => describe(name, spec, command.usage));
  lines.push({ flag: '--help, -h', detail: 'this help' });
  const width = Math.max(...lines.map((l) => l.flag.length));
  return [
    `usage: ${command.usage}`,
    '',
    command.summary,
    '',
    'options:',
    ...lines.map((l) => `  ${l.flag.padEnd(width)}  ${l.detail}`),
    '',
    'example:',
    `  ${EXAMPLES[command.name] ?? `cislab ${command.name}`}`,
  ].join('\n');
}
