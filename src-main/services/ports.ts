/**
 * What the handlers need from their surroundings, declared apart from the composition root
 * (services/workbench.ts) so that the handlers do not import the module that builds them.
 */
import type { EventName, EventOf } from '../../shared/ipc/contract.ts';

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
