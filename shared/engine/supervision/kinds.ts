/**
 * Kinds of supervision, declared once: what a learner learns from (its `input`), what that needs from a dataset,
 * how a fit's part of it is made (from the user's labels, generated from class labels, or suggested by active
 * learning), how it is counted, and what the user labels to give it (a run's supervision in words is
 * shared/domain/supervision.ts's supervisionText). Fit
 * (prepareFit), evaluation (each fold's training part), run planning, sweeps, grids, `workbench methods`, the
 * experiment form and the learner contract test all read {@link SUPERVISION}; none of them tests `learner.input`.
 *
 * Where each kind's labeled part comes from:
 * - pairs: the dataset's must-link / cannot-link pairs;
 * - chunklets: the must-link components of those pairs (derive.ts);
 * - triplets: the dataset's relative comparisons, with those its pairs imply when `derived` is asked;
 * - quadruplets: (a, b, a, c) of each comparison (and of the implied ones when `derived`), and must-link beside
 *   cannot-link pairs (derive.ts);
 * - labels: the class labels; none: nothing; targets: the numeric regression target of each fitting row.
 * Generated parts come from the class labels of the fitting rows (./generate.ts; pairs: shared/engine/pairs.ts).
 */
import type { Triple } from '../../domain/comparisons.ts';
import type { PairConstraint } from '../../domain/constraints.ts';
import { toPairSet } from '../../domain/constraints.ts';
import type { ConstraintSource, LearnerInput, SweepConstraintSource } from '../../domain/enums.ts';
import { ValidationError } from '../../errors.ts';
import type { SupervisionDeclaration } from '../../domain/schemas/methods.ts';
import type { TrainingData } from '../learner.ts';
import { distinctLabelCount, generateSupervisedPairs, validateConstraints } from '../pairs.ts';
import { chunkletsFromPairs, impliedComparisons, quadrupletsFromComparisons, quadrupletsFromPairs } from './derive.ts';
import { DEFAULT_CHUNKLETS, generateChunklets, generateQuadruplets, generateTriplets, knnTriplets } from './generate.ts';

/** What a dataset holds that supervision can come from. */
export interface DatasetSupervision {
  /** It has class labels. */
  labeled: boolean;
  /** Its hand-labeled pairs. */
  pairs: { must: number; cannot: number };
  /** Its stored relative comparisons. */
  comparisons: number;
  /** It has a numeric regression target (imported with --target). */
  regression?: boolean;
}

/** Everything a kind needs to build a fit's supervision (row indices are those of the fitting rows). */
export interface SupervisionRequest {
  learner: string;
  /** (nRows, d) preprocessed fitting rows (for the nearest-neighbour triplets). */
  X: Float64Array;
  d: number;
  nRows: number;
  /** Class labels of the fitting rows, or null. */
  labels: Int32Array | null;
  /** Numeric regression targets of the fitting rows, or null. */
  targets: Float64Array | null;
  source: ConstraintSource;
  /** The user's pairs, in labeling order. */
  pairs: readonly PairConstraint[];
  /** The user's comparisons, in labeling order. */
  comparisons: readonly Triple[];
  /** Also use the comparisons the pairs imply (triplets, quadruplets). */
  derived: boolean;
  seed: number;
  /** How many to generate (see {@link SupervisionKind.generatedCount}); undefined: the kind's default. */
  count: number | undefined;
  /**
   * The learner's validated parameters: generation reads the settings a learner declares among them (rca: numChunks,
   * chunkSize; scml: kGenuine, kImpostor, metric-learn's *_Supervised settings), metric-learn's defaults otherwise.
   */
  params: Record<string, unknown>;
  /** Sentences about what generation had to change (fewer than asked …). */
  warnings: string[];
}

/** The fields of TrainingData a kind fills. */
export type SupervisionFields = Pick<TrainingData, 'labels' | 'pairs' | 'chunklets' | 'triplets' | 'quadruplets' | 'targets'>;

