/**
 * Quadrature rules on [0, 1]: the points α_k and weights w_k with ∫₀¹ g(α) dα ≈ Σ w_k g(α_k). Integrated
 * gradients integrates the input gradient along the straight path from a baseline with one of these; the
 * names and the default (Gauss–Legendre) are Captum's `IntegratedGradients` methods, which gReLU uses
 * (grelu/interpret/score.py line 197 constructs it with Captum's defaults: 50 steps, 'gausslegendre').
 */
import { OptionError } from '../errors';

export const QUADRATURE_RULES = ['gauss-legendre', 'riemann-middle', 'riemann-trapezoid', 'riemann-left', 'riemann-right'] as const;
export type QuadratureRule = (typeof QUADRATURE_RULES)[number];

export interface Quadrature {
  points: Float64Array;
  weights: Float64Array;
}

/**
 * `steps` points and weights of a rule on [0, 1]. Gauss–Legendre is exact for polynomials of degree
 * 2·steps − 1 (nodes by Newton's method on the Legendre polynomial, to machine precision); the Riemann rules
 * put equal weights at the left ends, right ends or midpoints of `steps` equal intervals, the trapezoid rule
 * `steps` equally spaced points including both ends.
 * @example quadrature('riemann-middle', 4).points // [0.125, 0.375, 0.625, 0.875]
 */
export function quadrature(rule: QuadratureRule, steps: number): Quadrature {
  if (!QUADRATURE_RULES.includes(rule)) throw new OptionError(`unknown rule '${rule}'; expected ${QUADRATURE_RULES.join(', ')}`, { option: 'integration' });
  if (!Number.isInteger(steps) || steps < 1 || (rule === 'riemann-trapezoid' && steps < 2)) {
    throw new OptionError(`expected an integer ≥ ${rule === 'riemann-trapezoid' ? 2 : 1}, got ${steps}`, { option: 'steps' });
  }
  const points = new Float64Array(steps);
  const weights = new Float64Array(steps);
  switch (rule) {
    case 'gauss-legendre':
      gaussLegendre(steps, points, weights);
      break;
    case 'riemann-middle':
    case 'riemann-left':
    case 'riemann-right': {
      const shift = rule === 'riemann-middle' ? 0.5 : rule === 'riemann-left' ? 0 : 1;
      for (let k = 0; k < steps; k++) (points[k] = (k + shift) / steps), (weights[k] = 1 / steps);
      break;
    }
    case 'riemann-trapezoid':
      for (let k = 0; k < steps; k++) {
        points[k] = k / (steps - 1);
        weights[k] = (k === 0 || k === steps - 1 ? 0.5 : 1) / (steps - 1);
      }
      break;
  }
  return { points, weights };
}

/** Gauss–Legendre nodes on [−1, 1] (Newton on P_n from Chebyshev guesses), mapped to [0, 1]. */
function gaussLegendre(n: number, points: Float64Array, weights: Float64Array): void {
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let derivative = 0;
    for (let iteration = 0; iteration < 100; iteration++) {
      // P_n(x) and P_{n−1}(x) by the three-term recurrence; P_n'(x) from them.
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k];
      derivative = (n * (x * p1 - p0)) / (x * x - 1);
      const step = p1 / derivative;
      x -= step;
      if (Math.abs(step) < 1e-15) break;
    }
    const w = 2 / ((1 - x * x) * derivative * derivative);
    // Symmetric pair ±x; ascending order on [0, 1].
    points[i] = (1 - x) / 2;
    points[n - 1 - i] = (1 + x) / 2;
    weights[i] = w / 2;
    weights[n - 1 - i] = w / 2;
  }
}
