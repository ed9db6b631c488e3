/**
 * DeepRAGE as the paper describes it (`recipe: 'paper'` of trainDeepRage), where cislab's defaults chose
 * otherwise. From the paper (Liu et al.; /work/shared/papers/deeprage.md):
 * - §4.1–4.3: 256 filters with ReLU (Eq. 1), the TF network one ReLU layer (Eq. 2), concat on the unpooled conv
 *   output (Eq. 3–4), the tensor product after a 1000-to-1 max-pool (§4.2), LSTM or GRU for concat-RNN (§4.3);
 * - §4.4: SGD with learning rate 0.01 for the concatenation and tensor-product networks, Adam with 0.001 for the
 *   concatenation-RNN, "decrease the learning rates by half every five epoch if no improvement in validation
 *   accuracy is observed" — here the plateau schedule on the validation score (accuracy for classification,
 *   −MSE for regression, which has no accuracy), patience 4 in PyTorch's counting (the 5th bad epoch halves);
 * - §5.1, Table 2: three classes with the baseline class ≈ 66 % of pairs (the row sums of Table 2: 17.74 % down,
 *   66.08 % baseline, 16.19 % up), not cislab's balanced thirds.
 * Keras 1.2.2 defaults fill what the paper leaves open (its §4.4 names Keras 1.2.2): SGD without momentum, Adam
 * with ε 1e-8. The filter width, layer sizes, batch size and epochs are not in the paper and keep cislab's values.
 */
import { deepRagePaperDesign, type DeepRageConfig, type DeepRageJoin } from './model';

export const DEEPRAGE_RECIPES = ['paper'] as const;
/** One of {@link DEEPRAGE_RECIPES}: 'paper'. */
export type DeepRageRecipe = (typeof DEEPRAGE_RECIPES)[number];

/** The baseline class's share of the pairs in the paper's Table 2 (59.77 + 3.29 + 3.02 %). */
export const PAPER_BASELINE_SHARE = 0.6608;

/** What the recipe sets: the paper's design, optimiser, schedule and class balance. */
export interface DeepRageRecipeOptions extends Partial<DeepRageConfig> {
  optimizer: 'adam' | 'sgd';
  learningRate: number;
  momentum: number;
  epsilon: number;
  patience: number;
  selectBy: 'accuracy' | 'loss';
  baselineShare: number;
}

/**
 * The paper's settings for a join and task (see the module header).
 * @param join - 'concat', 'tensor' or 'rnn'.
 * @param task - 'regression' or 'classification'.
 * @returns Model config and training options for {@link trainDeepRage}.
 * @example
 * deepRageRecipe('tensor', 'classification'); // SGD 0.01, halve after 5 epochs without a better validation accuracy
 */
export function deepRageRecipe(join: DeepRageJoin, task: DeepRageConfig['task']): DeepRageRecipeOptions {
  const rnn = join === 'rnn';
  return {
    ...deepRagePaperDesign(join),
    optimizer: rnn ? 'adam' : 'sgd', learningRate: rnn ? 1e-3 : 0.01, momentum: 0, epsilon: 1e-8,
    patience: 5, selectBy: task === 'classification' ? 'accuracy' : 'loss', baselineShare: PAPER_BASELINE_SHARE,
  };
}
