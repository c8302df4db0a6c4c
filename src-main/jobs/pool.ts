/**
 * The one worker-thread pool: every thread the app starts (job workers, import and score workers, the helpers of
 * folds, kNN blocks and sweep steps) is started here, and every busy thread holds a token of one process-wide
 * {@link ThreadBudget} (default: the machine's available cores).
 *
 * - `run(task, {signal, onProgress, transfer})` → a promise of the task's result (protocol.ts names the tasks).
 * - Idle workers are kept (unref'd, up to `maxIdle`, for `idleMs`) and reused; a dead one is replaced.
 * - One cancel path: reject at once, set the task's shared flag, and terminate the worker if it has not answered
 *   after `graceMs` (piscina's order: callers never see a termination error). Cancelling a task cancels the helper
 *   tasks it asked for.
 * - Helper tasks: a task may ask for helpers (`sub-run`); while it waits for them it lends them its own token, so
 *   a job never deadlocks behind its own helpers and never holds a core it does not use. Further helpers wait for
 *   free tokens, ahead of new top-level tasks.
 */
import { availableParallelism } from 'node:os';
import { Worker, type Transferable, type WorkerOptions } from 'node:worker_threads';
import { fromErrorPayload, JobCancelledError, toErrorPayload, WorkbenchError } from '../../shared/errors.ts';
import type { FromWorker, PoolTask, ProgressOf, ResultOf, ToWorker } from './protocol.ts';

/** The worker started under plain Node: registers tsx, then runs worker.ts. */
export const DEFAULT_WORKER_URL = new URL('./worker-entry.mjs', import.meta.url);

/**
 * A worker's young generation at most (V8's default grows it to 48 MB per isolate). The fits' big arrays live outside
 * the V8 heap, and their JavaScript allocates little, so a larger young generation buys no speed here (NCA-32 on
 * 10,000 × 784: the same fit seconds) while every thread of a fit's team holds one: 12 MB saves 40–50 MB of a learn
 * process's peak RSS there.
 */
const WORKER_YOUNG_GENERATION_MB = 12;

/**
 * Options of every worker thread: output not piped, a bounded young generation ({@link WORKER_YOUNG_GENERATION_MB}),
 * and for {@link DEFAULT_WORKER_URL}, which registers tsx itself,
 * the parent's `execArgv` without its `--import tsx` (a parent started as `node --import tsx` would have every worker
 * load tsx twice, about 0.1 s of start-up each).
 */
export function workerOptions(url: URL | string, inherited: readonly string[] = process.execArgv): WorkerOptions {
  const options: WorkerOptions = { stdout: false, stderr: false, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } };
  if (String(url) !== String(DEFAULT_WORKER_URL)) return options;
  const execArgv: string[] = [];
  for (let a = 0; a < inherited.length; a++) {
    const arg = inherited[a]!;
    if (arg === '--import' && inherited[a + 1] === 'tsx') a++;
    else if (arg !== '--import=tsx') execArgv.push(arg);
  }
  return { ...options, execArgv };
}

/** Threads that may compute at once, shared by every pool that draws from it. */
export class ThreadBudget {
  readonly capacity: number;
  private held = 0;
  private peak = 0;
  private helpers = 0;
  private readonly waiting: Array<{ grant: () => void; urgent: boolean }> = [];

  constructor(capacity: number = availableParallelism()) {
    this.capacity = Math.max(1, Math.floor(capacity));
  }

  /**
   * Tokens held now (an upper bound of the threads computing: a task waiting for its helpers lends its token to
   * them), the most ever held at once, and how many helper tasks ran on this budget's threads.
   */
  stats(): { capacity: number; busy: number; peak: number; helperTasks: number } {
    return { capacity: this.capacity, busy: this.held, peak: this.peak, helperTasks: this.helpers };
  }

  /** Counts a helper task that starts on a thread of this budget. */
  countHelper(): void {
    this.helpers++;
  }

  /** Calls `grant` once a token is free (at once if one is); urgent requests go first. Returns the withdrawal. */
  request(grant: () => void, urgent: boolean): () => void {
    const waiter = { grant, urgent };
    if (this.held < this.capacity && this.waiting.length === 0) {
      this.take();
      grant();
      return () => {};
    }
    const at = urgent ? this.waiting.findIndex((w) => !w.urgent) : -1;
    this.waiting.splice(at < 0 ? this.waiting.length : at, 0, waiter);
    return () => {
      const index = this.waiting.indexOf(waiter);
      if (index >= 0) this.waiting.splice(index, 1);
    };
  }

  release(): void {
    this.held--;
    const next = this.waiting.shift();
    if (!next) return;
    this.take();
    next.grant();
  }

  private take(): void {
    this.held++;
    if (this.held > this.peak) this.peak = this.held;
  }
}

