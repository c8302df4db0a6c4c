/**
 * Process ownership of queued and running runs: which process (and which runs service in it) queued a run,
 * and crash recovery — a run left `running` or `queued` whose owner is gone becomes `interrupted`.
 *
 * An owner is `pid@host#instance`: `instance` tells apart several runs services in one process (the app and a
 * test, or two CLI invocations in-process). A run owned by a live service here, by a live process on this
 * host, or by any process on another host (a database file on a shared disk: liveness cannot be told) is left
 * alone; runs without an owner (stored before migration 2) are recovered.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Store } from '../storage/store.ts';

/** Owners of live runs services in this process. */
const liveOwners = new Set<string>();
const HOST = hostname();

/** One runs service's claim on the runs it queues; {@link RunOwnership.release} ends it. */
export interface RunOwnership {
  /** `pid@host#instance`, written on every run this service queues. */
  readonly owner: string;
  /** Records this owner on run `runId` (inside the caller's transaction). */
  claim(runId: number): void;
  /** Runs left `running` or `queued` by an owner that is gone become `interrupted`; returns how many. */
  recoverInterrupted(): number;
  /** This service no longer owns live runs: another service may now recover them. */
  release(): void;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the process (and, in this process, the runs service) that owns a run is still alive. */
export function ownerAlive(owner: string | null): boolean {
  if (!owner) return false;
  const match = /^(\d+)@(.*)#(.+)$/.exec(owner);
  if (!match) return false;
  const [, pidText, host] = match;
  if (host !== HOST) return true; // another machine sharing the file: cannot tell, leave its runs alone
  const pid = Number(pidText);
  if (pid === process.pid) return liveOwners.has(owner);
  return processAlive(pid);
}

/** A new live owner for the runs one service queues in `store`. */
export function createRunOwnership(store: Store): RunOwnership {
  const owner = `${process.pid}@${HOST}#${randomUUID().slice(0, 8)}`;
  liveOwners.add(owner);
  return {
    owner,
    claim(runId) {
      store.runs.setOwner(runId, owner);
    },
    recoverInterrupted() {
      // A store opened read-only (its file or folder cannot be written) cannot record the interruption; a later
      // writable open does.
      if (store.readOnlyBecause !== null) return 0;
      const stale = store.runs.listUnfinished().filter((r) => !ownerAlive(r.owner));
      if (stale.length === 0) return 0;
      store.runs.markInterrupted(stale.map((r) => r.id));
      return stale.length;
    },
    release() {
      liveOwners.delete(owner);
    },
  };
}
