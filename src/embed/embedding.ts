/**
 * 2-D embeddings of activations (Camformer Figures 7 and S9): Barnes-Hut t-SNE with scikit-learn's defaults, the
 * paper's method (`./tsne`, ours), and UMAP from `umap-js` (MIT; the PAIR-code port of McInnes' umap-learn) with
 * its random numbers drawn from cislab's seeded stream. Seeded: one seed gives one layout on one Node build.
 * Points are coloured by expression quantile (Q1–Q6) and by error quantile.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { createRandom } from '../stats/random';
import { tsneParallel } from './tsne-parallel';

/** The 2-D embeddings {@link embed2d} offers: Barnes-Hut t-SNE and UMAP. */
export const EMBEDDING_METHODS = ['tsne', 'umap'] as const;
/** One of {@link EMBEDDING_METHODS}. */
export type EmbeddingMethod = (typeof EMBEDDING_METHODS)[number];

/** Options of {@link embed2d}. */
export interface EmbedOptions {
  /** 'tsne' (default) or 'umap'. */
  method?: EmbeddingMethod;
  /** Seed of the layout (default 1). */
  seed?: number;
  /** t-SNE perplexity (default 30) or UMAP neighbours (default 15). */
  perplexity?: number;
  /** UMAP neighbours (default 15, at most n − 1). */
  neighbors?: number;
  /** Optimisation iterations (t-SNE default 1000, as scikit-learn and the paper; UMAP default 350). */
  iterations?: number;
  /** Called after each iteration (t-SNE) or epoch (UMAP) with those done and in all (for progress displays). */
  onProgress?: (done: number, total: number) => void;
  /**
   * t-SNE threads including this one (default: every core, os.availableParallelism()); the layout is the same
   * for any number (`tsneParallel`). UMAP runs on this thread.
   */
  threads?: number;
}

/**
 * [n, features] row-major → `x`, `y` per row.
 * @param data - Row-major [n, features] (e.g. `layerActivations(...).data`, or PCA scores).
 * @param shape - [n, features].
 * @param options - `method` (default 'tsne'), `seed` (default 1), `perplexity` (t-SNE, default 30),
 *   `neighbors` (UMAP, default 15), `iterations` (t-SNE 1000, UMAP 350), `onProgress`, `threads` (t-SNE).
 * @returns The coordinates (a promise: t-SNE runs on worker threads).
 * @example
 * const { x, y } = await embed2d(scores.data, scores.shape, { method: 'umap', seed: 2 });
 */
export async function embed2d(data: Float32Array | Float64Array, shape: [number, number], options: EmbedOptions = {}): Promise<{ x: Float64Array; y: Float64Array }> {
  const { method = 'tsne', seed = 1 } = options;
  if (!EMBEDDING_METHODS.includes(method)) throw new OptionError(`unknown method '${method}'; expected tsne or umap`, { option: 'method' });
  const [n, features] = shape;
  if (n < 4) throw new OptionError(`need at least 4 points to embed, got ${n}`, { option: 'data' });
  if (method === 'tsne') {
    // A perplexity the data cannot support is lowered to the largest it can, as for UMAP's neighbours below.
    const settings = { seed, perplexity: Math.min(options.perplexity ?? 30, (n - 1) / 3), iterations: options.iterations, onProgress: options.onProgress };
    const { x, y } = await tsneParallel(data, shape, { ...settings, threads: options.threads });
    return { x, y };
  }
  // umap-js is loaded lazily: most users of this package never embed anything.
  const { UMAP } = require('umap-js') as typeof import('umap-js');
  const rows = Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * features, (i + 1) * features)));
  const random = createRandom(seed);
  const umap = new UMAP({ nComponents: 2, nNeighbors: Math.min(options.neighbors ?? 15, n - 1), nEpochs: options.iterations ?? 350, random: () => random.float() });
  // umap.fit(rows) one epoch at a time (initializeFit, then step() to the last epoch: the same arithmetic), so
  // each epoch can be reported.
  const epochs = umap.initializeFit(rows);
  for (let done = umap.step(); done < epochs; done = umap.step()) options.onProgress?.(done, epochs);
  options.onProgress?.(epochs, epochs);
  const points = umap.getEmbedding();
  return { x: Float64Array.from(points, (p) => p[0]!), y: Float64Array.from(points, (p) => p[1]!) };
}

/**
 * Labels `Q1`…`Q{k}` by rank (equal-count bins; ties broken by order), lowest values in Q1.
 * @param values - The values.
 * @param k - Number of classes (default 6).
 * @returns One label per value, in input order.
 * @example
 * quantileLabels([0.1, 5, 2, 9], 2); // ['Q1', 'Q2', 'Q1', 'Q2']
 */
export function quantileLabels(values: ArrayLike<number>, k = 6): string[] {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const labels: string[] = new Array(values.length);
  order.forEach((row, rank) => (labels[row] = `Q${Math.floor((rank * k) / values.length) + 1}`));
  return labels;
}

/**
 * An embedding table: `id`, `x`, `y`, plus `expression_quantile` and `error_quantile` (of |predicted − measured|)
 * when measured and predicted values are given.
 * @param ids - One id per point.
 * @param points - The coordinates from {@link embed2d}.
 * @param values - `measured` and `predicted` per point (optional).
 * @param k - Quantile classes (default 6).
 * @returns The table, ready for {@link embeddingScatter}.
 * @example
 * embeddingScatter(embeddingTable(ids, points, { measured, predicted }), { x: 'x', y: 'y', color: 'expression_quantile' });
 */
export function embeddingTable(
  ids: readonly string[],
  points: { x: Float64Array; y: Float64Array },
  values: { measured?: ArrayLike<number>; predicted?: ArrayLike<number> } = {},
  k = 6,
): ColumnTable {
  const columns: Record<string, ArrayLike<unknown>> = { id: ids, x: points.x, y: points.y };
  if (values.measured) columns['expression_quantile'] = quantileLabels(values.measured, k);
  if (values.measured && values.predicted) {
    const error = Float64Array.from({ length: ids.length }, (_, i) => Math.abs(values.predicted![i]! - values.measured![i]!));
    columns['error'] = error;
    columns['error_quantile'] = quantileLabels(error, k);
  }
  return aq.table(columns);
}
