/**
 * What the services need from their surroundings, declared apart from the composition root
 * (services/workbench.ts) so that the services and the handler table do not import the module that builds them.
 */
import { ValidationError } from '../../shared/errors.ts';
import type { Channel, EventName, EventOf, HandlerMap } from '../../shared/ipc/contract.ts';

/** A channel's implementation: the validated request in, the response (or its promise) out. */
export type Handler<C extends Channel> = HandlerMap[C];

/** Native dialogs (desktop only). Each resolves to a path, or null when the user cancelled. */
export interface WorkbenchDialogs {
  openFile(purpose: 'dataset' | 'constraints'): Promise<string | null>;
  /** `extension` without the dot, e.g. 'npy'. */
  saveFile(defaultName: string, extension: string): Promise<string | null>;
}

export interface WorkbenchEvents {
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
  onAny(listener: (event: EventName, payload: unknown) => void): () => void;
  /** Validates the payload against the contract, then delivers it. */
  emit<E extends EventName>(event: E, payload: EventOf<E>): void;
}

/** Tells the listeners about a change that is already committed (see {@link committedNotifier}). */
export type Notify = <E extends EventName>(event: E, payload: EventOf<E>) => void;

/**
 * Tells the listeners about a change that is already committed. Nothing here may turn that change into a reported
 * failure: the figures come from the committing transaction, and a listener's or the event check's error is logged.
 */
export function committedNotifier(events: WorkbenchEvents, log?: (message: string) => void): Notify {
  return (event, payload) => {
    try {
      events.emit(event, payload);
    } catch (error) {
      log?.(`[workbench] ${event} after a committed change: ${(error as Error)?.message ?? String(error)}`);
    }
  };
}

/** The native dialogs, or the error that says what the browser does instead. */
export function requireDialogs(dialogs: WorkbenchDialogs | null, channel: Channel, alternative: string): WorkbenchDialogs {
  if (!dialogs) throw new ValidationError(`'${channel}' is only available in the desktop app; in the browser, ${alternative}.`);
  return dialogs;
}
