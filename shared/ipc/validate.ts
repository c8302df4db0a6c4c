import type { z } from 'zod';
import { NotFoundError, ValidationError, WorkbenchError } from '../errors.ts';
import { CHANNELS, EVENTS, isChannel, type Channel, type EventName, type EventOf, type ParsedRequestOf, type ResponseOf } from './contract.ts';

/** "spec.datasetId" or "(root)" for an issue at the top. */
function issuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((p, k) => (typeof p === 'number' ? `[${p}]` : `${k === 0 ? '' : '.'}${String(p)}`)).join('');
}

/** The longest text of one issue in {@link describeIssues}; a request can hold any number of keys or characters. */
const MAX_ISSUE_CHARS = 200;

/** One issue's text: unknown keys named up to `max` with a count of the rest; any other message cut to a bound. */
function issueText(issue: z.core.$ZodIssue, max: number): string {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.slice(0, max).map((key) => `"${key.length > 40 ? `${key.slice(0, 40)}…` : key}"`);
    const more = issue.keys.length > max ? ` and ${issue.keys.length - max} more` : '';
    return `Unrecognized key${issue.keys.length === 1 ? '' : 's'}: ${keys.join(', ')}${more}`;
  }
  return issue.message.length > MAX_ISSUE_CHARS ? `${issue.message.slice(0, MAX_ISSUE_CHARS)}…` : issue.message;
}

/**
 * Turns zod issues into one readable line naming each field, e.g. "id: Too small: expected number to be >=1": the
 * first `max` issues and a count of the others, so its length is bounded whatever the request holds.
 */
export function describeIssues(error: z.ZodError, max = 3): string {
  const parts = error.issues.slice(0, max).map((issue) => `${issuePath(issue.path).slice(0, 100)}: ${issueText(issue, max)}`);
  const more = error.issues.length > max ? ` (and ${error.issues.length - max} more)` : '';
  return parts.join('; ') + more;
}

/** More keys than any request of the contract has in one object; checked before the schema, whose cost grows with them. */
export const MAX_KEYS_PER_OBJECT = 1000;

/**
 * The first object in `value` (arrays and nested objects included) with more than {@link MAX_KEYS_PER_OBJECT} keys:
 * its path and key count, or null. Linear in the size of the value, and far cheaper than the schema's report.
 */
function oversizedObject(value: unknown): { path: string; keys: number } | null {
  const stack: Array<{ value: unknown; path: string }> = [{ value, path: '(root)' }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (Array.isArray(current)) {
      for (let k = 0; k < current.length; k++) if (typeof current[k] === 'object') stack.push({ value: current[k], path: `${path}[${k}]` });
      continue;
    }
    const keys = Object.keys(current);
    if (keys.length > MAX_KEYS_PER_OBJECT) return { path, keys: keys.length };
    for (const key of keys) {
      const child = (current as Record<string, unknown>)[key];
      if (typeof child === 'object' && child !== null) stack.push({ value: child, path: path === '(root)' ? key.slice(0, 100) : `${path}.${key.slice(0, 100)}` });
    }
  }
  return null;
}

/**
 * Validates a request against its channel's schema.
 * @throws ValidationError (INVALID_ARGUMENT) "Invalid request for 'datasets.get': id: Invalid input: expected int, received string"
 */
export function parseRequest<C extends Channel>(channel: C, request: unknown): ParsedRequestOf<C> {
  const oversized = oversizedObject(request);
  if (oversized) {
    throw new ValidationError(`Invalid request for '${channel}': ${oversized.path} has ${oversized.keys} keys; no request has more than ${MAX_KEYS_PER_OBJECT} in one object.`);
  }
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
