/**
 * Barnes-Hut t-SNE (van der Maaten 2014), the variant the Camformer authors ran: scikit-learn's `TSNE` with its
 * defaults (`base/emb_utils.py`: perplexity 30, 1,000 iterations). The defaults below are scikit-learn's (1.2+):
 * input similarities over the ⌊3·perplexity⌋ + 1 nearest neighbours (squared Euclidean distances), early
 * exaggeration 12 for the first 250 iterations with momentum 0.5, then momentum 0.8; learning rate
 * max(n / 12 / 4, 50); per-coordinate gains (+0.2 / ×0.8, at least 0.01); PCA initialisation scaled to a
 * standard deviation of 1e-4; angle θ = 0.5.
 *
 * Cost per iteration is O(n log n): attraction runs over the sparse neighbour similarities, and the repulsion of
 * a far group of points is that of its centre of mass, taken from a quadtree cell whose width is under θ times
 * its distance. Exact t-SNE is O(n²) per iteration (10,000 points: over an hour here); this takes 35 s on one
 * core, as fast per core as scikit-learn (bench/tsne.bench.ts). Deterministic for a seed, which drives the random
 * projections of the PCA initialisation (or the random initialisation).
 */
import { OptionError } from '../errors';
import { createRandom } from '../stats/random';
import { pca } from './pca';
import { nearestNeighbours, type Neighbours } from './neighbours';
import { QuadTree } from './quadtree';

export { QuadTree } from './quadtree';
export { nearestNeighbours } from './neighbours';

/** Options of {@link tsne}: scikit-learn's defaults. */
export interface TsneOptions {
  /** Effective number of neighbours (default 30). Must be below n / 3. */
  perplexity?: number;
  /** Optimisation iterations, exaggeration phase included (default 1000). */
  iterations?: number;
  /** Barnes-Hut angle (default 0.5); 0 sums every point's repulsion exactly (O(n²)). */
  theta?: number;
  /** Factor on the input similarities during the first `exaggerationIterations` (default 12 for 250). */
  earlyExaggeration?: number;
  /** Iterations with early exaggeration (default 250). */
  exaggerationIterations?: number;
  /** Step size (default 'auto': max(n / earlyExaggeration / 4, 50)). */
  learningRate?: number | 'auto';
  /** Initial layout: the first two principal components scaled to sd 1e-4 (default), or normal(0, 1e-4). */
  init?: 'pca' | 'random';
  /** Seed of the initial layout (default 1). */
  seed?: number;
  /** Called after each iteration with the iterations done and in all (for progress displays). */
  onProgress?: (done: number, total: number) => void;
}

/** What {@link tsne} returns: the layout and its final KL divergence. */
export interface TsneResult {
  /** First coordinate per row. */
  x: Float64Array;
  /** Second coordinate per row. */
  y: Float64Array;
  /** KL(P ‖ Q) of the final layout, with Q's normaliser from the Barnes-Hut sum (as scikit-learn reports it). */
  klDivergence: number;
}

/** Sparse symmetric input similarities P (rows sum to the joint probabilities; the whole matrix to 1). */
export interface SparseAffinities {
  rowStart: Int32Array;
  column: Int32Array;
  value: Float64Array;
}

/** Everything one t-SNE run needs between iterations (shared by tsne and tsneParallel). */
export interface TsneState {
  n: number;
  p: SparseAffinities;
  layout: Float64Array;
  gradient: Float64Array;
  update: Float64Array;
  gains: Float64Array;
  iterations: number;
  theta: number;
  exaggeration: number;
  exaggerationIterations: number;
  rate: number;
  /** Q's normaliser of the last gradient. */
  z: number;
}

