/**
 * Principal components of a wide activation matrix, as the Camformer paper prepares layer activations for
 * t-SNE and UMAP (Figures 7 and S9: StandardScaler, then PCA to 50 components, then the 2-D embedding).
 *
 * Layer activations are wide (camformer-mini's first block: 116 positions × 384 channels = 44,544 features), so
 * the covariance matrix is never formed: a seeded randomized SVD (Halko, Martinsson & Tropp 2011, with power
 * iterations) finds the top components in a few passes over the data, each O(n · features · (k + oversampling)).
 * The passes are matrix products over blocks of rows on the tfjs backend (float32), with columns standardized on
 * the fly (mean 0, sd 1; constant columns contribute nothing), so the input is never copied whole; the small
 * factorizations run in float64 JavaScript.
 */
import { tf } from '../kernels/tensor/tf';
import { OptionError } from '../errors';
import { createRandom } from '../stats/random';

/** Options of {@link pca}. */
export interface PcaOptions {
  /** Number of components (default 50, capped at min(n, features)). */
  components?: number;
  /** Scale every column to unit variance after centring (default true, as StandardScaler). */
  standardize?: boolean;
  /** Extra random directions (default 10). */
  oversampling?: number;
  /** Power iterations (default 3): more passes, sharper components when the spectrum decays slowly. */
  powerIterations?: number;
  /** Seed of the random directions (default 1). */
  seed?: number;
}

/** What {@link pca} returns: the scores and the variance of each component. */
export interface PcaResult {
  /** Row-major [n, components]: the scores (projections of the centred, scaled rows). */
  data: Float64Array;
  /** [n, components]. */
  shape: [n: number, components: number];
  /** Variance along each component (eigenvalue of the covariance, divisor n − 1). */
  variance: Float64Array;
  /** Fraction of the total variance (of the centred, scaled data) each component explains. */
  explained: Float64Array;
}

/** What the passes over the data need: sizes, column centre and scale, the random start. */
export interface PcaSetup {
  n: number;
  p: number;
  k: number;
  l: number;
  mean: Float64Array;
  scale: Float64Array;
  /** Total variance of the centred (and scaled) data. */
  total: number;
  omega: Float64Array;
  powerIterations: number;
}

/** Checks the options and computes the column statistics and Ω (shared by pca and pcaParallel). */
export function preparePca(data: ArrayLike<number>, shape: [number, number], options: PcaOptions = {}): PcaSetup {
  const [n, p] = shape;
  if (!(Number.isInteger(n) && Number.isInteger(p) && n >= 2 && p >= 1)) {
    throw new OptionError(`expected a shape [n ≥ 2, features ≥ 1], got [${n}, ${p}]`, { option: 'shape' });
  }
  if (data.length !== n * p) throw new OptionError(`data has ${data.length} values, shape [${n}, ${p}] needs ${n * p}`, { option: 'data' });
  const requested = options.components ?? 50;
  if (!(Number.isInteger(requested) && requested >= 1)) throw new OptionError(`components must be a positive integer, got ${requested}`, { option: 'components' });
  const k = Math.min(requested, n, p);
  const l = Math.min(k + (options.oversampling ?? 10), n, p);
  const powerIterations = options.powerIterations ?? 3;

  // Column centre and scale.
  const mean = new Float64Array(p);
  const scale = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0, o = i * p; j < p; j++) mean[j]! += data[o + j]!;
  for (let j = 0; j < p; j++) mean[j]! /= n;
  let total = 0;
  for (let i = 0; i < n; i++) for (let j = 0, o = i * p; j < p; j++) { const d = data[o + j]! - mean[j]!; scale[j]! += d * d; }
  for (let j = 0; j < p; j++) {
    const variance = scale[j]! / (n - 1);
    if (options.standardize ?? true) {
      scale[j] = variance > 1e-12 ? 1 / Math.sqrt(variance) : 0;
      total += variance > 1e-12 ? 1 : 0;
    } else {
      scale[j] = 1;
      total += variance;
    }
  }
  // Ω Gaussian (p × l).
  const random = createRandom(options.seed ?? 1);
  const omega = new Float64Array(p * l);
  for (let i = 0; i < omega.length; i++) omega[i] = random.normal();
  return { n, p, k, l, mean, scale, total, omega, powerIterations };
}

