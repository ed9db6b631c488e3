/**
 * One spec per viz builder, built from seeded data shaped like what the notebooks and the main job plot (the
 * DREAM test set's measured-vs-predicted density, Fig. 8b's motif-pair matrix, Fig. 8h's 97-position ISM logo
 * with marked sites, training curves over seeds, an integer grid-search axis, a t-SNE with one far outlier).
 * The browser test renders every one; `npx tsx test/viz/gallery.ts DIR` writes them as .vl.json files.
 */
import { createRandom } from '../../src/stats/random';
import {
  boxPlot, densityScatter, embeddingScatter, groupedBars, heatmap, histogram, ismLogo, lineBand, markSites, pwmLogo, radar, violin,
  type VegaLiteSpec,
} from '../../src/viz';

/** The main job's figure (src/cli/main-job.ts) on `n` simulated measured/predicted pairs. */
export function mainJobFigure(n = 71103): VegaLiteSpec {
  const rng = createRandom(20);
  const rows = Array.from({ length: n }, () => {
    const expression = rng.normal(11, 2.5);
    return { expression, prediction: 0.7 * expression + rng.normal(3.3, 1.2) };
  });
  return densityScatter(rows, {
    x: 'expression', y: 'prediction', xTitle: 'measured expression', yTitle: 'predicted expression',
    title: 'camformer-mini, 3 epochs on demo_train',
  });
}