/** The checked settings of a run; `neighbours` is how many neighbours P is built from (⌊3 · perplexity⌋ + 1). */
export function tsneSettings(data: ArrayLike<number>, shape: [number, number], options: TsneOptions = {}) {
  const [n, features] = shape;
  if (!(Number.isInteger(n) && n >= 4)) throw new OptionError(`need at least 4 points to embed, got ${n}`, { option: 'data' });
  if (data.length !== n * features) throw new OptionError(`data has ${data.length} values, shape [${n}, ${features}] needs ${n * features}`, { option: 'data' });
  const perplexity = options.perplexity ?? 30;
  if (!(perplexity > 0 && perplexity < n / 3)) {
    throw new OptionError(`perplexity must be positive and below n / 3 = ${(n / 3).toFixed(1)}, got ${perplexity}`, { option: 'perplexity' });
  }
  const iterations = options.iterations ?? 1000;
  const theta = options.theta ?? 0.5;
  const exaggeration = options.earlyExaggeration ?? 12;
  const exaggerationIterations = Math.min(options.exaggerationIterations ?? 250, iterations);
  const rate = options.learningRate === undefined || options.learningRate === 'auto' ? Math.max(n / exaggeration / 4, 50) : options.learningRate;
  if (!(rate > 0)) throw new OptionError(`learningRate must be positive or 'auto', got ${options.learningRate}`, { option: 'learningRate' });
  if (!(theta >= 0)) throw new OptionError(`theta must be ≥ 0, got ${theta}`, { option: 'theta' });
  return { n, perplexity, iterations, theta, exaggeration, exaggerationIterations, rate, neighbours: Math.min(n - 1, Math.floor(3 * perplexity + 1)) };
}

/**
 * Checks the options, finds the neighbours (unless given: tsneParallel finds them on every core), calibrates P
 * and lays out the starting points.
 */
export function prepareTsne(data: ArrayLike<number>, shape: [number, number], options: TsneOptions = {}, given?: Neighbours): TsneState {
  const { neighbours: k, perplexity, ...settings } = tsneSettings(data, shape, options);
  const n = settings.n;
  const neighbours = given ?? nearestNeighbours(data, shape, k);
  const p = jointProbabilities(conditionalProbabilities(neighbours.distance2, n, k, perplexity), neighbours.index, n, k);
  const layout = initialLayout(data, shape, options.init ?? 'pca', options.seed ?? 1);
  return {
    ...settings, p, layout, gradient: new Float64Array(2 * n), update: new Float64Array(2 * n), gains: new Float64Array(2 * n).fill(1), z: 1,
  };
}

/** The input-similarity factor of iteration `it` (early exaggeration, then 1). */
export function exaggerationAt(s: TsneState, it: number): number {
  return it < s.exaggerationIterations ? s.exaggeration : 1;
}

/** Moves the layout one step along the gradient already in `s.gradient` (momentum and gains, as scikit-learn). */
export function stepLayout(s: TsneState, it: number): void {
  const momentum = it < s.exaggerationIterations ? 0.5 : 0.8;
  const { gradient, gains, update, layout, rate } = s;
  for (let i = 0; i < 2 * s.n; i++) {
    const g = gradient[i]!;
    // Delta-bar-delta gains: grow where the step keeps its direction, shrink where it reverses.
    gains[i] = Math.max(update[i]! * g < 0 ? gains[i]! + 0.2 : gains[i]! * 0.8, 0.01);
    update[i] = momentum * update[i]! - rate * gains[i]! * g;
    layout[i]! += update[i]!;
  }
}

/** The result of a finished run: coordinates and the final KL divergence. */
export function finishTsne(s: TsneState): TsneResult {
  const x = new Float64Array(s.n);
  const y = new Float64Array(s.n);
  for (let i = 0; i < s.n; i++) {
    x[i] = s.layout[2 * i]!;
    y[i] = s.layout[2 * i + 1]!;
  }
  return { x, y, klDivergence: klDivergence(s.layout, s.p, s.z) };
}

/**
 * 2-D t-SNE of the rows of `data` ([n, features], row-major), on this thread; `tsneParallel` gives the same
 * layout using every core.
 * @param data - Row-major [n, features].
 * @param shape - [n, features].
 * @param options - `perplexity` (default 30), `iterations` (1000), `theta` (0.5), `earlyExaggeration` (12) for
 *   `exaggerationIterations` (250), `learningRate` ('auto'), `init` ('pca'), `seed` (1).
 * @returns `x`, `y` and `klDivergence`.
 * @example
 * const { x, y, klDivergence } = tsne(activations, [n, 50], { perplexity: 30, seed: 1 });
 */
