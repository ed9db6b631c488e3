/**
 * Sequences as a Camformer-family model reads them: checked against the model's input length, then encoded in
 * its encoding. A length mismatch names the fix (preprocessing to the model's length).
 */
import { ModelError } from '../../errors';
import { encode, type Encoded } from '../../data/encode';
import type { Model } from './model';

export interface ModelInputOptions {
  /**
   * Measured expression per sequence, for the Int channel of `onehotWithInt`/`onehotWithBoth` (1 where the value
   * is not an integer, i.e. a multi-cell mean). Leave out for sequences measured in many cells (DREAM test
   * sequences): the channel is then 1 everywhere, as the Camformer authors encode test data.
   */
  expression?: ArrayLike<number>;
}

/** `sequences` encoded for `model`; every sequence must have the model's input length. */
export function modelInputs(model: Model, sequences: readonly string[], options: ModelInputOptions = {}): Encoded {
  const wrong = sequences.findIndex((s) => s.length !== model.inputLength);
  if (wrong >= 0) {
    throw new ModelError(
      `sequence ${wrong + 1} has length ${sequences[wrong]!.length} but model '${model.config.name}' takes ${model.inputLength} nt; ` +
        `use .preprocess({ length: ${model.inputLength} }) to pad/truncate`,
      { option: 'sequences' },
    );
  }
  return encode(sequences, model.encoding, { expression: options.expression });
}