/** Every builder once, labelled. */
export function gallery(): Array<{ label: string; spec: VegaLiteSpec }> {
  const rng = createRandom(8);
  const motifs = ['Reb1', 'Abf1', 'Rap1', 'Tbf1', 'Mcm1'];
  const pairs = motifs.flatMap((a) => motifs.map((b) => ({ motif_a: a, motif_b: b, predicted_difference: rng.normal(0, 0.4) })));
  const ism = Array.from({ length: 97 }, (_, i) => [0, 1, 2, 3].map(() => rng.normal(0, i > 80 ? 0.4 : 0.1)));
  const curves = [1, 2, 3].flatMap((seed) => ['train', 'validation'].flatMap((split) =>
    Array.from({ length: 12 }, (_, e) => ({ epoch: e + 1, split, seed, loss: 1 / (e + 2) + (split === 'validation' ? 0.1 : 0) + rng.normal(0, 0.02) }))));
  const sweep = [1, 2, 3, 4, 5, 6].flatMap((k) => [1, 2, 3].map((seed) => ({ k, seed, pearson: 0.6 + 0.03 * k + rng.normal(0, 0.01) })));
  const tsne = Array.from({ length: 400 }, (_, i) => (i === 0 ? { t1: 400, t2: -350, expression: 3 } : { t1: rng.normal(0, 10), t2: rng.normal(0, 10), expression: rng.normal(10, 2) }));
  const scores = ['high', 'low', 'yeast', 'random', 'challenging', 'SNVs', 'motif perturbation', 'motif tiling'].flatMap((subset) =>
    ['Camformer', 'DREAM-RNN', 'baseline'].map((model) => ({ subset, model, pearson: 0.5 + 0.4 * rng.float() })));
  const byCategory = ['native', 'random', 'designed'].flatMap((category) => Array.from({ length: 300 }, () => ({ category, expression: rng.normal(category === 'native' ? 11 : 9, 2) })));
  const pwm = [[0.8, 0.1, 0.05, 0.05], [0.1, 0.1, 0.7, 0.1], [0.25, 0.25, 0.25, 0.25], [0, 0, 0, 1], [0.05, 0.85, 0.05, 0.05], [0.4, 0.1, 0.1, 0.4]];
  // Shapes of the stored outputs that were too wide or warned: 08's 19 × 19 motif matrices, 08a's 28 motifs,
  // 04's leaderboard of a dozen teams over 8 subsets, 09's box plots without outliers.
  const motifs19 = ['YAP7', 'TEA1', 'YPR015C', 'RPH1', 'TBF1', 'RAP1', 'NRG1', 'USV1', 'TOD6', 'UME6', 'SNT2', 'NSI1', 'IME1', 'PDR3', 'REB1', 'STE12', 'CBF1', 'TYE7', 'ABF1'];
  const matrix19 = motifs19.flatMap((a, i) => motifs19.filter((_, j) => (i * 7 + j * 3) % 4 === 0).map((b) => ({ a, b, predicted_mean: rng.normal(10, 1) })));
  const enriched = Array.from({ length: 28 }, (_, i) => ({ motif_alt_id: i === 20 ? 'MBP1::SWI6' : `MOTIF${i}`, decile: 'top', log2_odds_ratio: 4 - i / 10 }));
  const teams = ['high', 'low', 'yeast', 'random', 'challenging', 'SNVs', 'perturbation', 'tiling'].flatMap((subset) =>
    ['cislab camformer', 'Autosome.org', 'BHI', 'Unlock_DNA', 'Camformer', 'NAD', 'SYSU_SAIL_2022', 'Wan&Barton_BBK', 'Mt_Bre', 'BUGF', 'mt', 'Peppa'].map((team) => ({ subset, team, value: 0.5 + 0.4 * rng.float() })));
  const boxes = ['adamw', 'lion'].flatMap((optimizer) => [0.23, 0.26, 0.29, 0.3, 0.35, 0.4].map((r) => ({ optimizer, r: optimizer === 'lion' ? r - 0.05 : r })));
  return [
    { label: 'heatmap 19 × 19 (Fig. 8b as stored in 08)', spec: heatmap(matrix19, { x: 'b', y: 'a', value: 'predicted_mean', text: false, xTitle: 'motif B', yTitle: 'motif A', title: 'Fig. 8b: mean predicted expression (tiny), n ≥ 3' }) },
    { label: 'groupedBars 28 motifs (Fig. 8a)', spec: groupedBars(enriched, { x: 'motif_alt_id', y: 'log2_odds_ratio', color: 'decile', xTitle: 'motif', yTitle: 'log2 odds ratio (top vs bottom decile)', title: 'Fig. 8a: motifs enriched (q < 0.05) in the top or bottom expression decile' }) },
    { label: 'groupedBars 12 teams × 8 subsets (Fig. 4)', spec: groupedBars(teams, { x: 'subset', y: 'value', color: 'team', yTitle: 'ρ', title: 'Fig. 4 / S6 · ρ per test subset (private split)' }) },
    { label: 'boxPlot without outliers (Fig. S4)', spec: boxPlot(boxes, { x: 'optimizer', y: 'r', order: ['adamw', 'lion'], yTitle: 'Pearson r (test)', width: 220, title: 'Fig. S4: r by optimizer (12 runs)' }) },
    { label: 'densityScatter (main job)', spec: mainJobFigure(20000) },
    { label: 'densityScatter with identity', spec: densityScatter(byCategory.map((r) => ({ measured: r.expression, predicted: r.expression + rng.normal(0, 1) })), { x: 'measured', y: 'predicted', identity: true, title: 'held-out promoters' }) },
    { label: 'densityScatter with fit line (Fig. 3a)', spec: densityScatter(byCategory.map((r) => ({ measured: r.expression, predicted: 0.6 * r.expression + rng.normal(4, 1) })), { x: 'measured', y: 'predicted', fit: true, title: 'Fig. 3a: predicted vs measured' }) },
    { label: 'heatmap (Fig. 8b)', spec: heatmap(pairs, { x: 'motif_a', y: 'motif_b', value: 'predicted_difference', title: 'predicted difference of motif pairs (Fig. 8b)' }) },
    { label: 'ismLogo + markSites (Fig. 8h)', spec: markSites(ismLogo(ism, { title: 'ISM of a native promoter (Fig. 8h)' }), [{ start: 83, end: 90, label: 'Reb1', strand: '+' }, { start: 88, end: 95, label: 'Abf1', strand: '-' }]) },
    { label: 'pwmLogo', spec: pwmLogo(pwm, { title: 'a motif' }) },
    { label: 'lineBand (training curves)', spec: lineBand(curves, { x: 'epoch', y: 'loss', color: 'split', title: 'loss over 3 seeds (mean ± sd)' }) },
    { label: 'lineBand (integer k)', spec: lineBand(sweep, { x: 'k', y: 'pearson', title: 'Pearson r by kernel count k' }) },
    { label: 'embeddingScatter (t-SNE with an outlier)', spec: embeddingScatter(tsne, { x: 't1', y: 't2', color: 'expression', title: 't-SNE of filter activations' }) },
    { label: 'embeddingScatter with ids (brushing lists them)', spec: embeddingScatter(tsne.map((r, i) => ({ ...r, id: `sequence_${i}` })), { x: 't1', y: 't2', color: 'expression', title: 'UMAP of sequences (Fig. 7)' }) },
    { label: 'groupedBars', spec: groupedBars(scores, { x: 'subset', y: 'pearson', color: 'model', title: 'Pearson r per test subset' }) },
    { label: 'histogram', spec: histogram(byCategory, { x: 'expression', color: 'category', normalize: true, title: 'expression by category' }) },
    { label: 'boxPlot', spec: boxPlot(byCategory, { x: 'category', y: 'expression', title: 'expression by category' }) },
    { label: 'violin', spec: violin(byCategory, { x: 'category', y: 'expression', title: 'expression by category' }) },
    { label: 'radar', spec: radar(scores, { axis: 'subset', value: 'pearson', series: 'model', title: 'Pearson r per subset' }) },
    { label: 'densityScatter with marginals and a brushed list (Fig. 3a as the paper draws it)', spec: densityScatter(byCategory.map((r, i) => ({ id: `sequence_${i}`, measured: r.expression, predicted: 0.6 * r.expression + rng.normal(4, 1) })), { x: 'measured', y: 'predicted', fit: true, marginals: true, label: 'id', title: 'Fig. 3a: predicted vs measured' }) },
    { label: 'heatmap with the paper\'s blue–white–orange (Fig. 8c)', spec: heatmap(pairs, { x: 'motif_a', y: 'motif_b', value: 'predicted_difference', diverging: true, colors: ['darkblue', 'white', 'darkorange'], title: 'Fig. 8c: A with B − A alone' }) },
    { label: 'lineBand along a sequence (zoomable track)', spec: lineBand(ism.flatMap((row, i) => row.map((v, j) => ({ position: i + 1, value: v, series: 'ACGT'[j]! }))), { x: 'position', y: 'value', color: 'series', title: 'a track along the sequence' }) },
  ];
}

if (require.main === module) {
  const dir = process.argv[2] ?? 'out/gallery';
  void (async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    for (const { label, spec } of gallery()) writeFileSync(`${dir}/${label.replace(/[^A-Za-z0-9]+/g, '-')}.vl.json`, JSON.stringify(spec));
  })();
}
