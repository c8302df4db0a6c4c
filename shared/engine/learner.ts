import type { PairSet } from '../domain/constraints.ts';
import type { LearnerInput } from '../domain/enums.ts';
import type { StopReason } from '../domain/learned-metric.ts';
import type { BlockKernelArgs, BlockKernelName, BlockKernelPart } from './block-kernels.ts';

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
  /**
   * Row-block products the host may spread over threads (the job worker's helper threads); absent: one thread.
   * The figures are the same bits either way.
   */
  products?: BlockProducts;
  /**
   * The host's CPU clock in seconds: the CPU time of every thread of the process (the fit's team included), read
   * before and after the learner so that the summary's `fitCpuSeconds / fitSeconds` says how many cores the fit kept
   * busy. Absent: no CPU time is reported.
   */
  cpuSeconds?(): number;
}

/** The typed arrays a team of threads can share (see {@link BlockProducts.shared}). */
export type SharedTypedArray = Float64Array | Int32Array | Uint8Array;

/**
 * The host's "parallel map over blocks" for the learners' big kernels: `dotRows` and the kernels of block-kernels.ts,
 * each over a fixed partition (by shapes only, never by the number of threads) in which every output entry is
 * computed by one block with the code of one thread, so there is no reduction across blocks and the result has the
 * same bits for any number of threads. Helper threads can only read and write memory they share: `shared`, `alloc`
 * and `allocInt32` give such arrays.
 */
export interface BlockProducts {
  /** `array`, or a copy of it the helper threads can read (the same copy for the same array). */
  shared<T extends SharedTypedArray>(array: T): T;
  /** A zeroed array of `length` entries the helper threads can write. */
  alloc(length: number): Float64Array;
  /** A zeroed Int32Array of `length` entries the helper threads can write. */
  allocInt32(length: number): Int32Array;
  /**
   * out[i·outStride + j] = ⟨A_i, B_j⟩ as dense/row-products.ts `dotRows`, over row blocks; with `upper` (ma = mb), only
   * j ≥ i, as `dotRows` with `upper`.
   */
  dotRows(A: Float64Array, ma: number, B: Float64Array, mb: number, len: number, out: Float64Array, outStride: number, upper?: boolean): void;
  /** out (ma, d) = A (ma, n)·X (n, d) as dense/row-products.ts `timesRows`, over blocks of X's columns. */
  timesRows(A: Float64Array, ma: number, X: Float64Array, n: number, d: number, out: Float64Array): void;
  /**
   * Runs blocks 0 … blocks − 1 of the named kernel over the team (its typed arrays shared: else on this thread alone),
   * and returns the parts the blocks handed back, in block order: the same bits as `runBlocksHere` (block-kernel.ts).
   */
  runBlocks<K extends BlockKernelName>(kernel: K, args: BlockKernelArgs<K>, blocks: number): Array<BlockKernelPart<K>>;
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
  /** Chunklet id per row (n entries, −1 = in no chunklet); for learners whose input is 'chunklets'. */
  chunklets?: Int32Array | null;
  /** Relative comparisons, flattened (anchor, closer, farther) triples in row indices: length 3·count. */
  triplets?: Int32Array | null;
  /** Quadruplets, flattened (a, b, c, d) meaning d(a,b) < d(c,d), in row indices: length 4·count. */
  quadruplets?: Int32Array | null;
  /** Numeric regression target per row (n entries); for learners whose input is 'targets'. */
  targets?: Float64Array | null;
}

/** What a learner returns; the caller wraps it with preprocessing and timing into a LearnedMetric. */
export interface FitOutcome {
  /** (nComponents, d) row-major. */
  L: Float64Array;
  nComponents: number;
  iterations: number;
  /** Must equal {@link convergedFor}(stopReason) (checked by runPreparedFit). */
  converged: boolean;
  /** Why it stopped; null for closed-form methods. */
  stopReason: StopReason | null;
  /** The objective at the returned L, in the trace's sign and units (null: none). */
  objective: number | null;
  objectiveTrace: number[];
  /** What the learner had to change to return a finite metric (e.g. a regularised singular covariance), in words. */
  warnings?: string[];
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
export { LEARNER_INPUTS, type LearnerInput } from '../domain/enums.ts';

/**
 * The value a validated parameter holds, inferred from its spec: `int` → number (or null when `nullable: true`),
 * `float` → number, `enum` → the union of its `values`, `bool` → boolean.
 */
export type ParamValue<S extends ParamSpec> = S extends { type: 'int'; nullable: true }
  ? number | null
  : S extends { type: 'int' | 'float' }
    ? number
    : S extends { type: 'enum'; values: readonly (infer V)[] }
      ? V
      : S extends { type: 'bool' }
        ? boolean
        : never;

/** The validated parameters of a learner whose specs are `P` (what {@link validateParams} returns). */
export type ParamValues<P extends ParamSpecs> = { [K in keyof P]: ParamValue<P[K]> };

export interface LearnerDefinition<P extends ParamSpecs = ParamSpecs> {
  /** CLI and UI name, e.g. `nca`, `mmc-diagonal`. */
  name: string;
  title: string;
  /** One paragraph: the idea and the paper. */
  description: string;
  input: LearnerInput;
  params: P;
  /**
   * True when fitting costs nothing beyond preprocessing (the Euclidean baseline): the fold pool may then score a
   * fold in two parts on two threads, each fitting it again (evaluate.ts `evaluateFoldPart`).
   */
  trivialFit?: boolean;
  /**
   * Fits the metric. `params` has been validated with {@link validateParams} (defaults filled in), so each value
   * has the type its spec declares. Must be deterministic given `seed`, silent without hooks, and return within
   * one iteration once `hooks.shouldStop()` is true. By convention a thin call into the learner's named fit
   * function (as scikit-learn's estimators call their `_fit`).
   */
  fit(data: TrainingData, params: ParamValues<P>, context: { seed: number; hooks: LearnerHooks }): FitOutcome;
}

/**
 * Declares a learner with its parameter specs' literal types kept (`const` inference), so `fit` receives typed
 * values without casts. Returns the definition unchanged.
 */
export function defineLearner<const P extends ParamSpecs>(definition: LearnerDefinition<P>): LearnerDefinition<P> {
  return definition;
}
