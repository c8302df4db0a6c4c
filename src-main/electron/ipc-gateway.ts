/**
 * The only place that calls `ipcMain.handle`: one handler per contract channel, each of which first
 * checks that the message comes from our own window's top frame on app://workbench, then hands the
 * payload to the shared gateway (validation against the contract, handler, error mapping).
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { CHANNEL_NAMES, EVENT_CHANNEL, type Envelope, type EventName, type EventOf } from '../../shared/ipc/contract.ts';
import type { Dispatch } from '../services/gateway.ts';
import { isAppUrl } from './app-protocol.ts';

export interface IpcGatewayOptions {
  /** The web contents we created; a message from any other is refused. */
  isOurContents(contents: WebContents): boolean;
}

/** Why a sender is refused, or null when it is trusted. */
export function senderRejection(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, options: IpcGatewayOptions): string | null {
  const frame = event.senderFrame;
  if (!frame) return 'the sending frame is gone';
  if (!options.isOurContents(event.sender)) return 'the sender is not a window of this app';
  if (frame.parent !== null) return 'the sender is a sub-frame';
  if (!isAppUrl(frame.url)) return `the sender's URL ${JSON.stringify(frame.url.slice(0, 200))} is not app://workbench`;
  return null;
}

/** Registers every channel; returns a function that removes them again. */
export function registerIpcGateway(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, dispatch: Dispatch, options: IpcGatewayOptions): () => void {
  for (const channel of CHANNEL_NAMES) {
    ipcMain.handle(channel, async (event, request: unknown): Promise<Envelope<unknown>> => {
      const rejection = senderRejection(event, options);
      if (rejection) return { ok: false, error: { code: 'FORBIDDEN', message: `IPC '${channel}' refused: ${rejection}.` } };
      return dispatch(channel, request);
    });
  }
  return () => {
    for (const channel of CHANNEL_NAMES) ipcMain.removeHandler(channel);
  };
}

/** Pushes one contract event to a window (no-op once it is destroyed). */
export function sendEvent<E extends EventName>(contents: Pick<WebContents, 'send' | 'isDestroyed'>, event: E, payload: EventOf<E>): void {
  if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, { event, payload });
}