export function tsne(data: ArrayLike<number>, shape: [number, number], options: TsneOptions = {}): TsneResult {
  const s = prepareTsne(data, shape, options);
  const tree = new QuadTree(s.n);
  const scratch = { repulsion: new Float64Array(3 * s.n), attraction: new Float64Array(2 * s.n) };
  for (let it = 0; it < s.iterations; it++) {
    s.z = tsneGradient(s.layout, s.p, exaggerationAt(s, it), s.theta, tree, s.gradient, scratch);
    stepLayout(s, it);
    options.onProgress?.(it + 1, s.iterations);
  }
  return finishTsne(s);
}

/**
 * p(j | i) over each row's k neighbours: a Gaussian kernel on the squared distances whose precision is found by
 * bisection so that the row's entropy is log(perplexity) (to 1e-5 nats, at most 100 steps, as scikit-learn).
 */
export function conditionalProbabilities(distance2: Float64Array, n: number, k: number, perplexity: number): Float64Array {
  const p = new Float64Array(n * k);
  const target = Math.log(perplexity);
  for (let i = 0; i < n; i++) {
    const base = i * k;
    const nearest = distance2[base]!; // shifting by the smallest distance keeps exp() from underflowing; P is unchanged
    let beta = 1;
    let lo = -Infinity;
    let hi = Infinity;
    for (let step = 0; step < 100; step++) {
      let sum = 0;
      for (let m = 0; m < k; m++) {
        const v = Math.exp(-(distance2[base + m]! - nearest) * beta);
        p[base + m] = v;
        sum += v;
      }
      let mean = 0;
      for (let m = 0; m < k; m++) {
        p[base + m]! /= sum;
        mean += (distance2[base + m]! - nearest) * p[base + m]!;
      }
      const entropy = Math.log(sum) + beta * mean;
      const diff = entropy - target;
      if (Math.abs(diff) <= 1e-5) break;
      if (diff > 0) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = lo === -Infinity ? beta / 2 : (beta + lo) / 2;
      }
    }
  }
  return p;
}

/** P = (p(j|i) + p(i|j)) / Σ, as sparse rows sorted by column. */
export function jointProbabilities(conditional: Float64Array, index: Int32Array, n: number, k: number): SparseAffinities {
  const count = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    for (let m = 0; m < k; m++) {
      count[i + 1]!++;
      count[index[i * k + m]! + 1]!++;
    }
  }
  for (let i = 0; i < n; i++) count[i + 1]! += count[i]!;
  const fill = count.slice(0, n);
  const col = new Int32Array(count[n]!);
  const val = new Float64Array(count[n]!);
  for (let i = 0; i < n; i++) {
    for (let m = 0; m < k; m++) {
      const j = index[i * k + m]!;
      const v = conditional[i * k + m]!;
      col[fill[i]!] = j;
      val[fill[i]!++] = v;
      col[fill[j]!] = i;
      val[fill[j]!++] = v;
    }
  }
  // Sort each row by column and merge the pairs that were neighbours both ways.
  const rowStart = new Int32Array(n + 1);
  const column: number[] = [];
  const value: number[] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const entries = Array.from({ length: count[i + 1]! - count[i]! }, (_, e) => count[i]! + e).sort((a, b) => col[a]! - col[b]!);
    for (const e of entries) {
      if (column.length > rowStart[i]! && column[column.length - 1] === col[e]) value[value.length - 1]! += val[e]!;
      else {
        column.push(col[e]!);
        value.push(val[e]!);
      }
      total += val[e]!;
    }
    rowStart[i + 1] = column.length;
  }
  return { rowStart, column: Int32Array.from(column), value: Float64Array.from(value, (v) => v / Math.max(total, Number.EPSILON)) };
}

/** Interleaved [x0, y0, x1, y1, …] starting layout. */
function initialLayout(data: ArrayLike<number>, shape: [number, number], init: 'pca' | 'random', seed: number): Float64Array {
  const [n] = shape;
  const layout = new Float64Array(2 * n);
  if (init === 'random') {
    const rng = createRandom(seed);
    for (let i = 0; i < 2 * n; i++) layout[i] = 1e-4 * rng.normal();
    return layout;
  }
  if (init !== 'pca') throw new OptionError(`init must be 'pca' or 'random', got '${String(init)}'`, { option: 'init' });
  const scores = pca(data, shape, { components: 2, standardize: false, seed });
  const columns = scores.shape[1];
  let sd = 0;
  for (let i = 0; i < n; i++) sd += scores.data[i * columns]! ** 2;
  sd = Math.sqrt(sd / n) || 1;
  for (let i = 0; i < n; i++) {
    layout[2 * i] = (scores.data[i * columns]! / sd) * 1e-4;
    layout[2 * i + 1] = columns > 1 ? (scores.data[i * columns + 1]! / sd) * 1e-4 : 0;
  }
  return layout;
}

