/**
 * The one gateway both transports use (Electron IPC and the browser-mode HTTP server):
 * channel name checked → request validated against the contract → handler → response validated →
 * any thrown error mapped to `{code, message}` (shared/errors.ts). It never throws.
 */
import { toErrorPayload, type ErrorCode } from '../../shared/errors.ts';
import type { Envelope, HandlerMap } from '../../shared/ipc/contract.ts';
import { assertChannel, parseRequest, parseResponse } from '../../shared/ipc/validate.ts';

export type Dispatch = (channel: string, request: unknown) => Promise<Envelope<unknown>>;

export interface GatewayOptions {
  /** Called with unexpected (INTERNAL) errors, for the log. Expected errors are not logged. */
  onInternalError?: (channel: string, error: unknown) => void;
}

export function createGateway(handlers: HandlerMap, options: GatewayOptions = {}): Dispatch {
  return async (name, request) => {
    let channel = name;
    try {
      const checked = assertChannel(name);
      channel = checked;
      const parsed = parseRequest(checked, request === undefined ? {} : request);
      const handler = handlers[checked] as (req: unknown) => unknown;
      const value = parseResponse(checked, await handler(parsed));
      return { ok: true, value };
    } catch (error) {
      const payload = toErrorPayload(error);
      if (payload.code === 'INTERNAL') options.onInternalError?.(channel, error);
      return { ok: false, error: payload };
    }
  };
}

/** The HTTP status of an error code (browser mode). */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case 'INVALID_ARGUMENT':
    case 'CONSTRAINT_INVALID':
    case 'IMPORT_FAILED':
      return 400;
    case 'UNAUTHORIZED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'JOB_CANCELLED':
      return 409;
    case 'NON_PSD':
    case 'NUMERICAL':
    case 'JOB_FAILED':
      return 422;
    case 'DATABASE_TOO_NEW':
    case 'DATASET_DAMAGED':
    case 'INTERNAL':
      return 500;
  }
}