/**
 * Top principal components of `data` ([n, features], row-major), by randomized SVD, on this thread
 * (`pcaParallel` splits the passes over the rows across threads).
 * @param data - Row-major [n, features].
 * @param shape - [n, features].
 * @param options - `components` (default 50), `standardize` (default true), `oversampling` (default 10),
 *   `powerIterations` (default 3), `seed` (default 1).
 * @returns Scores, variances and explained fractions.
 * @example
 * const { data: scores, explained } = pca(activations, [n, features], { components: 50 });
 */
export function pca(data: ArrayLike<number>, shape: [number, number], options: PcaOptions = {}): PcaResult {
  const s = preparePca(data, shape, options);
  const { n, p, l } = s;
  const right = (m: Float64Array) => timesRight(data, 0, 0, n, p, s.mean, s.scale, m, l, new Float64Array(n * l));
  const left = (m: Float64Array) => transposeTimes(data, 0, 0, n, p, s.mean, s.scale, m, l);
  // Y = X̃ Ω (n × l), then power iterations.
  let q = orthonormalize(right(s.omega), n, l);
  for (let it = 0; it < s.powerIterations; it++) {
    const z = orthonormalize(left(q), p, l); // p × l
    q = orthonormalize(right(z), n, l);
  }
  return finishPca(s, left(q), q);
}

/** Scores, variances and explained fractions from Bᵀ = X̃ᵀ Q (p × l) and Q (n × l). */
export function finishPca(s: PcaSetup, bt: Float64Array, q: Float64Array): PcaResult {
  const { n, p, k, l, total } = s;
  // BBᵀ = (Bᵀ)ᵀ Bᵀ (l × l).
  const gram = new Float64Array(l * l);
  for (let r = 0; r < p; r++) {
    const o = r * l;
    for (let a = 0; a < l; a++) {
      const x = bt[o + a]!;
      if (x === 0) continue;
      for (let b = a; b < l; b++) gram[a * l + b]! += x * bt[o + b]!;
    }
  }
  for (let a = 0; a < l; a++) for (let b = 0; b < a; b++) gram[a * l + b] = gram[b * l + a]!;
  const { values, vectors } = symmetricEigen(gram, l);
  const order = Array.from({ length: l }, (_, i) => i).sort((a, b) => values[b]! - values[a]!);

  // Scores = X̃ V = Q U S, where BBᵀ = U S² Uᵀ.
  const scores = new Float64Array(n * k);
  const variance = new Float64Array(k);
  const explained = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    const e = order[c]!;
    const sv = Math.sqrt(Math.max(values[e]!, 0));
    variance[c] = (sv * sv) / (n - 1);
    explained[c] = total > 0 ? variance[c]! / total : 0;
    // Sign convention: the score with the largest magnitude is positive (the same data give the same signs).
    let big = 0;
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let a = 0; a < l; a++) v += q[i * l + a]! * vectors[a * l + e]!;
      scores[i * k + c] = v * sv;
      if (Math.abs(v) > Math.abs(big)) big = v;
    }
    if (big < 0) for (let i = 0; i < n; i++) scores[i * k + c] = -scores[i * k + c]!;
  }
  return { data: scores, shape: [n, k], variance, explained };
}

/** Rows per block: about 4 M values (16 MB of float32) per block. */
export function blockRows(p: number): number {
  return Math.max(1, Math.floor(4_000_000 / p));
}

/** Block of rows [r0, r1) of X̃ = (X − mean) ∘ scale as a tensor (inside a tidy); `x` holds rows from `first` on. */
function standardizedBlock(x: ArrayLike<number>, first: number, p: number, r0: number, r1: number, mean: tf.Tensor1D, scale: tf.Tensor1D): tf.Tensor2D {
  const o = (r0 - first) * p;
  const values = x instanceof Float32Array ? x.subarray(o, (r1 - first) * p) : Float32Array.from({ length: (r1 - r0) * p }, (_, i) => x[o + i]!);
  return tf.mul(tf.sub(tf.tensor2d(values, [r1 - r0, p]), mean), scale) as tf.Tensor2D;
}

/**
 * Rows [r0, r1) of X̃ M for M (p × l) into `out` (n × l, rows at their global place); `x` holds the data's rows
 * from `first` on. Blocks start at multiples of blockRows(p), so any split of the rows on block boundaries
 * computes exactly the same blocks as one pass over all rows.
 */
