/**
 * The renderer's typed client, derived from the contract: `client.call('datasets.list', {})` or
 * `client['datasets.list']({})`, plus `client.subscribe(event, cb)` and `client.upload(name, bytes)`.
 * Responses and event payloads are validated against the contract; errors arrive as typed
 * {@link WorkbenchError}s (`error.code` from shared/errors.ts).
 *
 * Two transports: the Electron preload bridge (`window.workbench`, see {@link createPreloadTransport})
 * and HTTP (`POST /api/<channel>` with a bearer token, events as server-sent events on /api/events,
 * see {@link createHttpTransport}).
 */
import '../domain/zod-config.ts';
import { fromErrorPayload, isErrorPayload, WorkbenchError, type ErrorPayload } from '../errors.ts';
import { bytesToBase64 } from './base64.ts';
import {
  CHANNEL_NAMES,
  EVENTS,
  isEventName,
  type Channel,
  type Envelope,
  type EventName,
  type EventOf,
  type PreloadApi,
  type RequestOf,
  type ResponseOf,
  type TypedApi,
} from './contract.ts';
import { parseEvent, parseResponse } from './validate.ts';

/** Anything with bytes: a Uint8Array, or a File/Blob (which has `arrayBuffer()`). */
export type UploadBody = Uint8Array | { arrayBuffer(): Promise<ArrayBuffer>; readonly size: number };

export interface Transport {
  readonly kind: 'electron' | 'http';
  invoke(channel: Channel, request: unknown): Promise<Envelope<unknown>>;
  /** Subscribes to one event; returns the unsubscribe function. */
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
  /** Sends file content; resolves to the `files.upload` response envelope. */
  upload(name: string, body: UploadBody): Promise<Envelope<unknown>>;
}

export type WorkbenchClient = TypedApi & {
  readonly transport: Transport;
  call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  subscribe<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
  /** Uploads file content (browser file input or drag and drop) → a file id for preview/import. */
  upload(name: string, body: UploadBody): Promise<ResponseOf<'files.upload'>>;
};

function unwrap<C extends Channel>(channel: C, envelope: Envelope<unknown>): ResponseOf<C> {
  if (!envelope || typeof envelope !== 'object') {
    throw new WorkbenchError('INTERNAL', `Malformed reply from '${channel}'.`);
  }
  if (envelope.ok) return parseResponse(channel, envelope.value);
  throw fromErrorPayload(isErrorPayload(envelope.error) ? envelope.error : { code: 'INTERNAL', message: String(envelope.error) });
}

export function createClient(transport: Transport): WorkbenchClient {
  const call = async <C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> =>
    unwrap(channel, await transport.invoke(channel, request));

  const subscribe = <E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): (() => void) => {
    if (!isEventName(event)) throw new WorkbenchError('INVALID_ARGUMENT', `Unknown event '${String(event)}'.`);
    return transport.subscribe(event, (payload) => {
      const checked = EVENTS[event].safeParse(payload);
      if (checked.success) listener(parseEvent(event, payload));
    });
  };

  const upload = async (name: string, body: UploadBody) => unwrap('files.upload', await transport.upload(name, body));

  const api = Object.fromEntries(
    CHANNEL_NAMES.map((channel) => [channel, (request: unknown) => call(channel, request as never)]),
  ) as unknown as TypedApi;

  return Object.assign(api, { transport, call, subscribe, upload });
}

async function toBytes(body: UploadBody): Promise<Uint8Array> {
  return body instanceof Uint8Array ? body : new Uint8Array(await body.arrayBuffer());
}

// ---------------------------------------------------------------------------------------------
// Transport 1: the Electron preload bridge.
// ---------------------------------------------------------------------------------------------

export function createPreloadTransport(bridge: PreloadApi): Transport {
  return {
    kind: 'electron',
    invoke: (channel, request) => bridge.invoke(channel, request),
    subscribe: (event, listener) => bridge.on(event, listener),
    upload: async (name, body) => bridge.invoke('files.upload', { name, base64: bytesToBase64(await toBytes(body)) }),
  };
}

// ---------------------------------------------------------------------------------------------
// Transport 2: HTTP + server-sent events (browser mode).
// ---------------------------------------------------------------------------------------------

type FetchLike = (input: string, init?: {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
}) => Promise<{
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
  body: { getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(): Promise<void> } } | null;
}>;

