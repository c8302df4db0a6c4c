/**
 * `window.workbench`, built from the contract: `invoke` accepts only contract channels and `on` only
 * contract events, so the renderer never gets ipcRenderer itself. Kept separate from preload.ts so
 * that it can be tested without Electron.
 */
import type { IpcRenderer } from 'electron';
import { CHANNEL_NAMES, EVENT_CHANNEL, EVENT_NAMES, type Envelope, type PreloadApi } from '../../shared/ipc/contract.ts';

export function createPreloadApi(ipcRenderer: Pick<IpcRenderer, 'invoke' | 'on'>): PreloadApi {
  const channels = new Set<string>(CHANNEL_NAMES);
  const events = new Set<string>(EVENT_NAMES);
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  ipcRenderer.on(EVENT_CHANNEL, (_event, message: unknown) => {
    if (typeof message !== 'object' || message === null) return;
    const { event, payload } = message as { event?: unknown; payload?: unknown };
    if (typeof event !== 'string') return;
    for (const listener of listeners.get(event) ?? []) listener(payload);
  });

  return Object.freeze({
    channels: Object.freeze([...CHANNEL_NAMES]),
    events: Object.freeze([...EVENT_NAMES]),
    invoke(channel: string, request: unknown): Promise<Envelope<unknown>> {
      if (typeof channel !== 'string' || !channels.has(channel)) {
        return Promise.resolve({ ok: false, error: { code: 'NOT_FOUND', message: `Unknown channel '${String(channel).slice(0, 100)}'.` } });
      }
      return ipcRenderer.invoke(channel, request) as Promise<Envelope<unknown>>;
    },
    on(event: string, listener: (payload: unknown) => void): () => void {
      if (typeof event !== 'string' || !events.has(event)) throw new TypeError(`Unknown event '${String(event).slice(0, 100)}'.`);
      if (typeof listener !== 'function') throw new TypeError('The listener must be a function.');
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
  });
}
