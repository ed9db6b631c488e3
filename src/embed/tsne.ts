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

/**
 * 2-D t-SNE of the rows of `data` ([n, features], row-major).
 * @param data - Row-major [n, features].
 * @param shape - [n, features].
 * @param options - `perplexity` (default 30), `iterations` (1000), `theta` (0.5), `earlyExaggeration` (12) for
 *   `exaggerationIterations` (250), `learningRate` ('auto'), `init` ('pca'), `seed` (1).
 * @returns `x`, `y` and `klDivergence`.
 * @example
 * const { x, y } = tsne(scores.data, scores.shape, { perplexity: 30, seed: 1 });
 */
export function tsne(data: ArrayLike<number>, shape: [number, number], options: TsneOptions = {}): TsneResult {
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

  const k = Math.min(n - 1, Math.floor(3 * perplexity + 1));
  const neighbours = nearestNeighbours(data, shape, k);
  const p = jointProbabilities(conditionalProbabilities(neighbours.distance2, n, k, perplexity), neighbours.index, n, k);
  const layout = initialLayout(data, shape, options.init ?? 'pca', options.seed ?? 1);

  const update = new Float64Array(2 * n);
  const gains = new Float64Array(2 * n).fill(1);
  const gradient = new Float64Array(2 * n);
  const tree = new QuadTree(n);
  let z = 1;
  for (let it = 0; it < iterations; it++) {
    const exaggerating = it < exaggerationIterations;
    z = tsneGradient(layout, p, exaggerating ? exaggeration : 1, theta, tree, gradient);
    const momentum = exaggerating ? 0.5 : 0.8;
    for (let i = 0; i < 2 * n; i++) {
      const g = gradient[i]!;
      // Delta-bar-delta gains: grow where the step keeps its direction, shrink where it reverses.
      gains[i] = Math.max(update[i]! * g < 0 ? gains[i]! + 0.2 : gains[i]! * 0.8, 0.01);
      update[i] = momentum * update[i]! - rate * gains[i]! * g;
      layout[i]! += update[i]!;
    }
  }
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = layout[2 * i]!;
    y[i] = layout[2 * i + 1]!;
  }
  return { x, y, klDivergence: klDivergence(layout, p, z) };
}

/**
 * The k nearest neighbours of every row (exact, brute force over pairs), nearest first.
 * @param data - Row-major [n, features].
 * @param shape - [n, features].
 * @param k - Neighbours per row.
 * @returns `index` and squared distance `distance2`, row-major [n, k], nearest first.
 * @example
 * const { index } = nearestNeighbours(points, [n, 2], 5);
 */
