/**
 * Scoring trained DeepRAGE models per split subset: correlation and MSE for regression; accuracy beside the
 * majority-class accuracy (the trivial baseline every accuracy must be read against: 1/3 with balanced classes,
 * ≈ 66 % with the paper's class balance) and the confusion matrix for classification (the paper's Tables 1–2).
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../../errors';
import type { DeepRageData } from '../../data/expression-matrix';
import { pearson, spearman } from '../../stats/correlation';
import { DEEPRAGE_SUBSETS, deepRageClass, predictDeepRage, type TrainedDeepRage } from './train';

/**
 * Scores per split subset: `subset, pairs`, and `pearson, spearman, mse` (regression) or `accuracy` and
 * `majority` (the accuracy of always predicting the subset's most frequent class: the trivial baseline).
 * @param trained - The result of {@link trainDeepRage}.
 * @param data - The data it was trained on.
 * @param predictions - Predictions from {@link predictDeepRage} (default: computed).
 * @returns One row per subset (train, validation, test).
 * @example
 * evaluateDeepRage(trained, sim).objects();
 */
export function evaluateDeepRage(trained: TrainedDeepRage, data: DeepRageData, predictions?: Float32Array): ColumnTable {
  const { model, split } = trained;
  const pred = predictions ?? predictDeepRage(model, data);
  const rows = DEEPRAGE_SUBSETS.map((subset, s) => {
    const idx = Array.from(split.keys()).filter((i) => split[i] === s);
    const y = idx.map((i) => data.expression[i]!);
    const p = idx.map((i) => pred[i]!);
    if (model.config.task === 'regression') {
      const mse = y.reduce((a, v, k) => a + (v - p[k]!) ** 2, 0) / Math.max(y.length, 1);
      return { subset, pairs: idx.length, pearson: idx.length > 2 ? pearson(y, p) : NaN, spearman: idx.length > 2 ? spearman(y, p) : NaN, mse };
    }
    const truth = y.map((v) => deepRageClass(model, v));
    const accuracy = truth.filter((t, k) => t === p[k]).length / Math.max(truth.length, 1);
    const frequency = new Array<number>(model.config.classes).fill(0);
    for (const t of truth) frequency[t]!++;
    return { subset, pairs: idx.length, accuracy, majority: Math.max(...frequency) / Math.max(truth.length, 1) };
  });
  return aq.from(rows);
}

/**
 * Confusion matrix of a classification model on one subset: `truth, predicted, count` (down / baseline / up, or
 * bin1–bin5), the layout of the paper's Tables 1–2.
 * @param trained - The result of {@link trainDeepRage} with the classification task.
 * @param data - The data it was trained on.
 * @param subset - 'train', 'validation' or 'test' (default 'test').
 * @param predictions - Predictions from {@link predictDeepRage} (default: computed).
 * @returns One row per (true class, predicted class) pair with its count.
 * @example
 * deepRageConfusion(trained, sim, 'test').objects();
 */
export function deepRageConfusion(trained: TrainedDeepRage, data: DeepRageData, subset: (typeof DEEPRAGE_SUBSETS)[number] = 'test', predictions?: Float32Array): ColumnTable {
  if (trained.model.config.task !== 'classification') throw new OptionError('a confusion matrix needs a classification model', { option: 'task' });
  const pred = predictions ?? predictDeepRage(trained.model, data);
  const s = DEEPRAGE_SUBSETS.indexOf(subset);
  const K = trained.model.config.classes;
  const counts = new Float64Array(K * K);
  trained.split.forEach((part, i) => {
    if (part === s) counts[deepRageClass(trained.model, data.expression[i]!) * K + pred[i]!]!++;
  });
  const names = K === 3 ? ['down', 'baseline', 'up'] : ['bin1', 'bin2', 'bin3', 'bin4', 'bin5'];
  return aq.table({
    truth: names.flatMap((n) => names.map(() => n)),
    predicted: names.flatMap(() => names),
    count: Int32Array.from(counts),
  });
}
