/**
 * ISM at scale, stored dense: one `.npz` file (NumPy's zip of arrays) per run, which Python opens with numpy
 * alone and cislab reads back by sequence range:
 *
 *   effects   float32 [n, R, 4]   prediction with base A/C/G/T at region position p minus the reference
 *                                 prediction; 0 at the reference base (R = region length)
 *   reference float32 [n]         unmutated prediction of each sequence
 *   ids       <U{w}   [n]         sequence ids
 *   ref       |S{R}   [n]         the region's reference letters (A, C, G, T, N)
 *   meta      <U{m}   ()          JSON: format 'cislab-ism', version, region, bases, rows, model, data, part
 *
 * 16 bytes per variant slot instead of a table row per variant (240 rows per DREAM promoter). The effects are
 * streamed into the file as sequences are done; ids, reference letters and predictions (~100 bytes per
 * sequence) are held until the end. `ismStoreTable` turns a stored range back into the tidy `ismScores` table.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { InputError, OptionError } from '../errors';
import { AtomicFileWriter } from '../io/atomic-stream';
import { NpzReader, NpzWriter, npyHeader, type NpzWriterOptions } from '../io/npz';
import { BASE_INDEX } from '../data/alphabet';
import { appendTidyIsm, emptyIsmColumns } from './ism';
import type { DenseIsm, IsmRegion } from './ism-dense';

export const ISM_STORE_FORMAT = 'cislab-ism';
export const ISM_STORE_VERSION = 1;

/** The `meta` array of an ISM store. `extra` is what the writer adds (model, data, command options, part). */
export interface IsmStoreMeta {
  format: typeof ISM_STORE_FORMAT;
  version: number;
  bases: 'ACGT';
  region: IsmRegion;
  count: number;
  [key: string]: unknown;
}

export interface IsmStoreWriterOptions extends NpzWriterOptions {
  /** Sequences the file will hold (the effects array is sized up front). */
  count: number;
  region: IsmRegion;
  /** Further JSON-able facts stored in `meta` (model, data, options). */
  meta?: Record<string, unknown>;
}

/**
 * Writes an ISM store atomically: `append` dense batches in order, then `commit` (or `abort`).
 *
 * @example
 * const store = new IsmStoreWriter('ism.npz', { count: 2, region: { start: 18, end: 97 } });
 * store.append(await ismDense(predictor, codes, 110, { region, encoding }), ['a', 'b']);
 * store.commit();
 */
export class IsmStoreWriter {
  readonly meta: IsmStoreMeta;
  private readonly out: AtomicFileWriter;
  private readonly zip: NpzWriter;
  private readonly regionLength: number;
  private readonly reference: Float32Array;
  private readonly refLetters: Uint8Array;
  private readonly ids: string[] = [];
  private written = 0;

  constructor(target: string, options: IsmStoreWriterOptions) {
    const { count, region } = options;
    if (!Number.isInteger(count) || count < 0) throw new OptionError(`expected a count ≥ 0, got ${count}`, { option: 'count' });
    this.regionLength = region.end - region.start + 1;
    this.meta = { format: ISM_STORE_FORMAT, version: ISM_STORE_VERSION, bases: 'ACGT', region: { start: region.start, end: region.end }, count, ...options.meta };
    this.reference = new Float32Array(count);
    this.refLetters = new Uint8Array(count * this.regionLength);
    this.out = new AtomicFileWriter(target);
    try {
      this.zip = new NpzWriter(this.out, options);
      const header = npyHeader('<f4', [count, this.regionLength, 4]);
      this.zip.begin('effects.npy', header.length + count * this.regionLength * 16);
      this.zip.write(header);
    } catch (error) {
      this.out.abort();
      throw error;
    }
  }

