import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors';
import {
  consensus, informationContent, jaspar, motifMatrixTable, parseJaspar, parseMeme, parseTransfac, readMotifs, reverseComplementMotif,
} from '../../src/motifs';
import { DATA_DIR } from '../helpers/paths';

const MEME = `MEME version 4

ALPHABET= ACGT

strands: + -

Background letter frequencies
A 0.3 C 0.2 G 0.2 T 0.3

MOTIF M1 NAME1
letter-probability matrix: alength= 4 w= 2 nsites= 12 E= 0
 1.0 0.0 0.0 0.0
 0.0 0.0 0.5 0.5
URL http://example.org/M1

MOTIF M2
letter-probability matrix: alength= 4 w= 1
 0.25 0.25 0.25 0.25
`;

describe('motif file readers', () => {
  it('reads MEME text: ids, alt ids, nsites, background, URL', () => {
    const [m1, m2] = parseMeme(MEME, 'x.meme');
    expect(m1!.id).toBe('M1');
    expect(m1!.altId).toBe('NAME1');
    expect(m1!.nsites).toBe(12);
    expect(m1!.length).toBe(2);
    expect(Array.from(m1!.probabilities)).toEqual([1, 0, 0, 0, 0, 0, 0.5, 0.5]);
    expect(m1!.background).toEqual([0.3, 0.2, 0.2, 0.3]);
    expect(m1!.annotations?.['url']).toBe('http://example.org/M1');
    expect(m1!.source).toBe('x.meme:10');
    // No nsites: MEME's default of 20 sites.
    expect(m2!.nsites).toBe(20);
    expect(m2!.altId).toBe('');
  });

  it('names file and line of malformed MEME input', () => {
    const badRow = MEME.replace(' 0.0 0.0 0.5 0.5', ' 0.0 0.5 0.5');
    expect(() => parseMeme(badRow, 'bad.meme')).toThrow(InputError);
    expect(() => parseMeme(badRow, 'bad.meme')).toThrow(/bad\.meme:13: matrix row has 3 values, expected 4/);
    const notNumber = MEME.replace(' 1.0 0.0 0.0 0.0', ' 1.0 x 0.0 0.0');
    expect(() => parseMeme(notNumber, 'n.meme')).toThrow(/n\.meme:12: 'x' is not a number/);
    const shortMatrix = MEME.replace('w= 2 nsites', 'w= 3 nsites');
    expect(() => parseMeme(shortMatrix, 's.meme')).toThrow(/s\.meme:14: matrix row has 2 values, expected 4/);
    expect(() => parseMeme(MEME.replace('w= 1', 'w= 2'), 'e.meme')).toThrow(/e\.meme:17: motif M2 declares w= 2 but has 1 rows/);
    expect(() => parseMeme('MOTIF A\n', 'h.meme')).toThrow(/h\.meme:1: not a MEME motif file/);
  });

  it('reads JASPAR counts and TRANSFAC, with errors naming the line', () => {
    const [j] = parseJaspar('>MA1 FOO\nA [ 3 0 ]\nC [ 1 0 ]\nG [ 0 4 ]\nT [ 0 0 ]\n', 'a.jaspar');
    expect(j!.id).toBe('MA1');
    expect(j!.altId).toBe('FOO');
    expect(j!.nsites).toBe(4);
    expect(Array.from(j!.counts!)).toEqual([3, 1, 0, 0, 0, 0, 4, 0]);
    expect(j!.probabilities[0]).toBeCloseTo(0.75, 12);
    expect(() => parseJaspar('>MA1 FOO\nA [ 3 0 ]\nC [ 1 0 ]\nX [ 0 4 ]\nT [ 0 0 ]\n', 'a.jaspar')).toThrow(/a\.jaspar:4: expected a count row/);
    const tf = 'AC MA9\nXX\nID BAR\nPO\tA\tC\tG\tT\n01\t1\t2\t3\t4\n02\t0\t0\t10\t0\nXX\nCC tf_class:Zinc\n//\n';
    const [t] = parseTransfac(tf, 't.txt');
    expect(t!.id).toBe('MA9');
    expect(t!.altId).toBe('BAR');
    expect(t!.annotations?.['tf_class']).toBe('Zinc');
    expect(t!.probabilities[3]).toBeCloseTo(0.4, 12);
    expect(() => parseTransfac('AC MA9\n01\t1\t2\t3\t4\n//\n', 't.txt')).toThrow(/t\.txt:2: matrix row before the 'PO A C G T' header/);
  });

  it('reads files from disk and detects the format', () => {
    const dir = mkdtempSync(join(tmpdir(), 'motifs-'));
    const file = join(dir, 'm.meme');
    writeFileSync(file, MEME);
    expect(readMotifs(file).map((m) => m.id)).toEqual(['M1', 'M2']);
    expect(() => readMotifs(join(dir, 'missing.meme'))).toThrow(/missing\.meme: file not found/);
  });

  it('loads JASPAR 2024 fungi in all three formats with the same matrices', () => {
    const meme = jaspar('fungi', { dataDir: DATA_DIR });
    expect(meme).toHaveLength(178);
    const counts = readMotifs(join(DATA_DIR, 'jaspar', 'JASPAR2024_CORE_fungi_non-redundant_pfms.jaspar'));
    const transfac = readMotifs(join(DATA_DIR, 'jaspar', 'rsat_JASPAR2024_CORE_fungi_non-redundant_pfms_transfac.txt'));
    expect(counts).toHaveLength(178);
    expect(transfac).toHaveLength(178);
    const ime1 = meme.find((m) => m.id === 'MA0320.1')!;
    const ime1Counts = counts.find((m) => m.id === 'MA0320.1')!;
    expect(ime1.altId).toBe('IME1');
    expect(ime1.nsites).toBe(301);
    expect(ime1Counts.nsites).toBe(301);
    for (let k = 0; k < ime1.probabilities.length; k++) expect(ime1Counts.probabilities[k]).toBeCloseTo(ime1.probabilities[k]!, 5);
    expect(consensus(ime1)).toBe('CCGCCGAG');
    expect(jaspar('fungi-union', { dataDir: DATA_DIR, ids: ['MA0412.2'] })[0]!.length).toBe(15);
    expect(() => jaspar('fungi', { dataDir: DATA_DIR, ids: ['NOPE'] })).toThrow(/option 'ids': no motif 'NOPE'/);
  });

  it('reverse-complements and gives information content for logos', () => {
    const [m1] = parseMeme(MEME, 'x.meme');
    const rc = reverseComplementMotif(m1!);
    expect(Array.from(rc.probabilities)).toEqual([0.5, 0.5, 0, 0, 0, 0, 0, 1]);
    expect(rc.background).toEqual([0.3, 0.2, 0.2, 0.3]);
    // Uniform reference: a fixed letter carries 2 bits, a two-way choice 1 bit.
    expect(Array.from(informationContent(m1!))).toEqual([2, 1]);
    const logo = motifMatrixTable(m1!).objects() as Record<string, unknown>[];
    expect(logo).toHaveLength(8);
    expect(logo[0]).toMatchObject({ motif_id: 'M1', position: 1, base: 'A', probability: 1, information_content: 2, height: 2 });
    expect(logo[6]).toMatchObject({ position: 2, base: 'G', height: 0.5 });
  });
});
