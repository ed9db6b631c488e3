/**
 * Readers for the three motif file formats cislab meets: MEME text (v4+), JASPAR `.jaspar` counts and
 * TRANSFAC (as exported by JASPAR/RSAT). Each parser takes the file's text and a name for messages, and
 * throws an InputError naming `file:line` and what was expected when the text is malformed.
 */
import { InputError } from '../errors';
import { readTextFile } from '../io/text-file';
import { makeMotif, type Motif } from './motif';

/** A motif file format {@link readMotifs} and {@link parseMotifs} understand. */
export type MotifFormat = 'meme' | 'jaspar' | 'transfac';

/**
 * Reads a motif file, choosing the format from its content (gzip allowed).
 * @param file - Path of a MEME, JASPAR (counts) or TRANSFAC file, plain or gzip.
 * @param format - The format (default: detected from the first meaningful line).
 * @returns The motifs in file order, rows normalised to probabilities (counts kept when the file has them).
 * @example
 * const motifs = readMotifs('JASPAR2024_CORE_fungi_non-redundant_pfms_meme.txt');
 */
export function readMotifs(file: string, format?: MotifFormat): Motif[] {
  const text = readTextFile(file);
  return parseMotifs(text, file, format ?? detectMotifFormat(text, file));
}

/**
 * Parses motifs from text in a given format (what {@link readMotifs} does after reading the file).
 * @param text - The file's text.
 * @param file - A name for error messages (`file:line`) and each motif's `source`.
 * @param format - 'meme', 'jaspar' or 'transfac'.
 * @returns The motifs in text order.
 * @example
 * parseMotifs('>MA0001.1 ABC\nA [ 1 9 ]\nC [ 3 0 ]\nG [ 3 1 ]\nT [ 3 0 ]\n', 'inline', 'jaspar');
 */
export function parseMotifs(text: string, file: string, format: MotifFormat): Motif[] {
  switch (format) {
    case 'meme':
      return parseMeme(text, file);
    case 'jaspar':
      return parseJaspar(text, file);
    case 'transfac':
      return parseTransfac(text, file);
  }
}

/** Guesses the format from the first meaningful line. */
export function detectMotifFormat(text: string, file = '<text>'): MotifFormat {
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '' && !l.startsWith('#'));
  if (first === undefined) throw new InputError('the motif file is empty', { file });
  if (/^MEME version/.test(first)) return 'meme';
  if (first.startsWith('>')) return 'jaspar';
  if (/^(AC|ID|VV|DE|XX)\b/.test(first)) return 'transfac';
  throw new InputError(`cannot tell the motif format from the first line '${first.slice(0, 40)}'; expected 'MEME version …', '>ID NAME' (JASPAR) or 'AC …' (TRANSFAC)`, { file, line: 1 });
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function parseNumbers(fields: string[], file: string, line: number, what: string): number[] {
  return fields.map((f) => {
    if (!NUMBER.test(f)) throw new InputError(`'${f}' is not a number in ${what}`, { file, line });
    return Number(f);
  });
}

/**
 * MEME minimal/text format: `ALPHABET= ACGT`, an optional `Background letter frequencies` line followed by
 * `A p C p G p T p` (on one or more lines), then per motif `MOTIF id [alt]` and a `letter-probability matrix:`
 * line (`alength= 4 w= W nsites= N E= …`) followed by W rows of four probabilities.
 */
