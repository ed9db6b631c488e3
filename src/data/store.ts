/**
 * Compact storage of many equal-length sequences: 2 bits per base (A, C, G, T) plus a 1-bit N mask, so a
 * 110-nt promoter takes 42 bytes (28 + 14) instead of 110 as letters or 1,760 as float32 one-hot. Rows live in
 * chunks of `rowsPerChunk` (default 2^20 rows, 44 MB at 110 nt), far below Node's 4 GiB cap on one
 * ArrayBuffer, so 30 M promoters (1.3 GB) are 29 chunks and no typed array ever needs to be larger than one.
 * Nothing is kept per row but its bits: no objects, no strings. Encodings are made from the codes per batch
 * (`storeRows` in store-rows.ts).
 */
import { OptionError } from '../errors';
import { BASE_INDEX } from './alphabet';

export interface SequenceStoreOptions {
  /** Rows per chunk (default 2^20). The last chunk grows by doubling up to this size. */
  rowsPerChunk?: number;
}

interface Chunk {
  /** 2-bit base codes, `codeBytes` per row; N positions hold 0 here and 1 in `nMask`. */
  codes: Uint8Array;
  /** 1 bit per base: set where the base is N. */
  nMask: Uint8Array;
  /** Rows this chunk has room for. */
  capacity: number;
}

const LETTERS = 'ACGTN';

/** Equal-length DNA sequences as 2-bit codes plus an N mask, in chunks. */
export class SequenceStore {
  /** Bases per row. */
  readonly length: number;
  readonly rowsPerChunk: number;
  /** Bytes per row in the 2-bit plane and in the N plane. */
  readonly codeBytes: number;
  readonly maskBytes: number;
  private readonly chunks: Chunk[] = [];
  private rows = 0;

  constructor(length: number, options: SequenceStoreOptions = {}) {
    if (!Number.isInteger(length) || length < 1) throw new OptionError(`sequence length must be a positive integer, got ${length}`, { option: 'length' });
    const rowsPerChunk = options.rowsPerChunk ?? 1 << 20;
    if (!Number.isInteger(rowsPerChunk) || rowsPerChunk < 1) throw new OptionError(`expected a positive integer, got ${rowsPerChunk}`, { option: 'rowsPerChunk' });
    this.length = length;
    this.codeBytes = Math.ceil(length / 4);
    this.maskBytes = Math.ceil(length / 8);
    if (rowsPerChunk * this.codeBytes > 2 ** 30) {
      throw new OptionError(`${rowsPerChunk} rows of ${length} nt make a chunk over 1 GiB; use fewer rows per chunk`, { option: 'rowsPerChunk' });
    }
    this.rowsPerChunk = rowsPerChunk;
  }

  /** A store holding `sequences` (equal length, letters A/C/G/T/N in either case). */
  static fromSequences(sequences: readonly string[], options: SequenceStoreOptions = {}): SequenceStore {
    if (!sequences.length) throw new OptionError('no sequences to store', { option: 'sequences' });
    const store = new SequenceStore(sequences[0]!.length, options);
    const codes = new Uint8Array(store.length);
    sequences.forEach((sequence, row) => {
      if (sequence.length !== store.length) {
        throw new OptionError(`sequence ${row + 1} has length ${sequence.length}, expected ${store.length} like the first; preprocess to one length first`, { option: 'sequences' });
      }
      for (let i = 0; i < store.length; i++) {
        const code = sequence.charCodeAt(i);
        const index = code < 256 ? BASE_INDEX[code]! : 255;
        if (index === 255) throw new OptionError(`sequence ${row + 1} has the letter '${sequence[i]}' at position ${i + 1}; expected A, C, G, T or N`, { option: 'sequences' });
        codes[i] = index;
      }
      store.pushCodes(codes);
    });
    return store;
  }

  /** Number of rows stored. */
  get count(): number {
    return this.rows;
  }

