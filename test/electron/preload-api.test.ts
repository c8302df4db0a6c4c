import { describe, expect, it, vi } from 'vitest';
import { CHANNEL_NAMES, EVENT_CHANNEL, EVENT_NAMES } from '../../shared/ipc/contract.ts';
import { createPreloadApi } from '../../src-main/electron/preload-api.ts';

function fakeIpcRenderer() {
  let eventListener: ((event: unknown, message: unknown) => void) | null = null;
  const invoked: [string, unknown][] = [];
  return {
    invoked,
    push: (message: unknown) => eventListener!({}, message),
    ipc: {
      invoke: async (channel: string, request: unknown) => (invoked.push([channel, request]), { ok: true, value: 'x' }),
      on: (channel: string, listener: (event: unknown, message: unknown) => void) => {
        expect(channel).toBe(EVENT_CHANNEL);
        eventListener = listener;
      },
    },
  };
}

describe('window.workbench (preload)', () => {
  it('forwards only contract channels', async () => {
    const fake = fakeIpcRenderer();
    const api = createPreloadApi(fake.ipc as never);
    expect(api.channels).toEqual(CHANNEL_NAMES);
    expect(api.events).toEqual(EVENT_NAMES);
    await expect(api.invoke('datasets.list', {})).resolves.toEqual({ ok: true, value: 'x' });
    await expect(api.invoke('ELECTRON_BROWSER_REQUIRE', 'fs')).resolves.toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: "Unknown channel 'ELECTRON_BROWSER_REQUIRE'." },
    });
    expect(fake.invoked).toEqual([['datasets.list', {}]]);
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('delivers contract events to their listeners until unsubscribed', () => {
    const fake = fakeIpcRenderer();
    const api = createPreloadApi(fake.ipc as never);
    const listener = vi.fn();
    const off = api.on('job.progress', listener);
    fake.push({ event: 'job.progress', payload: { a: 1 } });
    fake.push({ event: 'job.finished', payload: { b: 2 } });
    fake.push('garbage');
    off();
    fake.push({ event: 'job.progress', payload: { a: 2 } });
    expect(listener.mock.calls).toEqual([[{ a: 1 }]]);
    expect(() => api.on('ipc-message', () => undefined)).toThrow("Unknown event 'ipc-message'.");
  });
});