export function nearestNeighbours(data: ArrayLike<number>, shape: [number, number], k: number): { index: Int32Array; distance2: Float64Array } {
  const [n, d] = shape;
  if (!(Number.isInteger(k) && k >= 1 && k <= n - 1)) throw new OptionError(`k must be an integer in 1–${n - 1} (n − 1), got ${k}`, { option: 'k' });
  const x = Float64Array.from(data as ArrayLike<number>);
  // One bounded max-heap per row; each pair's distance is computed once and offered to both rows.
  const heapIndex = new Int32Array(n * k);
  const heapDist = new Float64Array(n * k);
  const size = new Int32Array(n);
  const offer = (row: number, j: number, dist: number) => {
    const base = row * k;
    let s = size[row]!;
    if (s < k) {
      let c = s++;
      size[row] = s;
      while (c > 0) {
        const parent = (c - 1) >> 1;
        if (heapDist[base + parent]! >= dist) break;
        heapDist[base + c] = heapDist[base + parent]!;
        heapIndex[base + c] = heapIndex[base + parent]!;
        c = parent;
      }
      heapDist[base + c] = dist;
      heapIndex[base + c] = j;
    } else if (dist < heapDist[base]!) {
      let c = 0;
      for (;;) {
        let child = 2 * c + 1;
        if (child >= k) break;
        if (child + 1 < k && heapDist[base + child + 1]! > heapDist[base + child]!) child++;
        if (heapDist[base + child]! <= dist) break;
        heapDist[base + c] = heapDist[base + child]!;
        heapIndex[base + c] = heapIndex[base + child]!;
        c = child;
      }
      heapDist[base + c] = dist;
      heapIndex[base + c] = j;
    }
  };
  for (let i = 0; i < n; i++) {
    const oi = i * d;
    for (let j = i + 1; j < n; j++) {
      const oj = j * d;
      let dist = 0;
      for (let f = 0; f < d; f++) {
        const diff = x[oi + f]! - x[oj + f]!;
        dist += diff * diff;
      }
      offer(i, j, dist);
      offer(j, i, dist);
    }
  }
  // Heaps → ascending order.
  const index = new Int32Array(n * k);
  const distance2 = new Float64Array(n * k);
  const order = Array.from({ length: k }, (_, m) => m);
  for (let i = 0; i < n; i++) {
    const base = i * k;
    order.sort((a, b) => heapDist[base + a]! - heapDist[base + b]!);
    for (let m = 0; m < k; m++) {
      index[base + m] = heapIndex[base + order[m]!]!;
      distance2[base + m] = heapDist[base + order[m]!]!;
    }
    for (let m = 0; m < k; m++) order[m] = m;
  }
  return { index, distance2 };
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

/**
 * ∂KL/∂y for every point into `out` (interleaved), by Barnes-Hut; returns Z = Σ_{i≠j} 1 / (1 + ‖yi − yj‖²).
 * Exported for the test that checks it against the O(n²) sum.
 */
export function tsneGradient(layout: Float64Array, p: SparseAffinities, exaggeration: number, theta: number, tree: QuadTree, out: Float64Array): number {
  const n = layout.length / 2;
  tree.build(layout);
  let z = 0;
  const repulsion = out; // holds Σ q² (yi − yj) until Z is known
  const force = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    tree.repulsion(layout[2 * i]!, layout[2 * i + 1]!, i, theta, force);
    repulsion[2 * i] = force[0]!;
    repulsion[2 * i + 1] = force[1]!;
    z += force[2]!;
  }
  for (let i = 0; i < n; i++) {
    const xi = layout[2 * i]!;
    const yi = layout[2 * i + 1]!;
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
    out[2 * i] = 4 * (ax - repulsion[2 * i]! / z);
    out[2 * i + 1] = 4 * (ay - repulsion[2 * i + 1]! / z);
  }
  return z;
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

/**
 * A point quadtree over the layout, rebuilt every iteration, with each cell's point count and centre of mass.
 * Nodes live in flat typed arrays (a node's four children are consecutive, from `child[node]` on), so a build
 * allocates nothing once the arrays have grown.
 */
export class QuadTree {
  private capacity = 0;
  private cx = new Float64Array(0); // cell centre and half-width
  private cy = new Float64Array(0);
  private half = new Float64Array(0);
  private mass = new Float64Array(0);
  private sumX = new Float64Array(0);
  private sumY = new Float64Array(0);
  private child = new Int32Array(0); // first child's node id, −1 for a leaf
  private point = new Int32Array(0); // a leaf's point (−1: empty)
  private nodes = 0;
  // Depth-first traversal holds at most 3 siblings per level, and insertion stops at depth 61.
  private readonly stack = new Int32Array(256);
  private layout: Float64Array = new Float64Array(0);

  constructor(points: number) {
    this.grow(Math.max(64, 4 * points));
  }

  build(layout: Float64Array): void {
    this.layout = layout;
    const n = layout.length / 2;
    let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = layout[2 * i]!, y = layout[2 * i + 1]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    const half = (Math.max(maxX - minX, maxY - minY) / 2) * (1 + 1e-9) + 1e-12;
    this.nodes = 0;
    this.newNode((minX + maxX) / 2, (minY + maxY) / 2, half);
    for (let i = 0; i < n; i++) this.insert(i);
  }

  /** Σ_j q_ij² (yi − yj) into force[0..1] and Σ_j q_ij into force[2], over every point but i. */
  repulsion(xi: number, yi: number, i: number, theta: number, force: number[]): void {
    let fx = 0, fy = 0, sumQ = 0;
    const theta2 = theta * theta;
    const stack = this.stack;
    let top = 0;
    stack[top++] = 0;
    while (top > 0) {
      const node = stack[--top]!;
      const m = this.mass[node]!;
      if (m === 0) continue;
      const first = this.child[node]!;
      if (first < 0 && this.point[node] === i) {
        sumQ += m - 1; // coincident points: distance 0, q = 1, no force
        continue;
      }
      const dx = xi - this.sumX[node]! / m;
      const dy = yi - this.sumY[node]! / m;
      const d2 = dx * dx + dy * dy;
      const width = 2 * this.half[node]!;
      if (first < 0 || width * width < theta2 * d2) {
        const q = 1 / (1 + d2);
        sumQ += m * q;
        const mq2 = m * q * q;
        fx += mq2 * dx;
        fy += mq2 * dy;
      } else {
        for (let c = 0; c < 4; c++) stack[top++] = first + c;
      }
    }
    force[0] = fx;
    force[1] = fy;
    force[2] = sumQ;
  }

  private insert(i: number): void {
    const x = this.layout[2 * i]!, y = this.layout[2 * i + 1]!;
    let node = 0;
    for (let depth = 0; ; depth++) {
      const m = this.mass[node]!;
      this.mass[node] = m + 1;
      this.sumX[node]! += x;
      this.sumY[node]! += y;
      if (this.child[node]! < 0) {
        if (m === 0) {
          this.point[node] = i;
          return;
        }
        const other = this.point[node]!;
        const ox = this.layout[2 * other]!, oy = this.layout[2 * other + 1]!;
        // Coincident (or, past depth 60, numerically inseparable) points share a leaf.
        if ((ox === x && oy === y) || depth > 60) return;
        this.split(node, other, ox, oy, m);
      }
      node = this.child[node]! + this.quadrant(node, x, y);
    }
  }

  /** Turns a leaf holding `m` copies of one point into an internal node with that point in one child. */
  private split(node: number, other: number, ox: number, oy: number, m: number): void {
    const h = this.half[node]! / 2;
    const cx = this.cx[node]!, cy = this.cy[node]!;
    const first = this.newNode(cx - h, cy - h, h);
    this.newNode(cx + h, cy - h, h);
    this.newNode(cx - h, cy + h, h);
    this.newNode(cx + h, cy + h, h);
    this.child[node] = first;
    this.point[node] = -1;
    const c = first + this.quadrant(node, ox, oy);
    this.mass[c] = m;
    this.sumX[c] = m * ox;
    this.sumY[c] = m * oy;
    this.point[c] = other;
  }

  private quadrant(node: number, x: number, y: number): number {
    return (x > this.cx[node]! ? 1 : 0) + (y > this.cy[node]! ? 2 : 0);
  }

  private newNode(cx: number, cy: number, half: number): number {
    if (this.nodes === this.capacity) this.grow(2 * this.capacity);
    const id = this.nodes++;
    this.cx[id] = cx;
    this.cy[id] = cy;
    this.half[id] = half;
    this.mass[id] = 0;
    this.sumX[id] = 0;
    this.sumY[id] = 0;
    this.child[id] = -1;
    this.point[id] = -1;
    return id;
  }

  private grow(capacity: number): void {
    const copy = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a);
      return b;
    };
    this.cx = copy(this.cx, (c) => new Float64Array(c));
    this.cy = copy(this.cy, (c) => new Float64Array(c));
    this.half = copy(this.half, (c) => new Float64Array(c));
    this.mass = copy(this.mass, (c) => new Float64Array(c));
    this.sumX = copy(this.sumX, (c) => new Float64Array(c));
    this.sumY = copy(this.sumY, (c) => new Float64Array(c));
    this.child = copy(this.child, (c) => new Int32Array(c));
    this.point = copy(this.point, (c) => new Int32Array(c));
    this.capacity = capacity;
  }
}