  /** Bytes held by the chunks (allocated capacity included). */
  get byteLength(): number {
    return this.chunks.reduce((sum, c) => sum + c.codes.byteLength + c.nMask.byteLength, 0);
  }

  /** Appends one row of base codes 0–4 (A, C, G, T, N): `length` codes from `codes[offset]` on. */
  pushCodes(codes: ArrayLike<number>, offset = 0): void {
    const { chunk, at } = this.slot();
    const codeStart = at * this.codeBytes;
    const maskStart = at * this.maskBytes;
    for (let i = 0; i < this.length; i++) {
      const code = codes[offset + i]!;
      if (code === 4) chunk.nMask[maskStart + (i >> 3)]! |= 1 << (i & 7);
      else chunk.codes[codeStart + (i >> 2)]! |= (code & 3) << ((i & 3) << 1);
    }
    this.rows++;
  }

  /**
   * Appends one row from ASCII letters `bytes[start, end)` (already validated: A, C, G, T, N in either case),
   * Camformer-style: a shorter row is padded with N at the 3′ end, a longer one truncated to `length`.
   */
  pushLetters(bytes: Uint8Array, start: number, end: number): void {
    const { chunk, at } = this.slot();
    const codeStart = at * this.codeBytes;
    const maskStart = at * this.maskBytes;
    const available = Math.min(end - start, this.length);
    for (let i = 0; i < this.length; i++) {
      const code = i < available ? BASE_INDEX[bytes[start + i]!]! : 4;
      if (code === 4) chunk.nMask[maskStart + (i >> 3)]! |= 1 << (i & 7);
      else chunk.codes[codeStart + (i >> 2)]! |= (code & 3) << ((i & 3) << 1);
    }
    this.rows++;
  }

  /** The base codes 0–4 of `row`, written into `out` from `outOffset` on. */
  readCodes(row: number, out: Uint8Array, outOffset = 0): Uint8Array {
    if (!(row >= 0 && row < this.rows && Number.isInteger(row))) throw new OptionError(`row ${row} is not in 0–${this.rows - 1}`, { option: 'rows' });
    const chunk = this.chunks[Math.floor(row / this.rowsPerChunk)]!;
    const at = row % this.rowsPerChunk;
    const codes = chunk.codes;
    const mask = chunk.nMask;
    const codeStart = at * this.codeBytes;
    const maskStart = at * this.maskBytes;
    for (let i = 0; i < this.length; i++) {
      out[outOffset + i] = (mask[maskStart + (i >> 3)]! >> (i & 7)) & 1 ? 4 : (codes[codeStart + (i >> 2)]! >> ((i & 3) << 1)) & 3;
    }
    return out;
  }

  /** Row `row` as letters (upper case). For display and tests; encoders read codes. */
  sequence(row: number): string {
    const codes = this.readCodes(row, new Uint8Array(this.length));
    let out = '';
    for (let i = 0; i < codes.length; i++) out += LETTERS[codes[i]!];
    return out;
  }

  /** The chunk and in-chunk index the next row goes to, growing or adding a chunk when full. */
  private slot(): { chunk: Chunk; at: number } {
    const index = Math.floor(this.rows / this.rowsPerChunk);
    const at = this.rows % this.rowsPerChunk;
    let chunk = this.chunks[index];
    if (!chunk) {
      chunk = this.allocate(Math.min(this.rowsPerChunk, 1024));
      this.chunks.push(chunk);
    } else if (at === chunk.capacity) {
      const grown = this.allocate(Math.min(this.rowsPerChunk, chunk.capacity * 2));
      grown.codes.set(chunk.codes);
      grown.nMask.set(chunk.nMask);
      this.chunks[index] = chunk = grown;
    }
    return { chunk, at };
  }

  private allocate(capacity: number): Chunk {
    return { codes: new Uint8Array(capacity * this.codeBytes), nMask: new Uint8Array(capacity * this.maskBytes), capacity };
  }
}
