import type { Channel, EventName, EventOf, RequestOf, ResponseOf } from '../../shared/ipc/contract.ts';
import { WorkbenchError } from '../../shared/errors.ts';
import { bytesToBase64 } from '../../shared/ipc/base64.ts';
import type { Backend } from '../../src-renderer/src/lib/backend/backend.ts';

type Handler<C extends Channel> = (request: RequestOf<C>) => ResponseOf<C> | Promise<ResponseOf<C>>;

/**
 * An in-memory Backend for state and component tests: channels answer from `handlers`, every call is
 * recorded, and `emit` pushes an event to the subscribers as main would.
 */
export class FakeBackend implements Backend {
  readonly mode = 'browser' as const;
  readonly calls: { channel: Channel; request: unknown }[] = [];
  #handlers: Partial<{ [C in Channel]: Handler<C> }> = {};
  #listeners = new Map<string, Set<(payload: unknown) => void>>();

  handle<C extends Channel>(channel: C, handler: Handler<C>): this {
    (this.#handlers as Record<string, unknown>)[channel] = handler;
    return this;
  }

  async call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    this.calls.push({ channel, request });
    const handler = this.#handlers[channel] as Handler<C> | undefined;
    if (!handler) throw new WorkbenchError('INTERNAL', `FakeBackend: no handler for '${channel}'.`);
    return handler(request);
  }

  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as (payload: unknown) => void);
    return () => set.delete(listener as (payload: unknown) => void);
  }

  emit<E extends EventName>(event: E, payload: EventOf<E>): void {
    for (const listener of this.#listeners.get(event) ?? []) listener(payload);
  }

  #uploads = 0;

  /** Uploads get ids upload-1, upload-2, … in order. */
  async upload(file: File): Promise<{ fileId: string; name: string; size: number }> {
    this.calls.push({ channel: 'files.upload', request: { name: file.name } });
    return { fileId: `upload-${++this.#uploads}`, name: file.name, size: file.size };
  }

  /** How many listeners are subscribed, over every event (0 once the UI has disposed of its subscriptions). */
  listenerCount(): number {
    let n = 0;
    for (const set of this.#listeners.values()) n += set.size;
    return n;
  }

  callsTo(channel: Channel): unknown[] {
    return this.calls.filter((c) => c.channel === channel).map((c) => c.request);
  }
}

/** A backend holding one tiny labeled dataset (id 1) with an in-memory constraint store. */
export function backendWithDataset(): FakeBackend {
  const constraints: { i: number; j: number; kind: 'must' | 'cannot' }[] = [];
  const summary = {
    id: 1, name: 'toy', rows: 6, features: 2, classes: ['a', 'b'], labeled: true, sourceFile: null,
    sourceSha256: null, contentHash: 'h', createdAt: '2026-01-01T00:00:00Z',
  };
  return new FakeBackend()
    .handle('datasets.list', () => ({ datasets: [summary] }))
    .handle('samples.list', () => ({ samples: [] }))
    .handle('datasets.get', () => ({
      dataset: {
        ...summary, featureNames: ['size', 'color'], classNames: ['a', 'b'], imageShape: null, classCounts: [3, 3],
        format: 'csv', importOptions: {}, warnings: [],
        stats: [
          { name: 'size', mean: 0, std: 1, min: -1, max: 1 },
          { name: 'color', mean: 0, std: 1, min: -1, max: 1 },
        ],
      },
    }))
    .handle('datasets.data', () => ({
      nRows: 6, nFeatures: 2, encoding: 'f64' as const,
      features: bytesToBase64(new Uint8Array(Float64Array.from([0, 0, 0.1, 0, 0.2, 0.1, 5, 5, 5.1, 5, 5.2, 5.1]).buffer)),
      labels: [0, 0, 0, 1, 1, 1],
    }))
    .handle('constraints.list', () => ({ constraints: [...constraints] }))
    .handle('constraints.set', ({ i, j, kind }) => {
      const at = constraints.findIndex((c) => c.i === Math.min(i, j) && c.j === Math.max(i, j));
      const c = { i: Math.min(i, j), j: Math.max(i, j), kind };
      const outcome = at < 0 ? 'added' : constraints[at]!.kind === kind ? 'unchanged' : 'relabeled';
      if (at >= 0) constraints[at] = c;
      else constraints.push(c);
      return { constraint: c, outcome };
    })
    .handle('constraints.remove', ({ i, j }) => {
      const at = constraints.findIndex((c) => c.i === Math.min(i, j) && c.j === Math.max(i, j));
      const removed = at >= 0 ? constraints.splice(at, 1)[0]! : null;
      return { removed: removed !== null, constraint: removed };
    })
    .handle('methods.list', () => ({ methods: [] }))
    .handle('jobs.list', () => ({ jobs: [] }))
    .handle('runs.list', () => ({ runs: [] }))
    .handle('grids.list', () => ({ grids: [] }));
}
