// jaspar('fungi') works in any installation: the package ships the JASPAR 2024 CORE fungi MEME file (CC BY 4.0,
// attribution in data/jaspar/README.md), byte-identical to the reference data's copy; an explicit dataDir wins.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jaspar, jasparFile } from '../../src/motifs/database';
import { DATA_DIR, REPO_ROOT } from '../helpers/paths';

const SHIPPED = join(REPO_ROOT, 'data', 'jaspar', 'JASPAR2024_CORE_fungi_non-redundant_pfms_meme.txt');
const REFERENCE = join(DATA_DIR, 'jaspar', 'JASPAR2024_CORE_fungi_non-redundant_pfms_meme.txt');

describe('the shipped JASPAR fungi collection', () => {
  it('is what jaspar("fungi") reads without a data folder, with its attribution beside it', () => {
    expect(jasparFile('fungi')).toBe(SHIPPED);
    const motifs = jaspar('fungi');
    expect(motifs).toHaveLength(178);
    expect(jaspar('fungi', { ids: ['IME1', 'UME6'] }).map((m) => m.id)).toEqual(['MA0320.1', 'MA0412.3']);
    const attribution = readFileSync(join(REPO_ROOT, 'data', 'jaspar', 'README.md'), 'utf8');
    expect(attribution).toContain('CC BY 4.0');
    expect(attribution).toContain('doi:10.1093/nar/gkad1059');
  });

  it.skipIf(!existsSync(REFERENCE))('is byte-identical to the reference data copy, which an explicit dataDir reads', () => {
    expect(readFileSync(SHIPPED).equals(readFileSync(REFERENCE))).toBe(true);
    expect(jasparFile('fungi', DATA_DIR)).toBe(REFERENCE);
  });
});
