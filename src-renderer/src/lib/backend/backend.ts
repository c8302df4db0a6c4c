import type { Channel, EventName, EventOf, RequestOf, ResponseOf } from '../../../../shared/ipc/contract.ts';
import type { FileRef } from './types.ts';

/**
 * Everything the UI needs from the platform. The desktop app (Electron preload) and the browser mode
 * (HTTP + SSE) both implement it through shared/ipc/client.ts; tests pass a fake.
 */
export interface Backend {
  /** 'electron' has native open/save dialogs; 'browser' uploads and downloads files instead. */
  readonly mode: 'electron' | 'browser';
  /** Calls one channel of the contract; rejects with a WorkbenchError `{code, message}`. */
  call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  /** Subscribes to an event pushed by main; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
  /** Sends a file the user dropped or chose in a file input; returns its id for preview/import. */
  upload(file: File, onProgress?: (fraction: number) => void): Promise<FileRef>;
}

/** A short, human message for anything thrown by a backend call. */
export function errorMessage(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error && typeof error.message === 'string') return error.message;
  return String(error);
}
