/**
 * A per-layer table of a CNN config in the style of the Camformer paper's Fig. 2b (torchsummary): one row per
 * layer with its output shape and trainable parameters (conv weights + biases, batch-norm γ and β, dense
 * weights + biases — the PyTorch count). Computed from the config alone, so the 16.6 M-parameter Camformer
 * can be described without building it.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { blockShapes, convPadding, flattenSize, resolveConfig, type CnnConfig, type PresetName } from './config';

export interface ModelSummaryOptions {
  /** Also list the parameter-free layers (ReLU, dropout, residual sum); default true. */
  all?: boolean;
}

interface SummaryRow {
  layer: string;
  type: string;
  output: string;
  parameters: number;
  detail: string;
}

/**
 * One row per layer of an architecture:
 * `layer` (conv1, bn1, …, dense1, output), `type`, `output` (positions × channels, or units), `parameters`,
 * `detail` (kernel, padding, pooling, dropout, residual). The `parameters` column sums to
 * `countConfigParameters(config)`.
 * @param nameOrConfig - A preset name or a (partial) config.
 * @param options - `all`: also list the parameter-free layers (default true).
 * @returns The table of layers.
 * @example
 * modelSummary('camformer-mini', { all: false });
 */
export function modelSummary(
  nameOrConfig: PresetName | CnnConfig | (Partial<CnnConfig> & { base?: PresetName }),
  options: ModelSummaryOptions = {},
): ColumnTable {
  const { all = true } = options;
  const c = resolveConfig(nameOrConfig as PresetName | (Partial<CnnConfig> & { base?: PresetName }));
  const shapes = blockShapes(c);
  const rows: SummaryRow[] = [];
  const add = (row: SummaryRow, always = false) => { if (always || all || row.parameters > 0) rows.push(row); };
  let inChannels = c.inputChannels;
  let length = c.inputLength;
  c.convs.forEach((l, i) => {
    const b = i + 1;
    const [left, right] = convPadding(l);
    const convLength = length + left + right - l.kernel + 1;
    const shape = (n: number) => `${n} × ${l.channels}`;
    add({
      layer: `conv${b}`, type: 'Conv1d', output: shape(convLength),
      parameters: l.kernel * inChannels * l.channels + l.channels,
      detail: `${inChannels}→${l.channels}, kernel ${l.kernel}, padding ${l.padding === 'same' ? 'same' : `[${left}, ${right}]`}`,
    });
    add({ layer: `bn${b}`, type: 'BatchNorm', output: shape(convLength), parameters: 2 * l.channels, detail: 'γ, β' });
    add({ layer: `relu${b}`, type: 'ReLU', output: shape(convLength), parameters: 0, detail: '' });
    const [outLength] = shapes[i]!;
    if (l.pool) {
      add({ layer: `pool${b}`, type: 'MaxPool', output: shape(outLength), parameters: 0, detail: `kernel ${l.pool.kernel}, stride ${l.pool.stride}` });
    }
    if (l.dropout > 0) add({ layer: `dropout${b}`, type: 'Dropout', output: shape(outLength), parameters: 0, detail: `p = ${l.dropout}` });
    if (c.residual.includes(b)) {
      add({ layer: `sum${b}`, type: 'Residual add', output: shape(outLength), parameters: 0, detail: `block ${b} + block ${b - 1}` });
    }
    inChannels = l.channels;
    length = outLength;
  });
  let inSize = flattenSize(c);
  add({ layer: 'flatten', type: 'Flatten', output: `${inSize}`, parameters: 0, detail: `${length} × ${inChannels}` });
  c.dense.forEach((d, i) => {
    add({ layer: `dense${i + 1}`, type: 'Linear', output: `${d}`, parameters: inSize * d + d, detail: `${inSize}→${d}, ReLU` });
    const p = c.denseDropouts[i] ?? 0;
    if (p > 0) add({ layer: `dense_dropout${i + 1}`, type: 'Dropout', output: `${d}`, parameters: 0, detail: `p = ${p}` });
    inSize = d;
  });
  add({ layer: 'output', type: 'Linear', output: '1', parameters: inSize + 1, detail: `${inSize}→1` }, true);
  return aq.from(rows);
}
