import type { Backend } from '../backend/backend.ts';
import { errorMessage } from '../backend/backend.ts';
import type { JobSpec, MethodDeclaration } from '../backend/types.ts';
import type { JobMonitor } from './job-monitor.svelte.ts';
import { checkForm, defaultText } from './param-form.ts';

export type ExperimentKind = 'compare' | 'sweep' | 'learn';
export type Preprocess = 'zscore' | 'minmax' | 'none';

/**
 * The Experiments form: which methods, their parameters (forms generated from methods.list), the
 * protocol and the constraint source; `start()` turns it into a job spec. A comparison always includes
 * the Euclidean baseline, so the Compare view can show it beside every method.
 */
export class ExperimentPlanner {
  #backend: Backend;
  #monitor: JobMonitor;
  #methods = $state.raw<MethodDeclaration[]>([]);
  selected = $state.raw<string[]>(['euclidean', 'nca']);
  /** Field texts per method, keyed by parameter name. */
  texts = $state<Record<string, Record<string, string>>>({});
  kind = $state<ExperimentKind>('compare');
  folds = $state(5);
  k = $state(3);
  seed = $state(0);
  preprocess = $state<Preprocess>('zscore');
  constraintSource = $state<'labeled' | 'generated'>('generated');
  sweepCounts = $state('0, 10, 20, 50, 100, 200');
  sweepSeeds = $state(3);
  /** With a comparison, also fit each learned method on every row (its M for Compare, and for Export). */
  alsoLearn = $state(true);
  starting = $state(false);
  error = $state<string | null>(null);

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
      const pairMethods = this.selected.filter((m) => this.method(m)?.input === 'pairs');
      if (pairMethods.length !== 1) out.push('A sweep needs exactly one pair-based method (mmc, mmc-diagonal or itml).');
      if (this.parsedCounts() === null) out.push('Sweep counts must be whole numbers ≥ 0 separated by commas, e.g. 0, 10, 50.');
    }
    if (!(Number.isInteger(this.folds) && this.folds >= 2 && this.folds <= 50)) out.push('Folds must be an integer from 2 to 50.');
    if (!(Number.isInteger(this.k) && this.k >= 1 && this.k <= 100)) out.push('k must be an integer from 1 to 100.');
    if (!(Number.isInteger(this.seed) && this.seed >= 0)) out.push('Seed must be an integer ≥ 0.');
    for (const [name, check] of Object.entries(this.checked)) {
      for (const message of Object.values(check.errors)) out.push(message || `${name}: invalid parameter`);
    }
    return out;
  });

  parsedCounts(): number[] | null {
    const parts = this.sweepCounts.split(/[\s,]+/).filter(Boolean).map(Number);
    return parts.length > 0 && parts.every((n) => Number.isInteger(n) && n >= 0) ? parts : null;
  }

  buildSpec(datasetId: number): JobSpec {
    const protocol = { folds: this.folds, k: this.k, seed: this.seed, preprocess: this.preprocess };
    const common = { datasetId, seed: this.seed, protocol, constraintSource: this.constraintSource };
    const params = (name: string) => this.checked[name]?.params ?? {};
    if (this.kind === 'sweep') {
      const method = this.selected.find((m) => this.method(m)?.input === 'pairs') ?? this.selected[0]!;
      return { kind: 'sweep', method, params: params(method), counts: this.parsedCounts() ?? undefined, seeds: this.sweepSeeds, ...common };
    }
    if (this.kind === 'learn') {
      const method = this.selected[0]!;
      return { kind: 'learn', method, params: params(method), ...common };
    }
    const names = this.selected.includes('euclidean') ? this.selected : ['euclidean', ...this.selected];
    return { kind: 'compare', methods: names.map((method) => ({ method, params: params(method) })), ...common };
  }

  /** Starts the job; returns its id, or null with `error` set. */
  async start(datasetId: number, datasetName: string): Promise<string | null> {
    if (this.problems.length > 0) {
      this.error = this.problems[0]!;
      return null;
    }
    this.starting = true;
    this.error = null;
    try {
      const spec = this.buildSpec(datasetId);
      const { jobId, runIds } = await this.#backend.call('jobs.start', { spec });
      const what = spec.kind === 'compare' ? spec.methods.map((m) => m.method).join(', ') : spec.method;
      this.#monitor.track(jobId, `${spec.kind} · ${what} · ${datasetName}`, spec.kind, datasetId, runIds);
      if (spec.kind === 'compare' && this.alsoLearn) {
        for (const { method, params } of spec.methods.filter((m) => m.method !== 'euclidean')) {
          const learn: JobSpec = { kind: 'learn', method, params, datasetId, seed: spec.seed, protocol: spec.protocol, constraintSource: spec.constraintSource };
          const started = await this.#backend.call('jobs.start', { spec: learn });
          this.#monitor.track(started.jobId, `learn · ${method} on all rows · ${datasetName}`, 'learn', datasetId, started.runIds);
        }
      }
      return jobId;
    } catch (error) {
      this.error = `Could not start the job: ${errorMessage(error)}`;
      return null;
    } finally {
      this.starting = false;
    }
  }
}
