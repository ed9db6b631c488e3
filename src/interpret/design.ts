/**
 * Promoter design toward a target expression, inside the variable region (flanks kept), seeded:
 *
 * - `greedyDesign`: tangermeme's `greedy_substitution` (design/greedy_substitution.py lines 24–241) — each
 *   round tries every edit (every base at every region position, or every given motif and its reverse
 *   complement at every start) and keeps the one with the lowest loss, until the improvement is ≤ `tol`
 *   (1e-3, tangermeme's) or `maxIterations` rounds. Loss: squared error to `target` (tangermeme's MSE), or
 *   −prediction without a target (tangermeme's `y=None`). With single bases this is also the strong-
 *   selection weak-mutation walk of Vaishnav et al. 2022 (the fittest single mutant fixes each step).
 *   tangermeme's `max_iter` defaults to −1 (no rounds at all); here the default is 20.
 * - `evolveDesign`: the genetic algorithm of Vaishnav et al. 2022 (1edv/evolution, ga/ga.ipynb, DEAP):
 *   random 80-nt regions with uniform bases, two-point crossover with probability 0.1 per pair, mutation
 *   with probability 0.1 per individual changing each base with probability 0.025 to another base,
 *   tournament selection of size 3, 10 generations; fitness = prediction, or −squared error to a target.
 *   Their population is 100,000; the default here is 1,000 (set `population` for theirs). Their mutation
 *   sometimes keeps G and T unchanged (a slip in the notebook's base lists); here a mutated base always
 *   changes, to one of the other three uniformly.
 * Both return trajectories as tables.
 */
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { OptionError } from '../errors';
import { BASES } from '../data/alphabet';
import type { Encoding } from '../data/encode';
import { DREAM_FLANK_3, DREAM_FLANK_5, DREAM_VARIABLE_REGION } from '../data/dream2022/read';
import { createRandom, type Random } from '../stats/random';
import type { BatchPredictor } from './ism';
import { checkRegion, type Region } from './references';
import { commonLength, motifSequence, predictSequences, substitute, type InsertedMotif } from './sequence-edits';

export interface DesignOptions {
  /** Expression to reach (default: none, maximise the prediction). */
  target?: number;
  /** 1-based inclusive region that may change (default 18–97). */
  region?: Region;
  encoding?: Encoding;
  /** Sequences per predictor call (default 1024). */
  batchSize?: number;
  /** Called as the design advances: start sequences finished of all (greedy), generations done of all (evolve). */
  onProgress?: (done: number, total: number) => void;
}

export interface GreedyOptions extends DesignOptions {
  /** Rounds at most (default 20). */
  maxIterations?: number;
  /** Stop when a round improves the loss by no more than this (default 1e-3). */
  tol?: number;
  /** Motifs to write instead of single bases (each also reverse-complemented). */
  motifs?: readonly InsertedMotif[];
  ids?: readonly string[];
}

/**
 * Greedy design from each start sequence: one row per sequence × step (step 0 = the start) — `id`, `step`,
 * `edit` (what was written, e.g. `G@40` or `REB1-@33`; '' at step 0), `prediction`, `loss`, `sequence`.
 * @example
 * const path = await greedyDesign(predict, [start], { target: 12, maxIterations: 10 });
 */
export async function greedyDesign(predict: BatchPredictor, starts: readonly string[], options: GreedyOptions = {}): Promise<ColumnTable> {
  const { target, region = DREAM_VARIABLE_REGION, encoding = 'onehot', batchSize = 1024, maxIterations = 20, tol = 1e-3 } = options;
  const length = commonLength(starts, 'starts');
  checkRegion(region, length);
  if (!Number.isInteger(maxIterations) || maxIterations < 0) throw new OptionError(`expected a non-negative integer, got ${maxIterations}`, { option: 'maxIterations' });
  const ids = options.ids ?? starts.map((_, i) => `design_${i + 1}`);
  if (ids.length !== starts.length) throw new OptionError(`${ids.length} ids for ${starts.length} starts`, { option: 'ids' });
  const loss = lossOf(target);
  const edits = candidateEdits(region, options.motifs);
  const columns = { id: [] as string[], step: [] as number[], edit: [] as string[], prediction: [] as number[], loss: [] as number[], sequence: [] as string[] };
  const record = (id: string, step: number, edit: string, prediction: number, sequence: string) => {
    columns.id.push(id); columns.step.push(step); columns.edit.push(edit); columns.prediction.push(prediction); columns.loss.push(loss(prediction)); columns.sequence.push(sequence);
  };
  for (let s = 0; s < starts.length; s++) {
    let current = starts[s]!.toUpperCase();
    let value = (await predictSequences(predict, [current], encoding, batchSize))[0]!;
    record(ids[s]!, 0, '', value, current);
    for (let step = 1; step <= maxIterations; step++) {
      const tried = edits.map((e) => ({ name: e.name, sequence: e.apply(current) })).filter((c) => c.sequence !== current);
      if (!tried.length) break;
      const values = await predictSequences(predict, tried.map((c) => c.sequence), encoding, batchSize);
      let best = 0;
      for (let k = 1; k < values.length; k++) if (loss(values[k]!) < loss(values[best]!)) best = k;
      const improvement = loss(value) - loss(values[best]!);
      if (improvement <= 0) break;
      current = tried[best]!.sequence;
      value = values[best]!;
      record(ids[s]!, step, tried[best]!.name, value, current);
      if (improvement <= tol) break;
    }
    options.onProgress?.(s + 1, starts.length);
  }
  return aq.table(columns);
}