  /** Appends the sequences of a dense ISM (effects = prediction − reference, as float32). */
  append(dense: DenseIsm, ids: readonly string[]): void {
    const effects = new Float32Array(dense.predictions.length);
    for (let s = 0; s < dense.count; s++) {
      const r = dense.reference[s]!;
      const from = s * this.regionLength * 4;
      for (let k = from; k < from + this.regionLength * 4; k++) effects[k] = dense.predictions[k]! - r;
    }
    const letters = new Uint8Array(dense.refCodes.length);
    for (let k = 0; k < letters.length; k++) letters[k] = LETTER_BYTES[dense.refCodes[k]!]!;
    this.appendEffects(effects, Float32Array.from(dense.reference), ids, letters);
  }

  /** Appends sequences given as stored arrays (what a merge copies from a part). */
  appendEffects(effects: Float32Array, reference: Float32Array, ids: readonly string[], refLetters: Uint8Array): void {
    const n = reference.length;
    if (ids.length !== n || effects.length !== n * this.regionLength * 4 || refLetters.length !== n * this.regionLength) {
      throw new OptionError(`inconsistent batch: ${n} references, ${ids.length} ids, ${effects.length} effects, ${refLetters.length} letters`, { option: 'append' });
    }
    if (this.written + n > this.meta.count) throw new OptionError(`more than the ${this.meta.count} sequences declared`, { option: 'count' });
    this.zip.write(new Uint8Array(effects.buffer, effects.byteOffset, effects.byteLength));
    this.reference.set(reference, this.written);
    this.refLetters.set(refLetters, this.written * this.regionLength);
    this.ids.push(...ids);
    this.written += n;
  }

  /** Writes the remaining arrays and renames the file into place. */
  commit(): void {
    try {
      if (this.written !== this.meta.count) throw new OptionError(`${this.written} sequences written, ${this.meta.count} declared`, { option: 'count' });
      this.zip.end();
      this.zip.addArray('reference.npy', '<f4', [this.meta.count], new Uint8Array(this.reference.buffer));
      let width = 1;
      for (const id of this.ids) width = Math.max(width, [...id].length);
      this.zip.addArray('ids.npy', `<U${width}`, [this.meta.count], utf32(this.ids, width));
      this.zip.addArray('ref.npy', `|S${this.regionLength}`, [this.meta.count], this.refLetters);
      const meta = JSON.stringify(this.meta);
      this.zip.addArray('meta.npy', `<U${Math.max(1, [...meta].length)}`, [], utf32([meta], Math.max(1, [...meta].length)));
      this.zip.finish();
      this.out.commit();
    } catch (error) {
      this.out.abort();
      throw error;
    }
  }

  abort(): void {
    this.out.abort();
  }
}

const LETTER_BYTES = Uint8Array.from('ACGTN', (c) => c.charCodeAt(0));

/** NumPy `<U{width}`: each string as `width` UTF-32LE code points, zero-padded. */
function utf32(strings: readonly string[], width: number): Uint8Array {
  const out = new Uint32Array(strings.length * width);
  strings.forEach((s, i) => {
    let k = 0;
    for (const ch of s) out[i * width + k++] = ch.codePointAt(0)!;
  });
  return new Uint8Array(out.buffer);
}

function fromUtf32(bytes: Uint8Array, count: number, width: number): string[] {
  const points = new Uint32Array(bytes.buffer, bytes.byteOffset, count * width);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let s = '';
    for (let k = 0; k < width; k++) {
      const p = points[i * width + k]!;
      if (!p) break;
      s += String.fromCodePoint(p);
    }
    out.push(s);
  }
  return out;
}

/** An ISM store opened for reading by sequence range. Call `close()` when done. */
export class IsmStore {
  readonly meta: IsmStoreMeta;
  readonly count: number;
  readonly region: IsmRegion;
  readonly regionLength: number;
  private readonly npz: NpzReader;

