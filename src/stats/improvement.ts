/**
 * Baseline-normalised improvement, the measure the DREAM2022 paper (Rafi et al. 2024) and Camformer use to
 * compare models across test subsets of very different difficulty: the share of the baseline's remaining
 * shortfall from a perfect score that the model closes,
 *   improvement = (score_model − score_baseline) / (1 − score_baseline).
 * A model equal to the baseline scores 0, a perfect model 1; a worse model is negative. It applies to any
 * score whose maximum is 1 (ρ, r, r²).
 */
import { OptionError } from '../errors';

/**
 * (scoreModel − scoreBaseline) / (1 − scoreBaseline), e.g. `improvement(rhoModel, rhoBaseline)`.
 * @param scoreModel - The model's score (e.g. ρ), at most 1.
 * @param scoreBaseline - The baseline's score on the same data.
 * @returns The fraction of the baseline's remaining gap to a perfect score that the model closes.
 * @example
 * improvement(0.8, 0.6); // 0.5
 */
export function improvement(scoreModel: number, scoreBaseline: number): number {
  if (!Number.isFinite(scoreModel) || scoreModel > 1) {
    throw new OptionError(`expected a score ≤ 1, got ${scoreModel}`, { option: 'scoreModel' });
  }
  if (!Number.isFinite(scoreBaseline) || scoreBaseline >= 1) {
    // A perfect baseline leaves nothing to improve; the ratio would divide by zero.
    throw new OptionError(`expected a baseline score < 1, got ${scoreBaseline}`, { option: 'scoreBaseline' });
  }
  return (scoreModel - scoreBaseline) / (1 - scoreBaseline);
}