let processBudget: ThreadBudget | null = null;

/** The process-wide budget every pool draws from unless given another (tests give their own). */
export function processThreadBudget(): ThreadBudget {
  processBudget ??= new ThreadBudget();
  return processBudget;
}

export interface PoolOptions {
  workerUrl?: URL | string;
  /** The tokens busy threads hold; default {@link processThreadBudget}; null: unbudgeted (imports, which mostly wait on disk). */
  budget?: ThreadBudget | null;
  /** How long a cancelled task may take to stop on its own before its worker is terminated; default 2000 ms. */
  graceMs?: number;
  /** How long a finished worker waits for the next task before it exits; default 30 s. */
  idleMs?: number;
  /** Finished workers kept for the next tasks; default 1. */
  maxIdle?: number;
  /** How errors name the worker of a task kind: "The job worker exited with code 7 before finishing." */
  workerName?: (task: PoolTask) => string;
  /** The message of a run started after close(). */
  closedMessage?: string;
}

export interface RunOptions<T extends PoolTask> {
  signal?: AbortSignal;
  /** Progress on this thread; if it throws, the task is cancelled with that error. */
  onProgress?: (progress: ProgressOf<T>) => void;
  /** Input buffers to move rather than copy. */
  transfer?: Transferable[];
  /** The message of the JobCancelledError an aborted task rejects with. */
  cancelledMessage?: string;
  /** Called once the task no longer occupies a worker (it answered, its worker died or was terminated, or it never started). */
  onReleased?: () => void;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  entry: Entry | null;
  dead: boolean;
  idleTimer: ReturnType<typeof setTimeout> | null;
  killTimer: ReturnType<typeof setTimeout> | null;
}

interface Entry {
  id: number;
  task: PoolTask;
  transfer: Transferable[];
  cancelFlag: SharedArrayBuffer;
  cancelledMessage: string | undefined;
  onProgress: ((progress: never) => void) | undefined;
  settled: boolean;
  resolve(result: unknown): void;
  reject(error: Error): void;
  slot: Slot | null;
  /** 'own': a budget token; 'lent': the parent's; 'free': an unbudgeted pool. */
  token: 'own' | 'lent' | 'free' | null;
  withdraw: (() => void) | null;
  parent: Entry | null;
  /** The id the parent's worker gave this helper task. */
  childId: number;
  /** Helper tasks by the id the worker gave them; while any is unsettled this task lends its token. */
  children: Map<number, Entry>;
  lentFree: boolean;
  retired: boolean;
  onReleased: (() => void) | undefined;
  detach(): void;
}

let nextId = 1;

export class WorkerPool {
  private readonly url: URL | string;
  private readonly budget: ThreadBudget | null;
  private readonly graceMs: number;
  private readonly idleMs: number;
  private readonly maxIdle: number;
  private readonly workerName: (task: PoolTask) => string;
  private readonly closedMessage: string;
  private readonly slots = new Set<Slot>();
  private readonly idle: Slot[] = [];
  /** Tasks not settled yet, running or waiting for a token. */
  private readonly pending = new Set<Entry>();
  private closed = false;

  constructor(options: PoolOptions = {}) {
    const url = options.workerUrl ?? DEFAULT_WORKER_URL;
    // A URL that crossed a thread boundary as text: Worker takes file:// only as a URL object.
    this.url = typeof url === 'string' && url.startsWith('file:') ? new URL(url) : url;
    this.budget = options.budget === undefined ? processThreadBudget() : options.budget;
    this.graceMs = options.graceMs ?? 2000;
    this.idleMs = options.idleMs ?? 30_000;
    this.maxIdle = Math.max(0, options.maxIdle ?? 1);
    this.workerName = options.workerName ?? ((task) => (task.kind === 'job' || task.kind === 'import' || task.kind === 'score' ? task.kind : 'helper'));
    this.closedMessage = options.closedMessage ?? 'The worker pool is closed.';
  }

  /** Runs `task` on a worker. @throws the worker's error with its type and message; JobCancelledError when aborted. */
  run<T extends PoolTask>(task: T, options: RunOptions<T> = {}): Promise<ResultOf<T>> {
    return this.submit(task, options as RunOptions<PoolTask>, null, 0) as Promise<ResultOf<T>>;
  }

  /** Tasks running (or waiting for a thread) now, and started workers waiting for a task. */
  stats(): { running: number; idleWorkers: number } {
    return { running: [...this.slots].filter((s) => s.entry !== null).length, idleWorkers: this.idle.filter((s) => !s.dead).length };
  }

  /** Starts idle workers up to `count` and resolves when they listen. */
  async warmUp(count: number): Promise<void> {
    const started: Slot[] = [];
    for (let k = this.idle.length + this.stats().running; k < Math.min(count, this.maxIdle); k++) {
      const slot = this.spawn();
      this.park(slot);
      started.push(slot);
    }
    await Promise.all(started.map((s) => s.ready));
  }