export interface SupervisionKind {
  input: LearnerInput;
  /** What it is, plural, in words: "relative comparisons (a is closer to b than to c)". */
  noun: string;
  /** One item, for counts: "comparison"; null when it is not counted. */
  unit: string | null;
  /** For the experiment form and `workbench methods`: what to label so that a dataset has this supervision. */
  whatToLabel: string;
  /** The constraint sources it takes; empty when it takes none (labels, none). */
  sources: readonly SweepConstraintSource[];
  /** What the user labels for it, and so what a labeled sweep slices: pairs, comparisons, or nothing. */
  labeledFrom: 'pairs' | 'comparisons' | null;
  /** What `pairCount` (--pairs) means for it when generated: "must-link and cannot-link pairs each", … */
  generatedCount: string | null;
  /** Whether this build can fit it at all. */
  supported: boolean;
  /** Whether the user's own data gives it any supervision (the default source is then 'labeled'). */
  hasLabeled(data: { pairs: readonly Pick<PairConstraint, 'kind'>[]; comparisons: number; derived: boolean }): boolean;
  /** Why a dataset cannot give it with `source`, as a sentence naming the method; null when it can. */
  lacks(method: string, dataset: DatasetSupervision, source: SweepConstraintSource): string | null;
  /** The fit's supervision fields and how many items they hold. @throws ValidationError naming the learner. */
  build(request: SupervisionRequest): { fields: SupervisionFields; count: number };
}

const NO_FIELDS: SupervisionFields = { labels: null, pairs: null };

function needsLabels(method: string, dataset: DatasetSupervision, what: string): string | null {
  return dataset.labeled ? null : `${method} learns from ${what}: label some, or use a dataset with class labels to generate them.`;
}

function labeledComparisons(request: SupervisionRequest): Triple[] {
  return request.derived ? [...request.comparisons, ...impliedComparisons(request.pairs)] : [...request.comparisons];
}

function flatTriples(triples: readonly Triple[]): Int32Array {
  const out = new Int32Array(3 * triples.length);
  triples.forEach((t, k) => out.set(t, 3 * k));
  return out;
}

function generatedLabels(request: SupervisionRequest, noun: string): Int32Array {
  if (!request.labels) {
    throw new ValidationError(`${request.learner} learns from ${noun}: label some in the dataset, or use a dataset with class labels to generate them.`);
  }
  return request.labels;
}

/** A generation setting the learner declares among its parameters, else metric-learn's default. */
function setting(request: SupervisionRequest, name: string, fallback: number): number {
  const value = request.params[name];
  return typeof value === 'number' ? value : fallback;
}

function checkRows(request: SupervisionRequest, flat: Int32Array, what: string): void {
  for (const r of flat) {
    if (!Number.isInteger(r) || r < 0 || r >= request.nRows) {
      throw new ValidationError(`${request.learner}: a ${what} names row ${r}, but the fit has ${request.nRows} rows (valid indices 0…${request.nRows - 1}).`);
    }
  }
}

const PAIRS_TEXT = 'must-link / cannot-link pairs';
const COMPARISONS_TEXT = 'relative comparisons (a is closer to b than to c)';

