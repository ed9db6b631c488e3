/**
 * The motif as cislab holds it: a position probability matrix over A, C, G, T (rows = positions), with the
 * counts it came from when the database had them, the number of sites it was built from, and the background
 * its file declared. Everything else (log-odds, scaled PSSMs, logos) is derived from this.
 */
import { OptionError } from '../errors';

export const MOTIF_ALPHABET = ['A', 'C', 'G', 'T'] as const;

/**
 * A position probability matrix with its identity and provenance, as read from a motif file or built with {@link makeMotif}.
 */
export interface Motif {
  /** Database identifier, e.g. `MA0320.1`. */
  id: string;
  /** Alternative identifier (the TF name in JASPAR files), e.g. `IME1`; '' when the file gives none. */
  altId: string;
  /** Motif width (number of positions). */
  length: number;
  /** Letter probabilities, row-major [length, 4] in A, C, G, T order; each row sums to 1. */
  probabilities: Float64Array;
  /** Raw counts [length, 4] when the source had counts (JASPAR, TRANSFAC). */
  counts?: Float64Array;
  /** Number of sites the matrix was built from (MEME `nsites=`, or the column sum of counts). */
  nsites: number;
  /** Background letter frequencies declared by the file (A, C, G, T), uniform when it declares none. */
  background: [number, number, number, number];
  /** Where the motif was read from, for messages: `file:line`. */
  source?: string;
  /** Free-text extras from the database (TF class, URL, …). */
  annotations?: Record<string, string>;
}

/**
 * Any position probability matrix: rows = positions, A, C, G, T. `Motif` fits, and so does a matrix read
 * from a model's filter; functions that need only the matrix (comparison, simulation) accept this.
 */
export interface PwmLike {
  /** Identifier (a database id, or e.g. a filter's name). */
  id: string;
  /** Alternative identifier (e.g. the TF name); optional. */
  altId?: string;
  /** Width (number of positions). */
  length: number;
  /** Letter probabilities, row-major [length, 4] in A, C, G, T order. */
  probabilities: ArrayLike<number>;
}

export const UNIFORM_BACKGROUND: [number, number, number, number] = [0.25, 0.25, 0.25, 0.25];

/**
 * Builds a motif from a rows × 4 matrix of probabilities or counts; rows are normalised to sum to 1 (see below).
 * @param id - The motif's identifier.
 * @param rows - One row of four non-negative values (A, C, G, T) per position, with a positive sum.
 * @param options - `isCounts` (rows are counts: kept as `counts`, default false), `altId` (default ''), `nsites`
 *   (default: the first row's sum for counts, else 20), `background` (default uniform), `source`, `annotations`.
 * @returns The motif, rows normalised to sum to 1 (probability rows within 1e-5 of 1 kept as written).
 * @example
 * const tata = makeMotif('TATA', [[0, 0, 0, 10], [10, 0, 0, 0], [0, 0, 0, 10], [10, 0, 0, 0]], { isCounts: true });
 */
export function makeMotif(
  id: string,
  rows: readonly (readonly number[])[],
  options: { altId?: string; nsites?: number; isCounts?: boolean; background?: [number, number, number, number]; source?: string; annotations?: Record<string, string> } = {},
): Motif {
  if (rows.length === 0) throw new OptionError(`motif ${id} has no positions`, { option: 'rows' });
  const length = rows.length;
  const probabilities = new Float64Array(length * 4);
  const counts = options.isCounts ? new Float64Array(length * 4) : undefined;
  let firstTotal = 0;
  rows.forEach((row, i) => {
    if (row.length !== 4) throw new OptionError(`motif ${id} row ${i + 1} has ${row.length} values, expected 4`, { option: 'rows' });
    const total = row[0]! + row[1]! + row[2]! + row[3]!;
    if (!(total > 0) || row.some((x) => !(x >= 0))) {
      throw new OptionError(`motif ${id} row ${i + 1} must hold non-negative values with a positive sum`, { option: 'rows' });
    }
    if (i === 0) firstTotal = total;
    // Like MEME's normalize_motif: probability rows already within 1e-5 of 1 are kept exactly as written,
    // so scores match FIMO to the last rounding step; counts and sloppier rows are divided by their sum.
    const divisor = !options.isCounts && Math.abs(total - 1) <= 1e-5 ? 1 : total;
    for (let a = 0; a < 4; a++) {
      probabilities[i * 4 + a] = row[a]! / divisor;
      if (counts) counts[i * 4 + a] = row[a]!;
    }
  });
  return {
    id,
    altId: options.altId ?? '',
    length,
    probabilities,
    ...(counts ? { counts } : {}),
    // Count matrices carry their site count in every column; JASPAR columns agree, so the first one will do.
    nsites: options.nsites ?? (options.isCounts ? Math.round(firstTotal) : 20),
    background: options.background ?? [...UNIFORM_BACKGROUND],
    ...(options.source ? { source: options.source } : {}),
    ...(options.annotations ? { annotations: options.annotations } : {}),
  };
}