  /** Cancels every task (they reject with JobCancelledError) and waits until every worker has exited. */
  async close(): Promise<void> {
    this.closed = true;
    for (const entry of [...this.pending]) this.cancel(entry, new JobCancelledError(entry.cancelledMessage));
    this.idle.length = 0;
    await Promise.all([...this.slots].map((slot) => slot.worker.terminate()));
  }

  private submit(task: PoolTask, options: RunOptions<PoolTask>, parent: Entry | null, childId: number): Promise<unknown> {
    if (this.closed) return Promise.reject(new WorkbenchError('INTERNAL', this.closedMessage));
    if (options.signal?.aborted) return Promise.reject(new JobCancelledError(options.cancelledMessage));
    return new Promise((resolve, reject) => {
      const onAbort = (): void => this.cancel(entry, new JobCancelledError(entry.cancelledMessage));
      const entry: Entry = {
        id: nextId++,
        task,
        transfer: options.transfer ?? [],
        cancelFlag: new SharedArrayBuffer(4),
        cancelledMessage: options.cancelledMessage,
        onProgress: options.onProgress as ((progress: never) => void) | undefined,
        settled: false,
        resolve,
        reject,
        slot: null,
        token: null,
        withdraw: null,
        parent,
        childId,
        children: new Map(),
        lentFree: false,
        retired: false,
        onReleased: options.onReleased,
        detach: () => options.signal?.removeEventListener('abort', onAbort),
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      parent?.children.set(childId, entry);
      this.pending.add(entry);
      this.acquire(entry);
    });
  }

  /** Gets `entry` a token (its parent's lent one, a free one, or in turn) and then a worker. */
  private acquire(entry: Entry): void {
    const parent = entry.parent;
    if (parent?.lentFree && entry.task.kind !== 'team') {
      parent.lentFree = false;
      entry.token = 'lent';
      this.start(entry);
    } else if (!this.budget) {
      entry.token = 'free';
      this.start(entry);
    } else {
      entry.withdraw = this.budget.request(() => {
        entry.withdraw = null;
        entry.token = 'own';
        this.start(entry);
      }, parent !== null);
    }
  }

  private start(entry: Entry): void {
    if (entry.settled) return this.retire(entry);
    if (entry.parent) this.budget?.countHelper();
    const slot = this.take();
    slot.entry = entry;
    entry.slot = slot;
    const message: ToWorker = { type: 'run', id: entry.id, task: entry.task, cancelFlag: entry.cancelFlag };
    slot.worker.postMessage(message, entry.transfer);
  }

  private settle(entry: Entry, outcome: { result: unknown } | { error: Error }): void {
    if (entry.settled) return;
    entry.settled = true;
    this.pending.delete(entry);
    entry.detach();
    entry.withdraw?.();
    if ('result' in outcome) entry.resolve(outcome.result);
    else entry.reject(outcome.error);
  }

  /** The one cancel path: reject now, set the flag (the task's and its helpers'), terminate after the grace period. */
  private cancel(entry: Entry, error: Error): void {
    if (entry.settled) return;
    this.settle(entry, { error });
    Atomics.store(new Int32Array(entry.cancelFlag), 0, 1);
    for (const child of entry.children.values()) this.cancel(child, new JobCancelledError());
    const slot = entry.slot;
    if (slot && !slot.killTimer) {
      slot.killTimer = setTimeout(() => void slot.worker.terminate(), this.graceMs);
      slot.killTimer.unref?.();
    }
    if (!slot) this.retire(entry);
  }

  /** The worker answered (or died): its token goes back, and it is kept for the next task unless dead. */
  private release(slot: Slot): void {
    const entry = slot.entry;
    slot.entry = null;
    if (slot.killTimer) clearTimeout(slot.killTimer);
    slot.killTimer = null;
    if (entry) {
      entry.slot = null;
      for (const child of entry.children.values()) this.cancel(child, new JobCancelledError());
      this.retire(entry);
    }
    if (this.closed || slot.dead || this.idle.length >= this.maxIdle) void slot.worker.terminate();
    else this.park(slot);
  }

  /** The task is over for the pool: its token goes back (or to a sibling), its parent is told, its caller too. */
  private retire(entry: Entry): void {
    if (entry.retired) return;
    entry.retired = true;
    this.releaseToken(entry);
    this.finishChild(entry);
    entry.onReleased?.();
  }

  private releaseToken(entry: Entry): void {
    const token = entry.token;
    entry.token = null;
    if (token === 'own') this.budget!.release();
    else if (token === 'lent') {
      const parent = entry.parent!;
      // A parent that has finished took its token back to the budget already.
      if (parent.token === null) return;
      const waiting = [...parent.children.values()].find((c) => c.withdraw !== null && !c.settled && c.task.kind !== 'team');
      if (waiting) {
        waiting.withdraw!();
        waiting.withdraw = null;
        waiting.token = 'lent';
        this.start(waiting);
      } else parent.lentFree = true;
    }
  }

  /** A helper task is over: when its parent has no more, the parent has its token back. */
  private finishChild(entry: Entry): void {
    const parent = entry.parent;
    if (!parent || parent.children.get(entry.childId) !== entry) return;
    parent.children.delete(entry.childId);
    if (!this.waitsForHelpers(parent)) parent.lentFree = false;
  }

  /**
   * Whether `parent` waits for helper tasks (and so lends them its token). A fit's team helpers (block-team.ts) work
   * beside their parent, which keeps computing: they never take its token.
   */
  private waitsForHelpers(parent: Entry): boolean {
    for (const child of parent.children.values()) if (child.task.kind !== 'team') return true;
    return false;
  }

  private onMessage(slot: Slot, message: FromWorker): void {
    const entry = slot.entry;
    if (message.type === 'ready' || !entry) return;
    if (message.type === 'sub-run') return this.runChild(slot, entry, message.id, message.task);
    if (message.type === 'sub-cancel') {
      const child = entry.children.get(message.id);
      if (child) this.cancel(child, new JobCancelledError());
      return;
    }
    if (message.id !== entry.id) return;
    if (message.type === 'progress') {
      if (entry.settled) return;
      try {
        entry.onProgress?.(message.progress as never);
      } catch (error) {
        this.cancel(entry, error instanceof Error ? error : new JobCancelledError());
      }
      return;
    }
    this.settle(entry, message.type === 'result' ? { result: message.result } : { error: fromErrorPayload(message.error) });
    this.release(slot);
  }

  /** Runs a helper task for the task on `slot`, relaying its progress and outcome to that worker. */
  private runChild(slot: Slot, parent: Entry, id: number, task: PoolTask): void {
    const post = (message: ToWorker): void => {
      if (slot.entry === parent && !parent.settled) slot.worker.postMessage(message);
    };
    // A cancelled task's worker is stopping: its late requests are not run.
    if (parent.settled) return;
    if (task.kind !== 'team' && !this.waitsForHelpers(parent)) parent.lentFree = parent.token !== null;
    const transfer = task.kind === 'team' ? [task.port] : [];
    this.submit(task, { onProgress: (progress) => post({ type: 'sub-progress', id, progress }), transfer }, parent, id).then(
      (result) => post({ type: 'sub-result', id, result }),
      (error: unknown) => post({ type: 'sub-error', id, error: toErrorPayload(error) }),
    );
  }

  private spawn(): Slot {
    const worker = new Worker(this.url, workerOptions(this.url));
    let markReady!: () => void;
    const slot: Slot = { worker, ready: new Promise<void>((res) => (markReady = res)), entry: null, dead: false, idleTimer: null, killTimer: null };
    this.slots.add(slot);
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') markReady();
      this.onMessage(slot, message);
    });
    worker.on('error', (error: Error) => {
      slot.dead = true;
      if (slot.entry) this.settle(slot.entry, { error: new WorkbenchError('JOB_FAILED', `The ${this.workerName(slot.entry.task)} worker crashed: ${error.message}`) });
    });
    worker.on('exit', (code) => {
      slot.dead = true;
      markReady();
      this.slots.delete(slot);
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      const at = this.idle.indexOf(slot);
      if (at >= 0) this.idle.splice(at, 1);
      if (slot.entry) {
        const name = this.workerName(slot.entry.task);
        this.settle(slot.entry, { error: new WorkbenchError('JOB_FAILED', `The ${name} worker exited with code ${code} before finishing.`) });
        this.release(slot);
      }
    });
    return slot;
  }

  private park(slot: Slot): void {
    slot.worker.unref();
    this.idle.push(slot);
    slot.idleTimer = setTimeout(() => void slot.worker.terminate(), this.idleMs);
    slot.idleTimer.unref?.();
  }

  private take(): Slot {
    for (let slot = this.idle.pop(); slot; slot = this.idle.pop()) {
      if (slot.dead) continue;
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      slot.idleTimer = null;
      slot.worker.ref();
      return slot;
    }
    return this.spawn();
  }
}

const sharedPools = new Map<string, WorkerPool>();

/** The process's pool for helper tasks posted from this (main) thread, one per worker script. */
export function sharedPool(workerUrl: URL | string): WorkerPool {
  const key = String(workerUrl);
  let pool = sharedPools.get(key);
  if (!pool) {
    pool = new WorkerPool({ workerUrl, maxIdle: availableParallelism() });
    sharedPools.set(key, pool);
  }
  return pool;
}
