import type { z } from 'zod';
import { NotFoundError, ValidationError, WorkbenchError } from '../errors.ts';
import { CHANNELS, EVENTS, isChannel, type Channel, type EventName, type EventOf, type ParsedRequestOf, type ResponseOf } from './contract.ts';

/** "spec.datasetId" or "(root)" for an issue at the top. */
function issuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((p, k) => (typeof p === 'number' ? `[${p}]` : `${k === 0 ? '' : '.'}${String(p)}`)).join('');
}

/** Turns zod issues into one readable line naming each field, e.g. "id: Too small: expected number to be >=1". */
export function describeIssues(error: z.ZodError, max = 3): string {
  const parts = error.issues.slice(0, max).map((issue) => `${issuePath(issue.path)}: ${issue.message}`);
  const more = error.issues.length > max ? ` (and ${error.issues.length - max} more)` : '';
  return parts.join('; ') + more;
}

/**
 * Validates a request against its channel's schema.
 * @throws ValidationError (INVALID_ARGUMENT) "Invalid request for 'datasets.get': id: Invalid input: expected int, received string"
 */
export function parseRequest<C extends Channel>(channel: C, request: unknown): ParsedRequestOf<C> {
  const result = CHANNELS[channel].request.safeParse(request);
  if (!result.success) throw new ValidationError(`Invalid request for '${channel}': ${describeIssues(result.error)}`);
  return result.data as ParsedRequestOf<C>;
}

/** Validates (and strips) a response. A mismatch is a bug on the answering side: INTERNAL. */
export function parseResponse<C extends Channel>(channel: C, response: unknown): ResponseOf<C> {
  const result = CHANNELS[channel].response.safeParse(response);
  if (!result.success) {
    throw new WorkbenchError('INTERNAL', `Invalid response from '${channel}': ${describeIssues(result.error)}`);
  }
  return result.data as ResponseOf<C>;
}

export function parseEvent<E extends EventName>(event: E, payload: unknown): EventOf<E> {
  const result = EVENTS[event].safeParse(payload);
  if (!result.success) throw new WorkbenchError('INTERNAL', `Invalid payload for event '${event}': ${describeIssues(result.error)}`);
  return result.data as EventOf<E>;
}

/** @throws NotFoundError naming the unknown channel. */
export function assertChannel(name: string): Channel {
  if (!isChannel(name)) {
    throw new NotFoundError(`Unknown channel '${name.slice(0, 100)}'.`);
  }
  return name;
}