/** Probability of `base` (0–3 = A, C, G, T) at `position`. */
export function probabilityAt(motif: Motif, position: number, base: number): number {
  return motif.probabilities[position * 4 + base]!;
}

/**
 * A [width, 4] matrix (A, C, G, T) read on the other strand: positions reversed, A↔T and C↔G swapped.
 *
 * @example
 * reverseComplementMatrix([1, 0, 0, 0, 0, 1, 0, 0], 2); // Float64Array [0, 0, 1, 0, 0, 0, 0, 1] (AC → GT)
 */
export function reverseComplementMatrix(matrix: ArrayLike<number>, width: number): Float64Array {
  const out = new Float64Array(width * 4);
  for (let i = 0; i < width; i++) {
    const from = (width - 1 - i) * 4;
    // Complement of A,C,G,T is T,G,C,A: index a → 3 − a.
    for (let a = 0; a < 4; a++) out[i * 4 + a] = matrix[from + 3 - a]!;
  }
  return out;
}

/**
 * The motif read on the other strand: positions reversed, A↔T and C↔G swapped.
 * @param motif - The motif.
 * @returns A copy for the other strand (probabilities, counts and background complemented).
 * @example
 * const m = makeMotif('m', [[9, 1, 0, 0], [8, 0, 2, 0], [0, 10, 0, 0], [0, 0, 10, 0]], { isCounts: true });
 * consensus(reverseComplementMotif(m)); // 'CGTT' (consensus(m) is 'AACG')
 */
export function reverseComplementMotif(motif: Motif): Motif {
  const bg = motif.background;
  return {
    ...motif,
    probabilities: reverseComplementMatrix(motif.probabilities, motif.length),
    ...(motif.counts ? { counts: reverseComplementMatrix(motif.counts, motif.length) } : {}),
    background: [bg[3], bg[2], bg[1], bg[0]],
  };
}

/**
 * Most probable letter per position (ties go to the earlier letter in ACGT order).
 * @param motif - The motif.
 * @returns One letter per position.
 * @example
 * consensus(jaspar('fungi', { ids: ['UME6'] })[0]!);
 */
export function consensus(motif: Motif): string {
  let out = '';
  for (let i = 0; i < motif.length; i++) {
    let best = 0;
    for (let a = 1; a < 4; a++) if (motif.probabilities[i * 4 + a]! > motif.probabilities[i * 4 + best]!) best = a;
    out += MOTIF_ALPHABET[best];
  }
  return out;
}

/**
 * Information content of each position in bits, relative to `background` (uniform by default, the logo
 * convention): IC_i = Σ_a p_ia log2(p_ia / b_a). A logo draws letter a at height p_ia · IC_i.
 */
export function informationContent(motif: Pick<PwmLike, 'length' | 'probabilities'>, background: readonly number[] = UNIFORM_BACKGROUND): Float64Array {
  const ic = new Float64Array(motif.length);
  for (let i = 0; i < motif.length; i++) {
    let sum = 0;
    for (let a = 0; a < 4; a++) {
      const p = motif.probabilities[i * 4 + a]!;
      if (p > 0) sum += p * Math.log2(p / background[a]!);
    }
    ic[i] = sum;
  }
  return ic;
}