export interface HttpTransportOptions {
  token: string;
  /** Origin of the server, '' for the page's own origin. */
  baseUrl?: string;
  fetch?: FetchLike;
  /** Delay before reconnecting the event stream after it drops (ms). */
  reconnectMs?: number;
}

async function toEnvelope(response: Awaited<ReturnType<FetchLike>>): Promise<Envelope<unknown>> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return { ok: false, error: { code: 'INTERNAL', message: `The server answered HTTP ${response.status} without JSON.` } };
  }
  if (response.ok) return { ok: true, value: body };
  const error = (body as { error?: unknown } | null)?.error;
  return {
    ok: false,
    error: isErrorPayload(error) ? error : ({ code: 'INTERNAL', message: `HTTP ${response.status}` } satisfies ErrorPayload),
  };
}

/** Splits a server-sent-events byte stream into `{event, data}` records. */
export function createSseParser(onMessage: (event: string, data: string) => void): (chunk: string) => void {
  let buffer = '';
  return (chunk) => {
    buffer += chunk.replace(/\r\n?/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const record = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of record.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length) onMessage(event, data.join('\n'));
    }
  };
}

export function createHttpTransport(options: HttpTransportOptions): Transport {
  const base = options.baseUrl ?? '';
  const doFetch: FetchLike = options.fetch ?? (globalThis.fetch as unknown as FetchLike);
  const auth = { Authorization: `Bearer ${options.token}` };
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let stream: AbortController | null = null;

  const dispatch = (event: string, data: string) => {
    const set = listeners.get(event);
    if (!set) return;
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      return;
    }
    for (const listener of set) listener(payload);
  };

  const openStream = () => {
    const controller = new AbortController();
    stream = controller;
    const parse = createSseParser(dispatch);
    const decoder = new TextDecoder();
    const loop = async () => {
      const response = await doFetch(`${base}/api/events`, { headers: { ...auth, Accept: 'text/event-stream' }, signal: controller.signal });
      if (!response.ok || !response.body) throw new Error(`event stream: HTTP ${response.status}`);
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (value) parse(decoder.decode(value, { stream: true }));
      }
    };
    loop()
      .catch(() => undefined)
      .finally(() => {
        if (stream === controller && !controller.signal.aborted) {
          stream = null;
          setTimeout(() => {
            if (!stream && listeners.size > 0) openStream();
          }, options.reconnectMs ?? 1000);
        }
      });
  };

  return {
    kind: 'http',
    async invoke(channel, request) {
      try {
        const response = await doFetch(`${base}/api/${channel}`, {
          method: 'POST',
          headers: { ...auth, 'Content-Type': 'application/json' },
          body: JSON.stringify(request ?? {}),
        });
        return await toEnvelope(response);
      } catch (error) {
        return { ok: false, error: { code: 'INTERNAL', message: `Cannot reach the workbench server: ${(error as Error).message}` } };
      }
    },
    subscribe(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      if (!stream) openStream();
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(event);
        if (listeners.size === 0 && stream) {
          const s = stream;
          stream = null;
          s.abort();
        }
      };
    },
    async upload(name, body) {
      try {
        const response = await doFetch(`${base}/api/upload?name=${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { ...auth, 'Content-Type': 'application/octet-stream' },
          body: await toBytes(body),
        });
        return await toEnvelope(response);
      } catch (error) {
        return { ok: false, error: { code: 'INTERNAL', message: `Upload failed: ${(error as Error).message}` } };
      }
    },
  };
}

/**
 * Picks the transport for where the renderer runs: the preload bridge when the desktop app exposed
 * one, else HTTP with the token from the page's `#token=…` fragment (browser mode).
 * @throws WorkbenchError UNAUTHORIZED when neither is available.
 */
export function connect(env: { bridge?: PreloadApi | null; locationHash?: string; token?: string | null; baseUrl?: string }): WorkbenchClient {
  if (env.bridge) return createClient(createPreloadTransport(env.bridge));
  const token = env.token ?? tokenFromHash(env.locationHash ?? '');
  if (!token) {
    throw new WorkbenchError(
      'UNAUTHORIZED',
      'No access token: open the address printed by `npm run serve` (it ends with #token=…).',
    );
  }
  return createClient(createHttpTransport({ token, baseUrl: env.baseUrl ?? '' }));
}

/** Reads `token` from a location hash such as `#token=abc` or `#/label?x=1&token=abc`. */
export function tokenFromHash(hash: string): string | null {
  const match = /(?:^#|[#&?/])token=([A-Za-z0-9_-]+)/.exec(hash);
  return match ? match[1]! : null;
}
