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
  /**
   * Gives an error thrown by a handler its diagnosis before it is mapped to `{code, message}` (the workbench turns
   * SQLite's failures on its database into storage codes naming the file); default: unchanged.
   */
  diagnose?: (error: unknown) => unknown;
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
    } catch (thrown) {
      const error = options.diagnose ? options.diagnose(thrown) : thrown;
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
    case 'DATABASE_READ_ONLY':
    case 'DATABASE_DISK_FULL':
    case 'DATABASE_TRUNCATED':
    case 'DATABASE_DAMAGED':
      return 503;
    case 'DATABASE_TOO_NEW':
    case 'EXPORT_FAILED':
    case 'DATASET_DAMAGED':
    case 'INTERNAL':
      return 500;
  }
}