/** Per-point force buffers: repulsion (Σ q² (yi − yj) as x, y and Σ q, three per point) and attraction (x, y). */
export interface ForceBuffers {
  repulsion: Float64Array;
  attraction: Float64Array;
}

/**
 * Repulsion (Barnes-Hut, from a built tree) and attraction (over P's sparse rows) of points [start, end) into
 * `out`. Every point's numbers depend only on the layout and the tree, not on who computes them, so threads
 * can share the points and the gradient stays the same to the last bit.
 */
export function pointForces(
  layout: Float64Array, p: SparseAffinities, exaggeration: number, theta: number, tree: QuadTree, start: number, end: number, out: ForceBuffers,
): void {
  const force = [0, 0, 0];
  const { repulsion, attraction } = out;
  for (let i = start; i < end; i++) {
    const xi = layout[2 * i]!;
    const yi = layout[2 * i + 1]!;
    tree.repulsion(xi, yi, i, theta, force);
    repulsion[3 * i] = force[0]!;
    repulsion[3 * i + 1] = force[1]!;
    repulsion[3 * i + 2] = force[2]!;
    let ax = 0;
    let ay = 0;
    for (let e = p.rowStart[i]!; e < p.rowStart[i + 1]!; e++) {
      const j = p.column[e]!;
      const dx = xi - layout[2 * j]!;
      const dy = yi - layout[2 * j + 1]!;
      const w = (exaggeration * p.value[e]!) / (1 + dx * dx + dy * dy);
      ax += w * dx;
      ay += w * dy;
    }
    attraction[2 * i] = ax;
    attraction[2 * i + 1] = ay;
  }
}

/** The gradient from per-point forces into `out`; returns Z = Σ_{i≠j} q_ij, summed in point order. */
export function combineForces(forces: ForceBuffers, n: number, out: Float64Array): number {
  let z = 0;
  for (let i = 0; i < n; i++) z += forces.repulsion[3 * i + 2]!;
  for (let i = 0; i < n; i++) {
    out[2 * i] = 4 * (forces.attraction[2 * i]! - forces.repulsion[3 * i]! / z);
    out[2 * i + 1] = 4 * (forces.attraction[2 * i + 1]! - forces.repulsion[3 * i + 1]! / z);
  }
  return z;
}

/**
 * ∂KL/∂y for every point into `out` (interleaved), by Barnes-Hut; returns Z = Σ_{i≠j} 1 / (1 + ‖yi − yj‖²).
 * Exported for the test that checks it against the O(n²) sum.
 */
export function tsneGradient(
  layout: Float64Array, p: SparseAffinities, exaggeration: number, theta: number, tree: QuadTree, out: Float64Array,
  scratch: ForceBuffers = { repulsion: new Float64Array(1.5 * layout.length), attraction: new Float64Array(layout.length) },
): number {
  const n = layout.length / 2;
  tree.build(layout);
  pointForces(layout, p, exaggeration, theta, tree, 0, n, scratch);
  return combineForces(scratch, n, out);
}

function klDivergence(layout: Float64Array, p: SparseAffinities, z: number): number {
  let kl = 0;
  for (let i = 0; i + 1 < p.rowStart.length; i++) {
    for (let e = p.rowStart[i]!; e < p.rowStart[i + 1]!; e++) {
      const j = p.column[e]!;
      const d2 = (layout[2 * i]! - layout[2 * j]!) ** 2 + (layout[2 * i + 1]! - layout[2 * j + 1]!) ** 2;
      const q = Math.max(1 / (1 + d2) / z, Number.EPSILON);
      const pij = p.value[e]!;
      if (pij > 0) kl += pij * Math.log(Math.max(pij, Number.EPSILON) / q);
    }
  }
  return kl;
}