  constructor(readonly file: string) {
    this.npz = new NpzReader(file);
    try {
      const meta = this.npz.array('meta');
      const width = Number(/^<U(\d+)$/.exec(meta.descr)?.[1]);
      const parsed = JSON.parse(fromUtf32(this.npz.read(meta.dataOffset, width * 4), 1, width)[0]!) as IsmStoreMeta;
      if (parsed.format !== ISM_STORE_FORMAT) throw new InputError(`not a cislab ISM store (format '${String(parsed.format)}')`, { file });
      if (parsed.version > ISM_STORE_VERSION) throw new InputError(`ISM store version ${parsed.version} is newer than this cislab reads (${ISM_STORE_VERSION})`, { file });
      this.meta = parsed;
      this.count = parsed.count;
      this.region = parsed.region;
      this.regionLength = parsed.region.end - parsed.region.start + 1;
      const effects = this.npz.array('effects');
      if (effects.descr !== '<f4' || effects.shape.join() !== [this.count, this.regionLength, 4].join()) {
        throw new InputError(`effects array is ${effects.descr} ${JSON.stringify(effects.shape)}, expected <f4 [${this.count}, ${this.regionLength}, 4]`, { file });
      }
    } catch (error) {
      this.npz.close();
      if (error instanceof SyntaxError) throw new InputError(`meta is not JSON (${error.message})`, { file });
      throw error;
    }
  }

  /** Effects of sequences [from, to) as float32 [to − from, R, 4]. */
  effects(from = 0, to = this.count): Float32Array {
    this.checkRange(from, to);
    const slot = this.regionLength * 16;
    const bytes = this.npz.read(this.npz.array('effects').dataOffset + from * slot, (to - from) * slot);
    return new Float32Array(bytes.buffer, 0, (to - from) * this.regionLength * 4);
  }

  /** Reference predictions of sequences [from, to). */
  reference(from = 0, to = this.count): Float32Array {
    this.checkRange(from, to);
    return new Float32Array(this.npz.read(this.npz.array('reference').dataOffset + from * 4, (to - from) * 4).buffer);
  }

  /** Ids of sequences [from, to). */
  ids(from = 0, to = this.count): string[] {
    this.checkRange(from, to);
    const member = this.npz.array('ids');
    const width = Number(/^<U(\d+)$/.exec(member.descr)?.[1]);
    return fromUtf32(this.npz.read(member.dataOffset + from * width * 4, (to - from) * width * 4), to - from, width);
  }

  /** Reference letters of the region (ASCII bytes, R per sequence) of sequences [from, to). */
  refLetters(from = 0, to = this.count): Uint8Array {
    this.checkRange(from, to);
    return this.npz.read(this.npz.array('ref').dataOffset + from * this.regionLength, (to - from) * this.regionLength);
  }

  close(): void {
    this.npz.close();
  }

  private checkRange(from: number, to: number): void {
    if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from <= to && to <= this.count)) {
      throw new OptionError(`sequence range ${from}–${to} is outside 0–${this.count}`, { option: 'range' });
    }
  }
}

/**
 * The tidy ISM table (`ismScores`' columns and order) of stored sequences [from, to): the view of a dense store
 * for analyses that want one row per variant. `prediction` is reference + the stored float32 effect (within
 * ~1e-7 of the prediction itself).
 *
 * @example
 * const table = ismStoreTable('ism.npz', { to: 10 });   // the first 10 sequences, 2,400 rows for DREAM promoters
 */
export function ismStoreTable(file: string, options: { from?: number; to?: number } = {}): ColumnTable {
  const store = new IsmStore(file);
  try {
    const from = options.from ?? 0;
    const to = options.to ?? store.count;
    const letters = store.refLetters(from, to);
    const refCodes = Uint8Array.from(letters, (b) => BASE_INDEX[b]!);
    const columns = emptyIsmColumns();
    appendTidyIsm(columns, { count: to - from, region: store.region, refCodes, reference: store.reference(from, to), effects: store.effects(from, to) }, store.ids(from, to));
    return aq.table(columns);
  } finally {
    store.close();
  }
}