export function timesRight(
  x: ArrayLike<number>, first: number, r0: number, r1: number, p: number, mean: Float64Array, scale: Float64Array, m: Float64Array, l: number, out: Float64Array,
): Float64Array {
  const step = blockRows(p);
  const [mu, sc, mt] = [tf.tensor1d(Float32Array.from(mean)), tf.tensor1d(Float32Array.from(scale)), tf.tensor2d(Float32Array.from(m), [p, l])];
  for (let b0 = r0; b0 < r1; b0 += step) {
    const b1 = Math.min(r1, b0 + step);
    const y = tf.tidy(() => tf.matMul(standardizedBlock(x, first, p, b0, b1, mu, sc), mt));
    out.set(y.dataSync(), b0 * l);
    y.dispose();
  }
  tf.dispose([mu, sc, mt]);
  return out;
}

/** Σ over rows [r0, r1) of X̃ᵀ M for M (n × l, all rows) → p × l; `x` holds the data's rows from `first` on. */
export function transposeTimes(
  x: ArrayLike<number>, first: number, r0: number, r1: number, p: number, mean: Float64Array, scale: Float64Array, m: Float64Array, l: number,
): Float64Array {
  const step = blockRows(p);
  const [mu, sc] = [tf.tensor1d(Float32Array.from(mean)), tf.tensor1d(Float32Array.from(scale))];
  let sum = tf.zeros([p, l]) as tf.Tensor2D;
  for (let b0 = r0; b0 < r1; b0 += step) {
    const b1 = Math.min(r1, b0 + step);
    const next = tf.tidy(() => tf.add(sum, tf.matMul(standardizedBlock(x, first, p, b0, b1, mu, sc), tf.tensor2d(Float32Array.from(m.subarray(b0 * l, b1 * l)), [b1 - b0, l]), true, false)) as tf.Tensor2D);
    sum.dispose();
    sum = next;
  }
  const out = Float64Array.from(sum.dataSync());
  tf.dispose([mu, sc, sum]);
  return out;
}

/** Modified Gram–Schmidt on the l columns of a rows × l matrix (in place); dependent columns become zero. */
export function orthonormalize(m: Float64Array, rows: number, l: number): Float64Array {
  for (let a = 0; a < l; a++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let b = 0; b < a; b++) {
        let dot = 0;
        for (let r = 0; r < rows; r++) dot += m[r * l + a]! * m[r * l + b]!;
        for (let r = 0; r < rows; r++) m[r * l + a]! -= dot * m[r * l + b]!;
      }
    }
    let norm = 0;
    for (let r = 0; r < rows; r++) norm += m[r * l + a]! ** 2;
    norm = Math.sqrt(norm);
    for (let r = 0; r < rows; r++) m[r * l + a] = norm > 1e-12 ? m[r * l + a]! / norm : 0;
  }
  return m;
}

/** Eigen-decomposition of a symmetric l × l matrix by cyclic Jacobi rotations; vectors as columns. */
export function symmetricEigen(matrix: Float64Array, l: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(l * l);
  for (let i = 0; i < l; i++) v[i * l + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < l; i++) for (let j = i + 1; j < l; j++) off += a[i * l + j]! ** 2;
    if (off < 1e-22 * Math.max(1, trace2(a, l))) break;
    for (let pIdx = 0; pIdx < l; pIdx++) {
      for (let qIdx = pIdx + 1; qIdx < l; qIdx++) {
        const apq = a[pIdx * l + qIdx]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[qIdx * l + qIdx]! - a[pIdx * l + pIdx]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < l; k++) {
          const akp = a[k * l + pIdx]!, akq = a[k * l + qIdx]!;
          a[k * l + pIdx] = c * akp - s * akq;
          a[k * l + qIdx] = s * akp + c * akq;
        }
        for (let k = 0; k < l; k++) {
          const apk = a[pIdx * l + k]!, aqk = a[qIdx * l + k]!;
          a[pIdx * l + k] = c * apk - s * aqk;
          a[qIdx * l + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < l; k++) {
          const vkp = v[k * l + pIdx]!, vkq = v[k * l + qIdx]!;
          v[k * l + pIdx] = c * vkp - s * vkq;
          v[k * l + qIdx] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(l);
  for (let i = 0; i < l; i++) values[i] = a[i * l + i]!;
  return { values, vectors: v };
}

function trace2(a: Float64Array, l: number): number {
  let s = 0;
  for (let i = 0; i < l; i++) s += a[i * l + i]! ** 2;
  return s;
}
