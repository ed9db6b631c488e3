/**
 * Motifs as tidy tables, one row per motif × position × base: what a sequence logo (information-content
 * heights) or a heat map of a PWM needs, without the viz layer knowing the Motif type.
 */
import * as aq from 'arquero';
import { informationContent, MOTIF_ALPHABET, UNIFORM_BACKGROUND, type Motif } from './motif';

type Table = ReturnType<typeof aq.table>;

/**
 * Columns: motif_id, motif_alt_id, position (1-based), base, probability, count (NaN without counts),
 * information_content (bits of the position, against `background`, uniform by default) and height =
 * probability × information_content (the letter's height in a logo).
 */
export function motifMatrixTable(motifs: Motif | readonly Motif[], options: { background?: readonly number[] } = {}): Table {
  const list = Array.isArray(motifs) ? (motifs as readonly Motif[]) : [motifs as Motif];
  const out = {
    motif_id: [] as string[], motif_alt_id: [] as string[], position: [] as number[], base: [] as string[],
    probability: [] as number[], count: [] as number[], information_content: [] as number[], height: [] as number[],
  };
  for (const motif of list) {
    const ic = informationContent(motif, options.background ?? UNIFORM_BACKGROUND);
    for (let i = 0; i < motif.length; i++) {
      for (let a = 0; a < 4; a++) {
        const p = motif.probabilities[i * 4 + a]!;
        out.motif_id.push(motif.id);
        out.motif_alt_id.push(motif.altId);
        out.position.push(i + 1);
        out.base.push(MOTIF_ALPHABET[a]!);
        out.probability.push(p);
        out.count.push(motif.counts ? motif.counts[i * 4 + a]! : NaN);
        out.information_content.push(ic[i]!);
        out.height.push(p * ic[i]!);
      }
    }
  }
  return aq.table(out);
}
