import type { PreloadApi } from '../../../../shared/ipc/contract.ts';
import { connect, type WorkbenchClient } from '../../../../shared/ipc/client.ts';
import type { Backend } from './backend.ts';

declare global {
  interface Window {
    /** Exposed by the desktop app's preload (contextBridge); absent in the browser mode. */
    workbench?: PreloadApi;
  }
}

/** Wraps the contract's typed client as the UI's Backend. */
export function backendFromClient(client: WorkbenchClient): Backend {
  return {
    mode: client.transport.kind === 'electron' ? 'electron' : 'browser',
    call: (channel, request) => client.call(channel, request),
    on: (event, listener) => client.subscribe(event, listener),
    async upload(file, onProgress) {
      onProgress?.(0);
      const ref = await client.upload(file.name, file);
      onProgress?.(1);
      return ref;
    },
  };
}

/** The backend for where this page runs: the preload bridge (desktop) or HTTP with the #token (browser). */
export function createBackend(): Backend {
  return backendFromClient(connect({ bridge: window.workbench ?? null, locationHash: window.location.hash }));
}
