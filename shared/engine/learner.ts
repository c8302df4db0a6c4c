import type { PairSet } from '../domain/constraints.ts';

/** One row of the verbose table: sklearn's `Iteration | Objective Value | Time(s)`. */
export interface IterationProgress {
  iteration: number;
  objective: number;
  elapsedMs: number;
}

/**
 * How a learner talks to the outside world. Learners never print and never touch threads:
 * the worker adapter turns these hooks into messages, and `shouldStop` reads a shared flag.
 * A learner checks `shouldStop()` at least once per iteration and returns its current solution
 * (with `converged: false`) once it is true.
 */
export interface LearnerHooks {
  onIteration?(progress: IterationProgress): void;
  shouldStop?(): boolean;
}

/**
 * The data a learner fits on: already preprocessed (see shared/engine/preprocess.ts), dense, row-major.
 */
export interface TrainingData {
  /** (n, d) row-major. */
  X: Float64Array;
  n: number;
  d: number;
  /** Class index per row in [0, nClasses), or null when the learner gets pairs only. */
  labels: Int32Array | null;
  nClasses: number;
  /** Pair constraints in row indices of X; null for learners that use labels. */
  pairs: PairSet | null;
}

/** What a learner returns; the caller wraps it with preprocessing and timing into a LearnedMetric. */
export interface FitOutcome {
  /** (nComponents, d) row-major. */
  L: Float64Array;
  nComponents: number;
  iterations: number;
  converged: boolean;
  objectiveTrace: number[];
}

/** Declarative parameter constraints, in the spirit of sklearn's `_parameter_constraints`. */
export type ParamSpec =
  | {
      type: 'int';
      default: number | null;
      min?: number;
      max?: number;
      /** When true, null is allowed (e.g. `components: null` = keep every dimension). */
      nullable?: boolean;
      description: string;
    }
  | {
      type: 'float';
      default: number;
      min?: number;
      max?: number;
      /** When true, the bound itself is not allowed (min < value). */
      exclusiveMin?: boolean;
      exclusiveMax?: boolean;
      description: string;
    }
  | { type: 'enum'; values: readonly string[]; default: string; description: string }
  | { type: 'bool'; default: boolean; description: string };

export type ParamSpecs = Record<string, ParamSpec>;

/** What a method learns from. */
export type LearnerInput = 'none' | 'labels' | 'pairs';

export interface LearnerDefinition {
  /** CLI and UI name, e.g. `nca`, `mmc-diagonal`. */
  name: string;
  title: string;
  /** One paragraph: the idea and the paper. */
  description: string;
  input: LearnerInput;
  params: ParamSpecs;
  /**
   * Fits the metric. `params` has been validated with {@link validateParams} (defaults filled in).
   * Must be deterministic given `seed`, silent without hooks, and return within one iteration once
   * `hooks.shouldStop()` is true.
   */
  fit(data: TrainingData, params: Record<string, unknown>, context: { seed: number; hooks: LearnerHooks }): FitOutcome;
}