export function parseMeme(text: string, file = '<meme>'): Motif[] {
  const lines = text.split(/\r?\n/);
  if (!lines.some((l) => /^MEME version\s+\d/.test(l))) {
    throw new InputError("not a MEME motif file: no 'MEME version N' line", { file, line: 1 });
  }
  let background: [number, number, number, number] = [0.25, 0.25, 0.25, 0.25];
  const motifs: Motif[] = [];
  let current: { id: string; altId: string; line: number; url?: string } | null = null;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const lineNo = i + 1;
    if (line.startsWith('ALPHABET')) {
      const letters = line.replace(/^ALPHABET\s*=?\s*/, '').trim();
      if (letters !== 'ACGT') throw new InputError(`only the DNA alphabet ACGT is supported, found '${letters}'`, { file, line: lineNo });
    } else if (line.startsWith('Background letter frequencies')) {
      // The frequencies follow on the next non-empty line(s) as letter/value pairs.
      const pairs: string[] = [];
      let j = i + 1;
      while (j < lines.length && pairs.length < 8) {
        const next = lines[j]!.trim();
        if (next === '' && pairs.length === 0) { j++; continue; }
        if (next === '' || next.startsWith('MOTIF')) break;
        pairs.push(...next.split(/\s+/));
        j++;
      }
      const freq = new Map<string, number>();
      for (let k = 0; k + 1 < pairs.length; k += 2) freq.set(pairs[k]!.toUpperCase(), Number(pairs[k + 1]));
      const values = ['A', 'C', 'G', 'T'].map((b) => freq.get(b));
      if (values.some((v) => v === undefined || !(v > 0))) {
        throw new InputError("background line must give positive frequencies for A, C, G and T, e.g. 'A 0.25 C 0.25 G 0.25 T 0.25'", { file, line: i + 2 });
      }
      const total = values.reduce((s, v) => s! + v!, 0)!;
      background = values.map((v) => v! / total) as [number, number, number, number];
      i = j - 1;
    } else if (line.startsWith('MOTIF')) {
      const parts = line.split(/\s+/);
      if (parts.length < 2) throw new InputError("MOTIF line without an identifier; expected 'MOTIF id [alt_id]'", { file, line: lineNo });
      current = { id: parts[1]!, altId: parts[2] ?? '', line: lineNo };
    } else if (line.startsWith('letter-probability matrix')) {
      if (!current) throw new InputError("letter-probability matrix before any 'MOTIF' line", { file, line: lineNo });
      const width = /w=\s*(\d+)/.exec(line);
      const nsites = /nsites=\s*([-+\d.eE]+)/.exec(line);
      const alength = /alength=\s*(\d+)/.exec(line);
      if (alength && alength[1] !== '4') throw new InputError(`alength= ${alength[1]}, expected 4 (DNA)`, { file, line: lineNo });
      const rows: number[][] = [];
      let j = i + 1;
      // Without w= the matrix runs until the first line that is not four numbers.
      const expected = width ? Number(width[1]) : Infinity;
      while (j < lines.length && rows.length < expected) {
        const fields = lines[j]!.trim().split(/\s+/).filter(Boolean);
        if (fields.length === 0) {
          if (width) { j++; continue; }
          break;
        }
        if (!width && !NUMBER.test(fields[0]!)) break;
        if (fields.length !== 4) {
          throw new InputError(`matrix row has ${fields.length} values, expected 4 (A C G T) for motif ${current.id}`, { file, line: j + 1 });
        }
        rows.push(parseNumbers(fields, file, j + 1, `motif ${current.id}`));
        j++;
      }
      if (width && rows.length !== expected) {
        throw new InputError(`motif ${current.id} declares w= ${expected} but has ${rows.length} rows`, { file, line: lineNo });
      }
      rows.forEach((row, r) => {
        const total = row.reduce((s, v) => s + v, 0);
        if (Math.abs(total - 1) > 0.01) {
          throw new InputError(`probabilities of motif ${current!.id} sum to ${total.toFixed(4)}, expected 1`, { file, line: i + 2 + r });
        }
      });
      // MEME uses 20 sites when nsites is missing or not positive (DEFAULT_SITE_COUNT in motif.h).
      const sites = nsites ? Math.trunc(Number(nsites[1])) : 0;
      motifs.push(makeMotif(current.id, rows, {
        altId: current.altId,
        nsites: sites > 0 ? sites : 20,
        background,
        source: `${file}:${current.line}`,
      }));
      i = j - 1;
    } else if (line.startsWith('URL') && current && motifs.length && motifs[motifs.length - 1]!.id === current.id) {
      motifs[motifs.length - 1]!.annotations = { url: line.slice(3).trim() };
    }
  }
  if (motifs.length === 0) throw new InputError('no motifs found (no letter-probability matrix)', { file });
  return motifs;
}

