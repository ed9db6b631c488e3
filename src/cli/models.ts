/**
 * `cislab models` (the preset catalogue: parameters, encoding, published or reconstructed) and `cislab
 * import-torch` (a PyTorch checkpoint → a cislab model directory): thin layers over `presetTable` and
 * `importTorch`.
 */
import { guardOutput } from '../io/output-guard';
import { ENCODINGS } from '../data/encode';
import { PRESETS } from '../kernels/camformer/config';
import { presetTable } from '../kernels/camformer/presets';
import { saveModel } from '../kernels/camformer/persistence';
import { importTorch } from '../kernels/camformer/torch/import-torch';
import { initBackend } from '../kernels/tensor/backend';
import { choiceOption, parseCommandArgs, requireOption, type Command } from './args';

const modelsUsage = `cislab models [--encoding ${ENCODINGS.join('|')}] [--json]`;

export const modelsCommand: Command = {
  name: 'models',
  usage: modelsUsage,
  summary: 'list the model presets with their parameter counts, input encoding and whether the structure is published or a reconstruction',
  async run(argv) {
    const { values } = parseCommandArgs({ name: 'models', usage: modelsUsage }, argv, {
      encoding: { type: 'string' }, json: { type: 'boolean', default: false },
    });
    const rows = presetTable({ encoding: choiceOption(values['encoding'] as string | undefined, 'encoding', ENCODINGS) });
    if (values['json']) {
      console.log(JSON.stringify(rows, null, 2));
      return 0;
    }
    const header = ['preset', 'parameters', 'encoding', 'channels', 'structure', 'source'];
    const cells = rows.map((r) => [r.name, r.parameters.toLocaleString('en'), `${r.encoding}${r.defaultEncoding ? '' : ' (not its own)'}`, String(r.inputChannels), r.structure, r.source]);
    const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
    const line = (c: string[]) => c.map((cell, i) => (i === 1 || i === 3 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
    console.log([line(header), ...cells.map(line)].join('\n'));
    return 0;
  },
};

const importUsage = `cislab import-torch --weights FILE [--preset ${PRESETS.join('|')}] [--encoding E] [--member PATH] [--out DIR] [--force]`;

export const importTorchCommand: Command = {
  name: 'import-torch',
  usage: importUsage,
  summary: 'import a PyTorch checkpoint (.pt/.pth state dict or pickled module, or a .tar.gz bundle such as the authors\' Camformer_9.tar.gz) as a cislab model directory; the structure is checked tensor by tensor',
  async run(argv) {
    const { values } = parseCommandArgs({ name: 'import-torch', usage: importUsage }, argv, {
      weights: { type: 'string' }, preset: { type: 'string' }, encoding: { type: 'string' }, member: { type: 'string' }, out: { type: 'string' },
      force: { type: 'boolean', default: false },
    });
    const file = requireOption(values['weights'] as string | undefined, 'weights', importUsage);
    const preset = choiceOption(values['preset'] as string | undefined, 'preset', PRESETS);
    const encoding = choiceOption(values['encoding'] as string | undefined, 'encoding', ENCODINGS);
    const out = (values['out'] as string | undefined) ?? defaultOut(file);
    const force = values['force'] as boolean;
    guardOutput(out, { kind: 'directory', force, inputs: [file] });
    await initBackend();
    const { model, report } = await importTorch(file, { preset, encoding, member: values['member'] as string | undefined });
    saveModel(model, out, { extra: { importTorch: { ...report, tensors: report.tensors.length } }, replace: force });
    console.log(
      `imported ${report.tensors.length} tensors of ${report.member ?? file} as ${report.structure} (${report.encoding}, from ${report.encodingFrom}; ` +
        `${report.skipped.length} counters skipped${report.convBias ? '' : '; convs without bias'}) → ${out}`,
    );
    return 0;
  },
};

/** `weights.pt` → `weights.cislab`; a bundle `Camformer_9.tar.gz` → `Camformer_9.cislab`, beside the input. */
function defaultOut(file: string): string {
  return `${file.replace(/\.(tar\.gz|tgz|tar|pt|pth|ckpt|bin)$/i, '')}.cislab`;
}
