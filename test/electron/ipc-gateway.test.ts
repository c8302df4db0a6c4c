import { describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, EVENT_CHANNEL } from '../../shared/ipc/contract.ts';
import { registerIpcGateway, sendEvent } from '../../src-main/electron/ipc-gateway.ts';
import { createGateway } from '../../src-main/services/gateway.ts';

const ours = { id: 1 };
const frame = (url: string, parent: unknown = null) => ({ url, parent });

function setup() {
  const handlers = new Map<string, (event: unknown, request: unknown) => Promise<unknown>>();
  const ipcMain = {
    handle: (channel: string, fn: (event: unknown, request: unknown) => Promise<unknown>) => handlers.set(channel, fn),
    removeHandler: (channel: string) => handlers.delete(channel),
  };
  const dispatched: [string, unknown][] = [];
  const dispatch = createGateway({
    'jobs.cancel': ({ jobId }: { jobId: string }) => (dispatched.push(['jobs.cancel', jobId]), { cancelled: jobId === 'j1' }),
  } as never);
  const remove = registerIpcGateway(ipcMain as never, dispatch, { isOurContents: (c) => c === ours });
  return { handlers, remove, dispatched };
}

describe('the IPC gateway', () => {
  it('registers exactly one handler per contract channel, and removes them', () => {
    const { handlers, remove } = setup();
    expect([...handlers.keys()]).toEqual(CHANNEL_NAMES);
    remove();
    expect(handlers.size).toBe(0);
  });

  it('validates payloads from our window and answers with envelopes', async () => {
    const { handlers, dispatched } = setup();
    const event = { sender: ours, senderFrame: frame('app://workbench/index.html') };
    await expect(handlers.get('jobs.cancel')!(event, { jobId: 'j1' })).resolves.toEqual({ ok: true, value: { cancelled: true } });
    await expect(handlers.get('jobs.cancel')!(event, { jobId: 'j1', extra: true })).resolves.toEqual({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', message: `Invalid request for 'jobs.cancel': (root): Unrecognized key: "extra"` },
    });
    expect(dispatched).toEqual([['jobs.cancel', 'j1']]);
  });

  it('refuses other senders before looking at the payload', async () => {
    const { handlers, dispatched } = setup();
    const cases: [unknown, string][] = [
      [{ sender: { id: 2 }, senderFrame: frame('app://workbench/index.html') }, 'the sender is not a window of this app'],
      [{ sender: ours, senderFrame: frame('https://evil.example/') }, 'the sender\'s URL "https://evil.example/" is not app://workbench'],
      [{ sender: ours, senderFrame: frame('file:///tmp/x.html') }, 'the sender\'s URL "file:///tmp/x.html" is not app://workbench'],
      [{ sender: ours, senderFrame: frame('app://workbench/index.html', {}) }, 'the sender is a sub-frame'],
      [{ sender: ours, senderFrame: null }, 'the sending frame is gone'],
    ];
    for (const [event, reason] of cases) {
      await expect(handlers.get('jobs.cancel')!(event, { jobId: 'j1' })).resolves.toEqual({
        ok: false,
        error: { code: 'FORBIDDEN', message: `IPC 'jobs.cancel' refused: ${reason}.` },
      });
    }
    expect(dispatched).toEqual([]);
  });

  it('pushes events on one channel, not to destroyed windows', () => {
    const sent: unknown[] = [];
    const contents = { destroyed: false, send: (...args: unknown[]) => sent.push(args), isDestroyed() { return this.destroyed; } };
    sendEvent(contents, 'constraints.changed', { datasetId: 1, count: 2 });
    contents.destroyed = true;
    sendEvent(contents, 'constraints.changed', { datasetId: 1, count: 3 });
    expect(sent).toEqual([[EVENT_CHANNEL, { event: 'constraints.changed', payload: { datasetId: 1, count: 2 } }]]);
  });
});
