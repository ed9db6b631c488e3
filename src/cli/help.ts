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
  ablate: 'cislab ablate --model mini.model --data dream2022:test --limit 50 --region 40-50 --out ablate.tsv',
  pairwise: 'cislab pairwise --model mini.model --data dream2022:test --limit 2 --region 30-60 --out pairwise.tsv',
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
  data: 'cislab data fetch --dataset dream2022 --list',
};

interface OptionLine {
  flag: string;
  detail: string;
}

/** What the usage line says about `--name`: its value placeholder or default, and whether it is optional. */
function usageOf(usage: string, name: string): { value?: string; optional: boolean; found: boolean; stated?: string } {
  const match = new RegExp(`(\\[|\\(|\\| )?--${name.replace(/[-]/g, '\\-')}(?=[\\s\\]|)]|$)(?:[ =]([^\\s\\]|)][^\\s\\])]*))?`).exec(usage);
  if (!match) return { optional: true, found: false };
  const value = match[2] && !match[2].startsWith('--') ? match[2] : undefined;
  // `[--checkpoint DIR (default: OUT.checkpoint)]`: a default the usage line spells out.
  const stated = /^\s*\(default:?\s*([^)]*)\)/.exec(usage.slice(match.index + match[0].length));
  return { value, optional: match[1] !== undefined, found: true, stated: stated?.[1] };
}

function describe(name: string, spec: OptionSpec[string], usage: string): OptionLine {
  if (spec.type === 'boolean') return { flag: `--${name}`, detail: `flag (default ${spec.default === true ? 'on' : 'off'})${grouped(usage, name) ? ', in one form of the command (see usage)' : ''}` };
  const { value, optional, found, stated } = usageOf(usage, name);
  const placeholder = value ?? 'VALUE';
  const isPlaceholder = /^[A-Z]/.test(placeholder);
  const isChoice = /^[a-z0-9+-]+(\|[a-z0-9+-]+)+$/.test(placeholder);
  let detail: string;
  if (stated) detail = `default ${stated}`;
  else if (grouped(usage, name)) detail = 'in one form of the command (see usage)';
  else if (!optional && found) detail = isChoice ? `required, one of ${placeholder.split('|').join(', ')}` : 'required';
  else if (isChoice) detail = `optional, one of ${placeholder.split('|').join(', ')}`;
  else if (value === undefined || isPlaceholder) detail = 'optional, no default';
  else detail = `default ${placeholder}`;
  return { flag: `--${name} ${isPlaceholder || isChoice ? placeholder : valueKind(placeholder)}`, detail };
}

/** True when `--name` sits inside a `( … | … )` group of the usage line (one of several forms). */
function grouped(usage: string, name: string): boolean {
  const at = usage.search(new RegExp(`--${name.replace(/[-]/g, '\\-')}(?=[\\s\\]|)=]|$)`));
  if (at < 0) return false;
  let depth = 0;
  for (const ch of usage.slice(0, at).replace(/\(default[^)]*\)/g, '')) depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
  return depth > 0;
}

function valueKind(example: string): string {
  if (/^\d+$/.test(example)) return 'N';
  return /^-?\d*\.?\d+(e[+-]?\d+)?$/i.test(example) ? 'X' : 'VALUE';
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