/** Every kind, by learner input. */
export const SUPERVISION: Readonly<Record<LearnerInput, SupervisionKind>> = {
  none: {
    input: 'none',
    noun: 'nothing',
    unit: null,
    whatToLabel: 'Nothing to label.',
    sources: [],
    labeledFrom: null,
    generatedCount: null,
    supported: true,
    hasLabeled: () => false,
    lacks: () => null,
    build: (request) => ({ fields: { ...NO_FIELDS, labels: request.labels }, count: 0 }),
  },
  labels: {
    input: 'labels',
    noun: 'class labels',
    unit: null,
    whatToLabel: 'Needs class labels: import the dataset with a label column.',
    sources: [],
    labeledFrom: null,
    generatedCount: null,
    supported: true,
    hasLabeled: () => false,
    lacks: (method, dataset) => {
      if (dataset.labeled) return null;
      return dataset.regression
        ? `${method} learns from class labels, but the dataset is a regression dataset (a numeric target, no classes).`
        : `${method} learns from class labels, but the dataset has none.`;
    },
    build: (request) => {
      if (!request.labels) {
        throw new ValidationError(
          request.targets
            ? `${request.learner} learns from class labels, but the dataset is a regression dataset (a numeric target, no classes).`
            : `${request.learner} learns from class labels, but the dataset has none.`,
        );
      }
      return { fields: { ...NO_FIELDS, labels: request.labels }, count: request.nRows };
    },
  },
  pairs: {
    input: 'pairs',
    noun: PAIRS_TEXT,
    unit: 'pair',
    whatToLabel: 'Label must-link / cannot-link pairs (or use a dataset with class labels to generate them).',
    sources: ['labeled', 'generated', 'suggested'],
    labeledFrom: 'pairs',
    generatedCount: 'pairs of each kind (default 20·C²)',
    supported: true,
    hasLabeled: (data) => data.pairs.length > 0,
    lacks: (method, dataset, source) => {
      if (source === 'labeled') {
        return dataset.pairs.must + dataset.pairs.cannot > 0 ? null : `${method} was asked to use labeled constraints, but the dataset has no labeled pairs.`;
      }
      if (source === 'suggested') return dataset.labeled ? null : `${method}: suggested constraints are labeled from class labels, but the dataset has none.`;
      return dataset.labeled ? null : `${method} learns from must-link / cannot-link pairs: label some pairs, or use a dataset with class labels to generate them.`;
    },
    build: (request) => {
      let pairs;
      if (request.source === 'labeled') {
        if (request.pairs.length === 0) throw new ValidationError(`${request.learner} was asked to use labeled constraints, but the dataset has no labeled pairs.`);
        validateConstraints(request.pairs, request.nRows);
        pairs = toPairSet(request.pairs);
      } else {
        if (!request.labels) {
          throw new ValidationError(`${request.learner} learns from must-link / cannot-link pairs: label some pairs, or use a dataset with class labels to generate them.`);
        }
        // C counts the classes present in the fitting rows, as metric-learn's len(np.unique(y)) does.
        pairs = generateSupervisedPairs(request.labels, distinctLabelCount(request.labels), request.seed, request.count);
      }
      if (pairs.left.length === 0) throw new ValidationError(`${request.learner}: no pair constraints to learn from.`);
      return { fields: { labels: null, pairs }, count: pairs.left.length };
    },
  },
  chunklets: {
    input: 'chunklets',
    noun: 'chunklets (groups of rows known to share a class)',
    unit: 'chunklet',
    whatToLabel: 'Label must-link pairs: each group of rows joined by must-links is a chunklet (or use a dataset with class labels to generate them).',
    sources: ['labeled', 'generated'],
    labeledFrom: 'pairs',
    generatedCount: "chunklets (default rca's numChunks, of chunkSize rows)",
    supported: true,
    hasLabeled: (data) => data.pairs.some((p) => p.kind === 'must'),
    lacks: (method, dataset, source) => {
      if (source === 'labeled') {
        return dataset.pairs.must > 0 ? null : `${method} was asked to use labeled chunklets, but the dataset has no must-link pairs; label must-link pairs (each group joined by must-links is a chunklet).`;
      }
      if (source === 'suggested') return `${method} learns from chunklets, which cannot be suggested; use labeled or generated ones.`;
      return needsLabels(method, dataset, 'chunklets');
    },
    build: (request) => {
      if (request.source === 'labeled') {
        validateConstraints(request.pairs, request.nRows);
        const { chunklets, count } = chunkletsFromPairs(request.pairs, request.nRows);
        if (count === 0) throw new ValidationError(`${request.learner} was asked to use labeled chunklets, but no must-link pair lies among the fitting rows.`);
        return { fields: { labels: null, pairs: null, chunklets }, count };
      }
      const labels = generatedLabels(request, 'chunklets');
      const options = { numChunks: request.count ?? setting(request, 'numChunks', DEFAULT_CHUNKLETS.numChunks), chunkSize: setting(request, 'chunkSize', DEFAULT_CHUNKLETS.chunkSize) };
      const chunklets = generateChunklets(labels, options, request.seed, request.warnings);
      let count = 0;
      for (const c of chunklets) if (c + 1 > count) count = c + 1;
      return { fields: { labels, pairs: null, chunklets }, count };
    },
  },
  triplets: {
    input: 'triplets',
    noun: COMPARISONS_TEXT,
    unit: 'comparison',
    whatToLabel: 'Label relative comparisons, a is closer to b than to c (workbench comparisons add), or use a dataset with class labels to generate them.',
    sources: ['labeled', 'generated', 'suggested'],
    labeledFrom: 'comparisons',
    generatedCount: "comparisons (default: every kGenuine × kImpostor nearest-neighbour triplet, scml's settings)",
    supported: true,
    hasLabeled: (data) => data.comparisons > 0 || (data.derived && data.pairs.length > 0),
    lacks: (method, dataset, source) => {
      if (source === 'labeled') {
        return dataset.comparisons > 0 || (dataset.pairs.must > 0 && dataset.pairs.cannot > 0)
          ? null
          : `${method} was asked to use labeled comparisons, but the dataset has none; label comparisons (A is closer to B than to C), or pairs and use --derived.`;
      }
      if (source === 'suggested') return dataset.labeled ? null : `${method}: suggested comparisons are labeled from class labels, but the dataset has none.`;
      return needsLabels(method, dataset, 'relative comparisons');
    },
    build: (request) => {
      if (request.source === 'labeled') {
        const triplets = flatTriples(labeledComparisons(request));
        if (triplets.length === 0) {
          throw new ValidationError(
            `${request.learner} was asked to use labeled comparisons, but none lies among the fitting rows${request.derived ? ' (nor is implied by the pairs there)' : ''}.`,
          );
        }
        checkRows(request, triplets, 'comparison');
        return { fields: { labels: null, pairs: null, triplets }, count: triplets.length / 3 };
      }
      const labels = generatedLabels(request, 'relative comparisons');
      const knn = { X: request.X, d: request.d, k: setting(request, 'kGenuine', 3), kImpostor: setting(request, 'kImpostor', 10) };
      const triplets =
        request.count === undefined ? knnTriplets(labels, knn, request.warnings) : generateTriplets(labels, request.count, request.seed, { knn }, request.warnings);
      return { fields: { labels, pairs: null, triplets }, count: triplets.length / 3 };
    },
  },
  quadruplets: {
    input: 'quadruplets',
    noun: 'quadruplets (d(a,b) < d(c,d))',
    unit: 'quadruplet',
    whatToLabel: 'Label relative comparisons, or must-link and cannot-link pairs: both give quadruplets (or use a dataset with class labels to generate them).',
    sources: ['labeled', 'generated', 'suggested'],
    labeledFrom: 'comparisons',
    generatedCount: 'quadruplets (default 20·C²)',
    supported: true,
    hasLabeled: (data) => data.comparisons > 0 || (data.pairs.some((p) => p.kind === 'must') && data.pairs.some((p) => p.kind === 'cannot')),
    lacks: (method, dataset, source) => {
      if (source === 'labeled') {
        return dataset.comparisons > 0 || (dataset.pairs.must > 0 && dataset.pairs.cannot > 0)
          ? null
          : `${method} was asked to use labeled quadruplets, but the dataset has no comparisons and not both must-link and cannot-link pairs; label some.`;
      }
      if (source === 'suggested') return dataset.labeled ? null : `${method}: suggested comparisons are labeled from class labels, but the dataset has none.`;
      return needsLabels(method, dataset, 'quadruplets');
    },
    build: (request) => {
      if (request.source === 'labeled') {
        validateConstraints(request.pairs, request.nRows);
        const fromComparisons = quadrupletsFromComparisons(labeledComparisons(request));
        const fromPairs = quadrupletsFromPairs(request.pairs);
        const quadruplets = new Int32Array(fromComparisons.length + fromPairs.length);
        quadruplets.set(fromComparisons);
        quadruplets.set(fromPairs, fromComparisons.length);
        if (quadruplets.length === 0) {
          throw new ValidationError(`${request.learner} was asked to use labeled quadruplets, but no comparison, nor a must-link with a cannot-link pair, lies among the fitting rows.`);
        }
        checkRows(request, quadruplets, 'quadruplet');
        return { fields: { labels: null, pairs: null, quadruplets }, count: quadruplets.length / 4 };
      }
      const labels = generatedLabels(request, 'quadruplets');
      const quadruplets = generateQuadruplets(labels, request.count, request.seed, request.warnings);
      return { fields: { labels, pairs: null, quadruplets }, count: quadruplets.length / 4 };
    },
  },
  targets: {
    input: 'targets',
    noun: 'numeric targets (regression)',
    unit: null,
    whatToLabel: 'Needs a numeric target column: import the dataset with --target NAME (in the app: "Target (regression)").',
    sources: [],
    labeledFrom: null,
    generatedCount: null,
    supported: true,
    hasLabeled: () => false,
    lacks: (method, dataset) => (dataset.regression ? null : `${method} learns from a numeric regression target, but the dataset has none (import it with a target column: workbench import FILE --target NAME).`),
    build: (request) => {
      if (!request.targets) {
        throw new ValidationError(
          `${request.learner} learns from a numeric regression target, but the dataset has none (import it with a target column: workbench import FILE --target NAME).`,
        );
      }
      return { fields: { ...NO_FIELDS, targets: request.targets }, count: request.nRows };
    },
  },
};

