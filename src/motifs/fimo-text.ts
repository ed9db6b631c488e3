/**
 * FIMO's `--text` mode, block by block: hits are written as they are found, so a scan of millions of
 * sequences needs memory for one block only. As in FIMO with `--text`, no q-values are computed (they need
 * every p-value of the whole run), matches are not sorted by p-value and the max-stored-scores limit does not
 * apply; scores, p-values, the threshold and the matched sequences are those of `scanFimo` (same PSSMs, same
 * kernel). Order: sequence (input order), then motif (file order), then position, '+' before '−' — an order
 * that does not depend on how the input is cut into blocks, so shards concatenate to the unsharded output.
 */
import { OptionError } from '../errors';
import { formatG, FIMO_COLUMNS } from './fimo-tsv';
import type { FimoOptions } from './fimo';
import type { Motif } from './motif';
import { buildFimoPssm, rawScore, scoreThreshold, type FimoPssm } from './pssm';
import { scanPwm, type RawHits } from './scan-kernel';
import { prepareSequences, windowSequence, type NamedSequence } from './sequences';

export type FimoTextOptions = Omit<FimoOptions, 'qvalues' | 'maxStoredScores' | 'seed'>;

/** A scanner built once (PSSMs and thresholds) and applied to block after block. */
export interface FimoTextScanner {
  /** FIMO tsv lines (no header, each ending in a newline) of the hits in `sequences`, and their number. */
  scan(sequences: readonly NamedSequence[]): { text: string; hits: number };
  /** The tsv header line (with its newline). */
  header: string;
}

/**
 * Builds the PSSMs of `motifs` once for block-by-block scanning.
 *
 * @example
 * const scanner = fimoTextScanner(motifs, { threshold: 1e-4 });
 * process.stdout.write(scanner.header);
 * for (const block of blocks) process.stdout.write(scanner.scan(block).text);
 */
export function fimoTextScanner(motifs: readonly Motif[], options: FimoTextOptions = {}): FimoTextScanner {
  const threshold = options.threshold ?? 1e-4;
  if (!(threshold > 0 && threshold <= 1)) throw new OptionError(`threshold must be in (0, 1], got ${threshold}`, { option: 'threshold' });
  const bothStrands = options.bothStrands ?? true;
  const withSeq = options.matchedSequence ?? true;
  const pssms = motifs.map((m) => buildFimoPssm(m, options));
  const minScores = pssms.map((p) => scoreThreshold(p, threshold));
  return {
    header: FIMO_COLUMNS.join('\t') + '\n',
    scan(sequences) {
      if (!sequences.length) return { text: '', hits: 0 };
      const prepared = prepareSequences(sequences, options.region);
      const raw = pssms.map((pssm, m) => scanPwm(pssm, prepared, minScores[m]!, bothStrands));
      const next = raw.map(() => 0);
      const lines: string[] = [];
      for (let s = 0; s < sequences.length; s++) {
        pssms.forEach((pssm, m) => {
          const hits = raw[m]!;
          for (; next[m]! < hits.count && hits.seq[next[m]!] === s; next[m]!++) lines.push(hitLine(pssm, hits, next[m]!, prepared, withSeq));
        });
      }
      return { text: lines.length ? lines.join('\n') + '\n' : '', hits: lines.length };
    },
  };
}

function hitLine(pssm: FimoPssm, hits: RawHits, i: number, prepared: ReturnType<typeof prepareSequences>, withSeq: boolean): string {
  const s = hits.seq[i]!;
  const pos = hits.pos[i]!;
  const reverse = hits.strand[i] === 1;
  const score = hits.score[i]!;
  return [
    pssm.motif.id, pssm.motif.altId, prepared.names[s]!, pos + 1, pos + pssm.width, reverse ? '-' : '+',
    formatG(rawScore(pssm, score), 6), formatG(pssm.pvalues[score]!, 3), '',
    withSeq ? windowSequence(prepared, s, pos, pssm.width, reverse) : '',
  ].join('\t');
}