export interface EvolveOptions extends DesignOptions {
  /** Individuals (default 1,000; Vaishnav et al. used 100,000). */
  population?: number;
  /** Generations (default 10). */
  generations?: number;
  /** Per-pair crossover probability (default 0.1), per-individual mutation probability (default 0.1), per-base rate (default 0.025). */
  crossover?: number;
  mutation?: number;
  baseRate?: number;
  /** Tournament size (default 3). */
  tournament?: number;
  /** Sequence whose flanks the designs keep (default: DREAM's flanks with a random region). */
  template?: string;
  seed?: number;
  /** Best designs returned at the end (default 10). */
  top?: number;
}

/** The defaults of `evolveDesign`'s population and generations (the DSL names them in its progress label). */
export const EVOLVE_DEFAULTS = { population: 1000, generations: 10 } as const;

export interface EvolveResult {
  /** Per generation (0 = the random start): `generation`, `best`, `mean`, `median`, `best_loss`, `best_sequence`. */
  trajectory: ColumnTable;
  /** The `top` final designs: `rank`, `prediction`, `loss`, `sequence`. */
  designs: ColumnTable;
}

/**
 * Vaishnav et al.'s genetic algorithm (see the header for the defaults and where they come from).
 * @example
 * const { trajectory, designs } = await evolveDesign(predict, { target: 15, population: 5000, seed: 2 });
 */