/** The kind of supervision a learner input declares. */
export function supervisionOf(input: LearnerInput): SupervisionKind {
  return SUPERVISION[input];
}

/** A kind as `methods.list` declares it to the forms and the CLI (SupervisionDeclarationSchema). */
export function supervisionDeclaration(input: LearnerInput): SupervisionDeclaration {
  const { noun, whatToLabel, sources, labeledFrom, supported } = SUPERVISION[input];
  return { noun, whatToLabel, sources: [...sources], labeledFrom, supported };
}

/** Whether a method of this kind is swept over, and gets one grid cell per count: its supervision is counted. */
export function countsSupervision(kind: SupervisionKind): boolean {
  return kind.supported && takesSource(kind);
}

/** Whether a kind takes a constraint source (and so its runs record one). */
export function takesSource(kind: SupervisionKind): boolean {
  return kind.sources.length > 0;
}

/**
 * The source a fit of `kind` uses: the one asked for, else 'labeled' when the user's data gives the kind any
 * supervision, else 'generated'; null for kinds that take none.
 * @throws ValidationError for a source the kind does not take.
 */
export function resolveSupervisionSource(
  method: string,
  kind: SupervisionKind,
  asked: SweepConstraintSource | undefined,
  data: { pairs: readonly Pick<PairConstraint, 'kind'>[]; comparisons: number; derived: boolean },
): SweepConstraintSource | null {
  if (!takesSource(kind)) return null;
  const source = asked ?? (kind.hasLabeled(data) ? 'labeled' : 'generated');
  if (!kind.sources.includes(source)) {
    throw new ValidationError(`${method} learns from ${kind.noun}; constraints must be one of ${kind.sources.map((s) => `'${s}'`).join(', ')}, got '${source}'.`);
  }
  return source;
}
