import type { PreprocessKind } from '../../../../shared/domain/learned-metric.ts';
import { BASELINE_METHOD } from '../../../../shared/domain/enums.ts';
import { countsSupervision, SUPERVISION, type SupervisionKind } from '../../../../shared/engine/supervision/kinds.ts';
import type { Backend } from '../backend/backend.ts';
import { errorMessage } from '../backend/backend.ts';
import type { JobSpec, MethodDeclaration } from '../backend/types.ts';
import type { JobMonitor } from './job-monitor.svelte.ts';
import { checkForm, defaultText } from './param-form.ts';

/** 'versus': pairs vs comparisons, a pair learner and a comparison learner over the number of answers (one sweep job). */
export type ExperimentKind = 'compare' | 'sweep' | 'versus' | 'learn';
export type Preprocess = PreprocessKind;
export type PairSource = 'labeled' | 'generated';

/**
 * The Experiments form: which methods, their parameters (forms generated from methods.list), the
 * protocol and the constraint source; `start()` turns it into a job spec. A comparison always includes
 * the Euclidean baseline, so the Compare view can show it beside every method.
 */
export class ExperimentPlanner {
  #backend: Backend;
  #monitor: JobMonitor;
  #methods = $state.raw<MethodDeclaration[]>([]);
  selected = $state.raw<string[]>([BASELINE_METHOD, 'nca']);
  /** Field texts per method, keyed by parameter name. */
  texts = $state<Record<string, Record<string, string>>>({});
  kind = $state<ExperimentKind>('compare');
  folds = $state(5);
  k = $state(3);
  seed = $state(0);
  preprocess = $state<Preprocess>('zscore');
  /** PCA first: components fitted on each training part before the learner; null (an empty field) = no PCA. */
  reduce = $state<number | null>(null);
  /** 'suggested' (active-learning pairs or comparisons, oracle-labeled from the training classes) applies to sweeps only. */
  constraintSource = $state<'labeled' | 'generated' | 'suggested'>('generated');
  /**
   * A comparison's pair sources: each pair-based method runs once per ticked source (separate runs of the same
   * method), the other methods and the Euclidean baseline once.
   */
  pairSources = $state.raw<PairSource[]>(['generated']);
  /** True once the researcher picked a constraint source by hand (then it is never changed for them). */
  sourceChosen = $state(false);
  sweepCounts = $state('0, 10, 20, 50, 100, 200');
  sweepSeeds = $state(3);
  /** With a comparison, also fit each learned method on every row (its M for Compare, and for Export). */
  alsoLearn = $state(true);
  starting = $state(false);
  error = $state<string | null>(null);
  /** How many relative comparisons the current dataset has (what comparison and quadruplet learners learn from). */
  comparisonCount = $state(0);
  /** Comparison and quadruplet learners also learn from the comparisons the labeled pairs imply. */
  derived = $state(false);

  constructor(backend: Backend, monitor: JobMonitor) {
    this.#backend = backend;
    this.#monitor = monitor;
  }