export async function evolveDesign(predict: BatchPredictor, options: EvolveOptions = {}): Promise<EvolveResult> {
  const {
    target, region = DREAM_VARIABLE_REGION, encoding = 'onehot', batchSize = 1024,
    population = EVOLVE_DEFAULTS.population, generations = EVOLVE_DEFAULTS.generations,
    crossover = 0.1, mutation = 0.1, baseRate = 0.025, tournament = 3, seed = 1, top = 10,
  } = options;
  for (const [name, value] of Object.entries({ population, generations, tournament, top })) {
    if (!Number.isInteger(value) || value < (name === 'generations' ? 0 : 1)) throw new OptionError(`expected a positive integer, got ${value}`, { option: name });
  }
  for (const [name, value] of Object.entries({ crossover, mutation, baseRate })) {
    if (!(value >= 0 && value <= 1)) throw new OptionError(`expected a probability in [0, 1], got ${value}`, { option: name });
  }
  const random = createRandom(seed);
  const template = options.template ?? DREAM_FLANK_5 + 'N'.repeat(80) + DREAM_FLANK_3;
  checkRegion(region, template.length, 'region');
  const width = region.end - region.start + 1;
  const fitness = (v: number) => -lossOf(target)(v);
  let regions = Array.from({ length: population }, () => Array.from({ length: width }, () => BASES[random.int(4)]!).join(''));
  const full = (r: string) => template.slice(0, region.start - 1) + r + template.slice(region.end);
  let values = await predictSequences(predict, regions.map(full), encoding, batchSize);
  const trajectory = { generation: [] as number[], best: [] as number[], mean: [] as number[], median: [] as number[], best_loss: [] as number[], best_sequence: [] as string[] };
  const log = (g: number) => {
    let bestAt = 0;
    for (let i = 1; i < values.length; i++) if (fitness(values[i]!) > fitness(values[bestAt]!)) bestAt = i;
    const sorted = Float64Array.from(values).sort();
    trajectory.generation.push(g);
    trajectory.best.push(values[bestAt]!);
    trajectory.mean.push(values.reduce((t, v) => t + v, 0) / values.length);
    trajectory.median.push(sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2);
    trajectory.best_loss.push(-fitness(values[bestAt]!));
    trajectory.best_sequence.push(full(regions[bestAt]!));
  };
  log(0);
  options.onProgress?.(0, generations);
  for (let g = 1; g <= generations; g++) {
    // DEAP's varAnd: crossover over consecutive pairs, then mutation; changed individuals are re-predicted.
    const offspring = [...regions];
    const changed = new Uint8Array(population);
    for (let i = 1; i < population; i += 2) {
      if (random.float() < crossover) {
        [offspring[i - 1], offspring[i]] = twoPoint(offspring[i - 1]!, offspring[i]!, random);
        changed[i - 1] = changed[i] = 1;
      }
    }
    for (let i = 0; i < population; i++) {
      if (random.float() < mutation) {
        offspring[i] = mutate(offspring[i]!, baseRate, random);
        changed[i] = 1;
      }
    }
    const redo = [...changed.keys()].filter((i) => changed[i]);
    const fresh = await predictSequences(predict, redo.map((i) => full(offspring[i]!)), encoding, batchSize);
    const offspringValues = Float64Array.from(values);
    redo.forEach((i, k) => (offspringValues[i] = fresh[k]!));
    // Tournament selection (DEAP selTournament: contestants drawn with replacement).
    const chosen = Array.from({ length: population }, () => {
      let best = random.int(population);
      for (let t = 1; t < tournament; t++) {
        const c = random.int(population);
        if (fitness(offspringValues[c]!) > fitness(offspringValues[best]!)) best = c;
      }
      return best;
    });
    regions = chosen.map((i) => offspring[i]!);
    values = Float64Array.from(chosen, (i) => offspringValues[i]!);
    log(g);
    options.onProgress?.(g, generations);
  }
  const order = [...values.keys()].sort((a, b) => fitness(values[b]!) - fitness(values[a]!));
  const seen = new Set<string>();
  const best = order.filter((i) => !seen.has(regions[i]!) && seen.add(regions[i]!)).slice(0, top);
  return {
    trajectory: aq.table(trajectory),
    designs: aq.table({
      rank: best.map((_, k) => k + 1), prediction: best.map((i) => values[i]!), loss: best.map((i) => -fitness(values[i]!)), sequence: best.map((i) => full(regions[i]!)),
    }),
  };
}

function lossOf(target: number | undefined): (prediction: number) => number {
  if (target !== undefined && !Number.isFinite(target)) throw new OptionError(`expected a finite target, got ${target}`, { option: 'target' });
  return target === undefined ? (v) => -v : (v) => (v - target) ** 2;
}

interface Edit {
  name: string;
  apply(sequence: string): string;
}

/** Single bases at every region position, or each motif (both strands) at every start that fits. */
function candidateEdits(region: Region, motifs?: readonly InsertedMotif[]): Edit[] {
  const edits: Edit[] = [];
  if (!motifs) {
    for (let p = region.start; p <= region.end; p++) {
      for (const b of BASES) edits.push({ name: `${b}@${p}`, apply: (s) => s.slice(0, p - 1) + b + s.slice(p) });
    }
    return edits;
  }
  for (const motif of motifs) {
    for (const strand of ['+', '-'] as const) {
      const site = motifSequence(motif, strand);
      for (let p = region.start; p + site.length - 1 <= region.end; p++) edits.push({ name: `${motif.name}${strand}@${p}`, apply: (s) => substitute(s, site, p) });
    }
  }
  return edits;
}

/** DEAP's cxTwoPoint: the segment between two cut points is swapped. */
function twoPoint(a: string, b: string, random: Random): [string, string] {
  const size = Math.min(a.length, b.length);
  let p1 = 1 + random.int(size);
  let p2 = 1 + random.int(size - 1);
  if (p2 >= p1) p2 += 1;
  else [p1, p2] = [p2, p1];
  return [a.slice(0, p1) + b.slice(p1, p2) + a.slice(p2), b.slice(0, p1) + a.slice(p1, p2) + b.slice(p2)];
}

function mutate(region: string, rate: number, random: Random): string {
  let out = '';
  for (const base of region) {
    if (random.float() < rate) {
      const others = BASES.filter((b) => b !== base);
      out += others[random.int(others.length)]!;
    } else out += base;
  }
  return out;
}
