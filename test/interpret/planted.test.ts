/**
 * Planted truth: a small CNN trained here (~40 s) on simulated promoters whose expression is known —
 * REB1 +1.5, CBF1 +1.0, UME6 −0.5, and REB1 with UME6 −2.5 more (simulatePromoters' default rules), with
 * REB1 and UME6 in half the sequences so the pair is common. The variable region is 40 nt (70-nt
 * sequences) to keep training short. Checks, with the values measured printed:
 * - DeepLIFT/SHAP attributions put the planted bases first (per-position precision and recall at the
 *   number of planted bases; and |attribution| above a threshold);
 * - recursive seqlets land on planted sites (precision: seqlets overlapping a site; recall: sites hit);
 * - seqlet clustering returns PFMs whose consensus matches the planted motifs;
 * - marginalize recovers each planted effect, and space the REB1 × UME6 interaction, within stated bounds.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/kernels/tensor/backend';
import { buildModel, type Model } from '../../src/kernels/camformer/model';
import { fit } from '../../src/kernels/camformer/train';
import { predict } from '../../src/kernels/camformer/predict';
import { encode, type Encoded } from '../../src/data/encode';
import { simulatePromoters, type SimulatedMotif } from '../../src/simulate/promoters';
import { attribute } from '../../src/interpret/attribute';
import { callSeqlets } from '../../src/interpret/seqlets';
import { clusterSeqlets } from '../../src/interpret/seqlet-motifs';
import { marginalize, summarizeEffects } from '../../src/interpret/experiments';
import { space, spaceSummary } from '../../src/interpret/spacing';
import { bestAlignment } from '../../src/motifs/compare';
import { seqletMotif } from '../../src/interpret/seqlet-motifs';

const MOTIFS: SimulatedMotif[] = [
  { name: 'REB1', consensus: 'TTACCCGG', effect: 1.5, frequency: 0.5 },
  { name: 'CBF1', consensus: 'TCACGTGA', effect: 1.0, frequency: 0.3 },
  { name: 'UME6', consensus: 'TAGCCGCCGA', effect: -0.5, frequency: 0.5 },
];
const INTERACTION = -2.5;
const VARIABLE = 40;
const REGION = { start: 18, end: 17 + VARIABLE };

interface Site { id: string; motif: string; start: number; end: number }

describe('interpretation recovers what was planted', () => {
  let model: Model;
  const predictor = (batch: Encoded) => predict(model, batch, { engine: 'tfjs' });
  let sequences: string[] = [];
  let ids: string[] = [];
  let sites: Site[] = [];
  let backgrounds: string[] = [];

  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
    const train = simulatePromoters({ n: 4000, seed: 5, noise: 0.2, motifs: MOTIFS, variableLength: VARIABLE });
    model = buildModel({ name: 'planted', encoding: 'onehot', inputLength: 30 + VARIABLE, convs: [
      { channels: 16, kernel: 10, padding: 'same', dropout: 0, pool: { kernel: 20, stride: 10 } },
    ], dense: [32, 16] }, { seed: 1 });
    await fit(model, { x: encode(train.table.array('sequence') as string[], 'onehot'), y: Float32Array.from(train.table.array('expression') as ArrayLike<number>) }, {
      epochs: 30, batchSize: 64, lr: 5e-3, loss: 'mse', patience: Infinity, seed: 1,
    });
    console.log(`trained: validation r ${model.history.at(-1)!.valPearson.toFixed(3)} after ${model.history.length} epochs`);
    const test = simulatePromoters({ n: 240, seed: 6, noise: 0.2, motifs: MOTIFS, variableLength: VARIABLE });
    const rows = test.table.objects() as Array<{ id: string; sequence: string; REB1: number; CBF1: number; UME6: number }>;
    const withSites = rows.filter((r) => r.REB1 || r.CBF1 || r.UME6).slice(0, 80);
    ids = withSites.map((r) => r.id);
    sequences = withSites.map((r) => r.sequence);
    const keep = new Set(ids);
    sites = (test.sites.objects() as Site[]).filter((s) => keep.has(s.id));
    backgrounds = rows.filter((r) => !r.REB1 && !r.CBF1 && !r.UME6).map((r) => r.sequence).slice(0, 60);
  });

  it('DeepLIFT/SHAP ranks planted bases first', async () => {
    const table = await attribute(model, sequences, { ids, region: REGION, references: 10 });
    const byId = new Map<string, Array<{ position: number; value: number }>>();
    for (const r of table.objects() as Array<{ id: string; position: number; attribution: number }>) {
      (byId.get(r.id) ?? byId.set(r.id, []).get(r.id)!).push({ position: r.position, value: Math.abs(r.attribution) });
    }
    let hits = 0, planted = 0, above = 0, aboveInSite = 0;
    const threshold = 0.05;
    for (const [id, rows] of byId) {
      const inSite = (p: number) => sites.some((s) => s.id === id && p >= s.start && p <= s.end);
      const k = rows.filter((r) => inSite(r.position)).length;
      planted += k;
      hits += [...rows].sort((a, b) => b.value - a.value).slice(0, k).filter((r) => inSite(r.position)).length;
      for (const r of rows) if (r.value >= threshold) (above++, inSite(r.position) && aboveInSite++);
    }
    const atK = hits / planted;
    const precision = aboveInSite / above;
    const recall = aboveInSite / planted;
    console.log(`DeepLIFT/SHAP: precision = recall at k = #planted bases: ${atK.toFixed(3)} (${planted} planted bases in ${byId.size} sequences; chance ${(planted / (byId.size * VARIABLE)).toFixed(2)}); |attribution| ≥ ${threshold}: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`);
    expect(atK).toBeGreaterThanOrEqual(0.7);
    expect(precision).toBeGreaterThanOrEqual(0.7);
    expect(recall).toBeGreaterThanOrEqual(0.5);
  });

  it('recursive seqlets fall on planted sites, and their clusters are the planted motifs', async () => {
    const table = await attribute(model, sequences, { ids, region: REGION, references: 10 });
    const strict = callSeqlets(table, { sign: 'both' }).numRows();
    const seqlets = callSeqlets(table, { sign: 'both', threshold: 0.05 });
    const rows = seqlets.objects() as Array<{ id: string; start: number; end: number; attribution: number }>;
    const overlaps = (s: { id: string; start: number; end: number }, t: Site) => s.id === t.id && s.start <= t.end && t.start <= s.end;
    const precision = rows.filter((s) => sites.some((t) => overlaps(s, t))).length / rows.length;
    const recall = sites.filter((t) => rows.some((s) => overlaps(s, t))).length / sites.length;
    const perMotif = MOTIFS.map((m) => {
      const of = sites.filter((t) => t.motif === m.name);
      return `${m.name} ${of.filter((t) => rows.some((s) => overlaps(s, t))).length}/${of.length}`;
    }).join(', ');
    console.log(`seqlets (threshold 0.05, lengths 4–25, both signs): ${rows.length} called (${strict} at tangermeme's 0.01); precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)} (${perMotif})`);
    expect(precision).toBeGreaterThanOrEqual(0.85);
    expect(recall).toBeGreaterThanOrEqual(0.75);

    const lookup = new Map(ids.map((id, i) => [id, sequences[i]!]));
    const { motifs, patterns } = clusterSeqlets(seqlets, lookup, { minInstances: 5 });
    console.log('seqlet patterns:', (patterns.objects() as Array<{ pattern: string; sign: string; instances: number; consensus: string }>).map((p) => `${p.pattern} ${p.sign} ×${p.instances} ${p.consensus}`).join('; '));
    // Similarity: mean column correlation of the best alignment (both strands) over ≥ 6 columns.
    const similarity = (m: (typeof motifs)[number], consensus: string) => {
      const a = bestAlignment(m, seqletMotif('planted', consensus), { minOverlap: Math.min(6, m.length) });
      return a ? a.score / a.overlap : -1;
    };
    for (const planted of MOTIFS) {
      const best = Math.max(...motifs.map((m) => similarity(m, planted.consensus)));
      console.log(`  ${planted.name} (${planted.consensus}): best pattern similarity ${best.toFixed(2)}`);
      expect(best).toBeGreaterThanOrEqual(0.8);
    }
    // No pattern is something that was not planted.
    for (const m of motifs) expect(Math.max(...MOTIFS.map((p) => similarity(m, p.consensus)))).toBeGreaterThanOrEqual(0.7);
  });

  it('marginalize recovers the planted effects; space recovers the REB1 × UME6 interaction', async () => {
    const sitesToInsert = MOTIFS.map((m) => ({ name: m.name, sequence: m.consensus }));
    const effects = summarizeEffects(await marginalize(predictor, backgrounds, sitesToInsert, { encoding: 'onehot' }), ['motif']).objects() as Array<{ motif: string; mean: number; se: number }>;
    for (const m of MOTIFS) {
      const e = effects.find((r) => r.motif === m.name)!;
      console.log(`marginalize ${m.name}: ${e.mean.toFixed(3)} ± ${e.se.toFixed(3)} (planted ${m.effect})`);
      expect(Math.abs(e.mean - m.effect)).toBeLessThanOrEqual(0.4);
    }
    const table = await space(predictor, backgrounds, sitesToInsert[0]!, sitesToInsert[2]!, { region: REGION, orientations: ['++'] });
    const summary = spaceSummary(table).objects() as Array<{ spacing: number; interaction: number; se: number }>;
    const mean = summary.reduce((t, r) => t + r.interaction, 0) / summary.length;
    const worst = Math.max(...summary.map((r) => r.interaction));
    console.log(`space REB1 × UME6: mean interaction over ${summary.length} spacings ${mean.toFixed(3)} (planted ${INTERACTION}); weakest ${worst.toFixed(3)}`);
    expect(Math.abs(mean - INTERACTION)).toBeLessThanOrEqual(0.8);
    expect(worst).toBeLessThan(-1);
    // CBF1 has no partner: its interaction with UME6 should be near zero.
    const control = spaceSummary(await space(predictor, backgrounds, sitesToInsert[1]!, sitesToInsert[2]!, { region: REGION, orientations: ['++'] })).objects() as Array<{ interaction: number }>;
    const controlMean = control.reduce((t, r) => t + r.interaction, 0) / control.length;
    console.log(`space CBF1 × UME6 (no planted interaction): mean ${controlMean.toFixed(3)}`);
    expect(Math.abs(controlMean)).toBeLessThan(0.4);
  });
});