/** JASPAR count format: `>ID NAME` then four lines `A [ c1 c2 … ]` (brackets optional). */
export function parseJaspar(text: string, file = '<jaspar>'): Motif[] {
  const lines = text.split(/\r?\n/);
  const motifs: Motif[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    if (!line.startsWith('>')) throw new InputError(`expected a header '>ID NAME', found '${line.slice(0, 30)}'`, { file, line: i + 1 });
    const [id, ...name] = line.slice(1).trim().split(/\s+/);
    if (!id) throw new InputError('header without a matrix identifier', { file, line: i + 1 });
    const byBase = new Map<string, number[]>();
    for (let r = 1; r <= 4; r++) {
      const rowLine = lines[i + r];
      const match = rowLine === undefined ? null : /^\s*([ACGT])\s*\[?([^\]]*)\]?\s*$/.exec(rowLine);
      if (!match) throw new InputError(`expected a count row 'A|C|G|T [ n n … ]' for ${id}`, { file, line: i + r + 1 });
      byBase.set(match[1]!, parseNumbers(match[2]!.trim().split(/\s+/).filter(Boolean), file, i + r + 1, `motif ${id}`));
    }
    const a = byBase.get('A'), c = byBase.get('C'), g = byBase.get('G'), t = byBase.get('T');
    if (!a || !c || !g || !t) throw new InputError(`motif ${id} needs one row each for A, C, G and T`, { file, line: i + 1 });
    if (![c, g, t].every((r) => r.length === a.length)) throw new InputError(`count rows of ${id} differ in length`, { file, line: i + 2 });
    const rows = a.map((_, k) => [a[k]!, c[k]!, g[k]!, t[k]!]);
    motifs.push(makeMotif(id, rows, { altId: name.join(' '), isCounts: true, source: `${file}:${i + 1}` }));
    i += 4;
  }
  if (motifs.length === 0) throw new InputError('no motifs found', { file });
  return motifs;
}

/** TRANSFAC: records of `AC`/`ID`/`DE`, a `PO`/`P0` header, numbered count rows, `CC key:value`, ending `//`. */
export function parseTransfac(text: string, file = '<transfac>'): Motif[] {
  const lines = text.split(/\r?\n/);
  const motifs: Motif[] = [];
  let record: { ac?: string; id?: string; line: number; rows: number[][]; order?: string[]; cc: Record<string, string> } | null = null;
  const finish = (lineNo: number): void => {
    if (!record) return;
    const id = record.ac ?? record.id;
    if (!id) throw new InputError('TRANSFAC record without AC or ID', { file, line: record.line });
    if (record.rows.length === 0) throw new InputError(`TRANSFAC record ${id} has no matrix rows`, { file, line: lineNo });
    motifs.push(makeMotif(id, record.rows, {
      altId: record.ac && record.id ? record.id : '',
      isCounts: true,
      source: `${file}:${record.line}`,
      annotations: record.cc,
    }));
    record = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const lineNo = i + 1;
    if (line.trim() === '') continue;
    const code = line.slice(0, 2);
    const rest = line.slice(2).trim();
    if (!record) record = { line: lineNo, rows: [], cc: {} };
    if (code === '//') finish(lineNo);
    else if (code === 'AC') record.ac = rest.split(/\s+/)[0];
    else if (code === 'ID') record.id = rest.split(/\s+/)[0];
    else if (code === 'PO' || code === 'P0') {
      record.order = rest.split(/\s+/).map((s) => s.toUpperCase());
      if (['A', 'C', 'G', 'T'].some((b) => !record!.order!.includes(b))) {
        throw new InputError(`matrix header must name the columns A C G T, found '${rest}'`, { file, line: lineNo });
      }
    } else if (/^\d\d/.test(code)) {
      if (!record.order) throw new InputError("matrix row before the 'PO A C G T' header", { file, line: lineNo });
      const fields = line.trim().split(/\s+/).slice(1, 1 + record.order.length);
      if (fields.length < record.order.length) throw new InputError(`matrix row has ${fields.length} counts, expected ${record.order.length}`, { file, line: lineNo });
      const values = parseNumbers(fields, file, lineNo, 'a TRANSFAC matrix row');
      const order = record.order;
      record.rows.push(['A', 'C', 'G', 'T'].map((b) => values[order.indexOf(b)]!));
    } else if (code === 'CC') {
      const colon = rest.indexOf(':');
      if (colon > 0) record.cc[rest.slice(0, colon).trim()] = rest.slice(colon + 1).trim();
    }
    // XX, DE, BF, BA and other codes carry nothing the scanner needs.
  }
  if (record && (record as { rows: number[][] }).rows.length) finish(lines.length);
  if (motifs.length === 0) throw new InputError('no motifs found', { file });
  return motifs;
}