  get methods(): MethodDeclaration[] { return this.#methods; }

  async load(): Promise<void> {
    try {
      const { methods } = await this.#backend.call('methods.list', {});
      this.#methods = methods;
      for (const m of methods) {
        this.texts[m.name] ??= Object.fromEntries(m.params.map((p) => [p.name, defaultText(p)]));
      }
    } catch (error) {
      this.error = `Could not load the methods: ${errorMessage(error)}`;
    }
  }

  method(name: string): MethodDeclaration | undefined {
    return this.#methods.find((m) => m.name === name);
  }

  /** The kind of supervision method `name` learns from (shared/engine/supervision/kinds.ts), once methods are loaded. */
  supervision(name: string): SupervisionKind | undefined {
    const method = this.method(name);
    return method ? SUPERVISION[method.input] : undefined;
  }

  /**
   * Whether method `name` learns from counted constraints (pairs, chunklets, comparisons, quadruplets): what a sweep
   * varies, and what runs once per ticked source in a comparison.
   */
  counted(name: string): boolean {
    const kind = this.supervision(name);
    return kind !== undefined && countsSupervision(kind);
  }

  /** Whether method `name` learns from must-link / cannot-link pairs (the pairs side of pairs vs comparisons). */
  learnsPairs(name: string): boolean {
    return this.method(name)?.input === 'pairs';
  }

  /** Whether method `name` learns from relative comparisons (triplets, or the quadruplets (a,b,a,c) of them). */
  learnsComparisons(name: string): boolean {
    return this.supervision(name)?.labeledFrom === 'comparisons';
  }

  /** The ticked pair learner and comparison learner of a pairs-vs-comparisons sweep (undefined where none is ticked). */
  get versusMethods(): { pairs: string | undefined; comparisons: string | undefined } {
    return { pairs: this.selected.find((m) => this.learnsPairs(m)), comparisons: this.selected.find((m) => this.learnsComparisons(m)) };
  }

  /** For pairs vs comparisons: ticks itml and scml where no method of that side is ticked yet. */
  preselectVersus(): void {
    const { pairs, comparisons } = this.versusMethods;
    if (pairs === undefined && this.method('itml')) this.toggle('itml', true);
    if (comparisons === undefined && this.method('scml')) this.toggle('scml', true);
  }

  /** Whether a ticked method learns from comparisons (so the comparisons implied by pairs can be offered). */
  get readsComparisons(): boolean {
    return this.selected.some((m) => this.supervision(m)?.labeledFrom === 'comparisons');
  }

  /** Reads how many comparisons dataset `datasetId` has (none when the backend cannot say). */
  async loadComparisons(datasetId: number): Promise<void> {
    try {
      this.comparisonCount = (await this.#backend.call('comparisons.list', { datasetId })).comparisons.length;
    } catch {
      this.comparisonCount = 0;
    }
  }

  /**
   * What to label for method `name` when the dataset cannot give it its supervision with the chosen source (its
   * kind's `lacks`; in a comparison, with every ticked source), with the reason; null when it can.
   */
  lacking(name: string, dataset: { labeled: boolean; pairs: { must: number; cannot: number }; regression?: boolean }): { reason: string; whatToLabel: string } | null {
    const kind = this.supervision(name);
    if (!kind) return null;
    const sources = this.kind === 'sweep' || this.kind === 'versus' ? [this.constraintSource] : this.kind === 'compare' && this.pairSources.length > 0 ? this.pairSources : [this.plainSource];
    for (const source of sources) {
      const reason = kind.lacks(name, { ...dataset, comparisons: this.comparisonCount }, source);
      if (reason !== null) return { reason, whatToLabel: kind.whatToLabel };
    }
    return null;
  }

  toggle(name: string, on: boolean): void {
    this.selected = on ? [...new Set([...this.selected, name])] : this.selected.filter((m) => m !== name);
  }

  /** Per selected method: validated params and field errors. */
  readonly checked = $derived(
    Object.fromEntries(
      this.selected.map((name) => {
        const decl = this.#methods.find((m) => m.name === name);
        return [name, decl ? checkForm(name, decl.params, this.texts[name] ?? {}) : { params: {}, errors: {} }];
      }),
    ),
  );

  /** Problems that block Start, in words (empty when the form is valid). */
  readonly problems = $derived.by(() => {
    const out: string[] = [];
    if (this.selected.length === 0) out.push('Choose at least one method.');
    if (this.kind === 'sweep') {
      const counted = this.#methods.filter((m) => this.counted(m.name)).map((m) => m.name);
      if (this.selected.filter((m) => this.counted(m)).length !== 1) {
        out.push(`A sweep needs exactly one method that learns from constraints (${counted.join(', ')}).`);
      }
      if (this.parsedCounts() === null) out.push('Sweep counts must be whole numbers ≥ 0 separated by commas, e.g. 0, 10, 50.');
    }
    if (this.kind === 'versus') {
      const pairs = this.selected.filter((m) => this.learnsPairs(m));
      const comparisons = this.selected.filter((m) => this.learnsComparisons(m));
      if (pairs.length !== 1 || comparisons.length !== 1) {
        const names = (test: (m: string) => boolean) => this.#methods.filter((m) => test(m.name)).map((m) => m.name).join(', ');
        out.push(
          `Pairs vs comparisons needs exactly one ticked method that learns from pairs (${names((m) => this.learnsPairs(m))}) and one that learns from comparisons (${names((m) => this.learnsComparisons(m))}).`,
        );
      }
      if (this.parsedCounts() === null) out.push('Numbers of answers must be whole numbers ≥ 0 separated by commas, e.g. 0, 10, 50.');
    }
    if (this.kind === 'compare' && this.pairSources.length === 0 && this.selected.some((m) => this.counted(m))) {
      out.push('Tick at least one source of pairs for the pair-based methods.');
    }
    if (!(Number.isInteger(this.folds) && this.folds >= 2 && this.folds <= 50)) out.push('Folds must be an integer from 2 to 50.');
    if (!(Number.isInteger(this.k) && this.k >= 1 && this.k <= 100)) out.push('k must be an integer from 1 to 100.');
    if (!(Number.isInteger(this.seed) && this.seed >= 0)) out.push('Seed must be an integer ≥ 0.');
    if (this.reduce != null && !(Number.isInteger(this.reduce) && this.reduce >= 1)) out.push('PCA first must be a whole number of components ≥ 1, or empty for none.');
    for (const [name, check] of Object.entries(this.checked)) {
      for (const message of Object.values(check.errors)) out.push(message || `${name}: invalid parameter`);
    }
    return out;
  });

  /** Advice that does not block Start (e.g. too few labeled pairs for cross-validation). */
  warnings(counts: { must: number; cannot: number }): string[] {
    const pairMethods = this.selected.filter((m) => this.supervision(m)?.labeledFrom === 'pairs');
    if (!this.usesLabeledPairs || pairMethods.length === 0) return [];
    if (counts.must >= 5 && counts.cannot >= 5) return [];
    return [
      `${pairMethods.join(', ')} will learn from your ${counts.must} must-link and ${counts.cannot} cannot-link pairs. ` +
        `Cross-validation keeps only the pairs inside each training part, so with fewer than about 5 of each kind a fold can be left ` +
        `without one kind and fail. Label a few more pairs, or choose “generated from class labels”.`,
    ];
  }

  parsedCounts(): number[] | null {
    const parts = this.sweepCounts.split(/[\s,]+/).filter(Boolean).map(Number);
    return parts.length > 0 && parts.every((n) => Number.isInteger(n) && n >= 0) ? parts : null;
  }

  /** Whether the jobs Start submits fit pair-based methods on the researcher's own labeled pairs. */
  get usesLabeledPairs(): boolean {
    return this.kind === 'compare' ? this.pairSources.includes('labeled') : this.constraintSource === 'labeled';
  }

  /** Ticks or unticks a comparison's pair source (a hand-made choice, kept from then on). */
  togglePairSource(source: PairSource, on: boolean): void {
    this.pairSources = (['labeled', 'generated'] as const).filter((s) => (s === source ? on : this.pairSources.includes(s)));
    this.sourceChosen = true;
  }

  /**
   * The jobs Start submits. A comparison becomes one evaluate job per method and pair source (the Euclidean
   * baseline first, once, whatever the sources), each with its own progress, objective curve and cancel
   * button, plus (optionally) one learn job per learned method and source: the metric fitted on every row,
   * which Compare draws and Export writes.
   */
  buildSpecs(datasetId: number): JobSpec[] {
    const spec = this.buildSpec(datasetId);
    if (spec.kind !== 'compare') return [spec];
    const { methods, kind: _kind, constraintSource: _source, ...common } = spec;
    const sources = this.pairSources.length > 0 ? this.pairSources : [this.plainSource];
    const runs = methods.flatMap(({ method, params }) =>
      (this.counted(method) ? sources : [sources[0]!]).map((constraintSource) => ({ method, params, constraintSource })),
    );
    const evaluations: JobSpec[] = runs.map((r) => ({ kind: 'evaluate', ...r, ...common }));
    const learns: JobSpec[] = this.alsoLearn ? runs.filter((r) => r.method !== BASELINE_METHOD).map((r) => ({ kind: 'learn', ...r, ...common })) : [];
    return [...evaluations, ...learns];
  }

  /**
   * The method "Learn one metric" fits: the first ticked one other than the Euclidean baseline (which has
   * nothing to learn and is ticked by default), or euclidean when it is the only one.
   */
  get learnMethod(): string | undefined {
    return this.selected.find((m) => m !== BASELINE_METHOD) ?? this.selected[0];
  }

  /** The source a non-sweep job gets: 'suggested' exists for sweeps only, so those use generated pairs. */
  get plainSource(): 'labeled' | 'generated' {
    return this.constraintSource === 'suggested' ? 'generated' : this.constraintSource;
  }

  /** The protocol's `reduce` field when PCA first is asked for, else nothing. */
  get reduceOption(): { reduce?: number } {
    return this.reduce == null ? {} : { reduce: this.reduce };
  }

  buildSpec(datasetId: number): JobSpec {
    const protocol = { folds: this.folds, k: this.k, seed: this.seed, preprocess: this.preprocess, ...this.reduceOption };
    const derived = this.derived && this.usesLabeledPairs && this.readsComparisons;
    const common = { datasetId, seed: this.seed, protocol, constraintSource: this.plainSource, ...(derived ? { derived: true } : {}) };
    const params = (name: string) => this.checked[name]?.params ?? {};
    if (this.kind === 'sweep') {
      const method = this.selected.find((m) => this.counted(m)) ?? this.selected[0]!;
      return {
        kind: 'sweep',
        method,
        params: params(method),
        counts: this.parsedCounts() ?? undefined,
        seeds: this.sweepSeeds,
        ...common,
        constraintSource: this.constraintSource,
      };
    }
    if (this.kind === 'versus') {
      const { pairs, comparisons } = this.versusMethods;
      const method = pairs ?? this.selected[0]!;
      const versus = comparisons ?? this.selected[0]!;
      return {
        kind: 'sweep',
        method,
        params: params(method),
        versus: { method: versus, params: params(versus) },
        counts: this.parsedCounts() ?? undefined,
        seeds: this.sweepSeeds,
        ...common,
        constraintSource: this.constraintSource,
      };
    }
    if (this.kind === 'learn') {
      const method = this.learnMethod!;
      return { kind: 'learn', method, params: params(method), ...common };
    }
    const names = this.selected.includes(BASELINE_METHOD) ? this.selected : [BASELINE_METHOD, ...this.selected];
    return { kind: 'compare', methods: names.map((method) => ({ method, params: params(method) })), ...common };
  }

  /** Until the user picks a constraint source, pair-based methods learn from the user's pairs when there are some. */
  defaultSource(labeledPairs: number): void {
    if (this.sourceChosen) return;
    this.constraintSource = labeledPairs > 0 ? 'labeled' : 'generated';
    this.pairSources = [this.constraintSource];
  }

  /** Starts the jobs; returns the first one's id, or null with `error` set. */

  async start(datasetId: number, datasetName: string): Promise<string | null> {
    if (this.problems.length > 0) {
      this.error = this.problems[0]!;
      return null;
    }
    this.starting = true;
    this.error = null;
    try {
      let first: string | null = null;
      for (const spec of this.buildSpecs(datasetId)) {
        const { jobId, runIds } = await this.#backend.call('jobs.start', { spec });
        const unit = this.counted(methodOf(spec)) ? this.supervision(methodOf(spec))!.unit : null;
        this.#monitor.track(jobId, jobTitle(spec, datasetName, unit ? `${unit}s` : null), spec.kind, datasetId, runIds, spec);
        first ??= jobId;
      }
      return first;
    } catch (error) {
      this.error = `Could not start the job: ${errorMessage(error)}`;
      return null;
    } finally {
      this.starting = false;
    }
  }
}

/** The method a job spec fits ('' for a comparison of several). */
function methodOf(spec: JobSpec): string {
  return spec.kind === 'compare' ? '' : spec.method;
}

/**
 * "evaluate · nca (5-fold) · iris", "evaluate · itml (5-fold, labeled pairs) · iris", "learn · mmc on all rows ·
 * iris", "sweep · itml · iris". `items`: what the method counts (pairs, chunklets, comparisons, quadruplets), so the
 * title names their source; null for a method that takes none.
 */
export function jobTitle(spec: JobSpec, datasetName: string, items: string | null = null): string {
  const pairs = items && spec.kind !== 'compare' && spec.constraintSource ? `${spec.constraintSource} ${items}` : null;
  switch (spec.kind) {
    case 'evaluate':
      return `evaluate · ${spec.method} (${[`${spec.protocol?.folds ?? 5}-fold`, pairs].filter(Boolean).join(', ')}) · ${datasetName}`;
    case 'learn':
      return `learn · ${spec.method} on all rows${pairs ? ` (${pairs})` : ''} · ${datasetName}`;
    case 'sweep':
      return spec.versus ? `pairs vs comparisons · ${spec.method} vs ${spec.versus.method} (${spec.constraintSource ?? 'generated'}) · ${datasetName}` : `sweep · ${spec.method} · ${datasetName}`;
    case 'compare':
      return `compare · ${spec.methods.map((m) => m.method).join(', ')} · ${datasetName}`;
  }
}
