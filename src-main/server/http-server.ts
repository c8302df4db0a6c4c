/**
 * Browser mode: the same services as the desktop app, over HTTP on a loopback address.
 *
 *   GET  /, /assets/…          the built renderer (out/renderer), with the strict CSP
 *   POST /api/<channel>        JSON request → JSON response; `Authorization: Bearer <token>`
 *   POST /api/upload?name=F    raw file body → {fileId, name, size} (replaces the open dialog)
 *   GET  /api/events           server-sent events (`event: <name>` + `data: <json>`); token in the
 *                              header, or `?token=` for EventSource
 *
 * Rules, in order: a Host (or Origin, when sent) that is not this server's own address → 403; a
 * missing or wrong token on /api → 401; a malformed or invalid body → 400; every error body is
 * `{"error": {"code", "message"}}`, its message at most {@link MAX_ERROR_MESSAGE} characters.
 *
 * Limits against slow or oversized clients: a request refused before its body is read (403, 401, 405, 413, a bad
 * upload name) is answered with `Connection: close` and its connection closed, its body never read; a body must
 * arrive within `bodyTimeoutMs` (uploads get one more second per `minUploadBytesPerSecond` bytes received), else
 * 408 and the connection is closed, token or not; a connection silent for `idleTimeoutMs` while a request arrives or
 * between requests is closed (not while its authorised request is being answered, nor an event stream).
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { isIP } from 'node:net';
import type { ErrorCode, ErrorPayload } from '../../shared/errors.ts';
import { toErrorPayload } from '../../shared/errors.ts';
import { MAX_KEYS_PER_OBJECT } from '../../shared/ipc/validate.ts';
import type { EventName } from '../../shared/ipc/contract.ts';
import { httpStatusOf, type Dispatch } from '../services/gateway.ts';
import type { FileRegistry } from '../services/uploads.ts';
import { SECURITY_HEADERS } from './security-headers.ts';
import { readStaticFile } from './static-files.ts';

export interface EventSource {
  /** Calls `listener` for every event; returns the unsubscribe function. */
  onAny(listener: (event: EventName, payload: unknown) => void): () => void;
}

export interface HttpServerOptions {
  dispatch: Dispatch;
  events: EventSource;
  files: FileRegistry;
  token: string;
  /** Folder of the built renderer. */
  rendererDir: string;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** 0 = any free port. */
  port?: number;
  /** Largest JSON body; default 32 MiB. */
  maxJsonBytes?: number;
  /** Largest upload; default 1 GiB. */
  maxUploadBytes?: number;
  /** Interval of SSE keep-alive comments; default 15 s. */
  heartbeatMs?: number;
  /** Longest a request body may take to arrive (uploads: see minUploadBytesPerSecond); default 30 s. */
  bodyTimeoutMs?: number;
  /** Uploads get one second more than bodyTimeoutMs per this many bytes received; default 1 MiB. */
  minUploadBytesPerSecond?: number;
  /** Longest silence on a connection while a request arrives or between requests; default 30 s. */
  idleTimeoutMs?: number;
  /** How long a refused request's connection stays half-open so that the client can read the answer; default 500 ms. */
  lingerMs?: number;
}

/** The longest error message sent to a client; longer ones are cut, saying how much was left out. */
export const MAX_ERROR_MESSAGE = 1000;

export interface RunningServer {
  readonly server: Server;
  readonly host: string;
  readonly port: number;
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /** The address to open: origin + `/#token=…`. */
  readonly url: string;
  close(): Promise<void>;
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether an interface is a loopback address (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127(?:\.\d{1,3}){3}$/.test(bare);
}

/**
 * The Host header values this server answers to: `<bound address>:<port>`, plus `localhost:<port>` when
 * bound to loopback; when bound to every interface (0.0.0.0 / ::), any IP literal with our port (a DNS
 * name is what a DNS-rebinding attack would send, so names are refused).
 */
export function isAllowedHostHeader(hostHeader: string | undefined, boundHost: string, port: number): boolean {
  if (!hostHeader) return false;
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:]+):(\d+)$/.exec(hostHeader.trim());
  if (!match || Number(match[2]) !== port) return false;
  const name = match[1]!.toLowerCase();
  const bareBound = boundHost.replace(/^\[|\]$/g, '').toLowerCase();
  const bareName = name.replace(/^\[|\]$/g, '');
  if (bareName === bareBound) return true;
  if (isLoopbackHost(bareBound) && LOOPBACK_NAMES.has(name)) return true;
  if (bareBound === '0.0.0.0' || bareBound === '::') return isIP(bareName) !== 0;
  return false;
}

function tokensEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

/** A message cut to {@link MAX_ERROR_MESSAGE} characters, saying how many were left out. */
export function capMessage(message: string): string {
  if (message.length <= MAX_ERROR_MESSAGE) return message;
  const cut = message.slice(0, MAX_ERROR_MESSAGE - 60);
  return `${cut} … (${message.length - cut.length} more characters)`;
}

function sendError(res: ServerResponse, status: number, error: ErrorPayload): void {
  sendJson(res, status, { error: { code: error.code, message: capMessage(error.message) } });
}

function fail(res: ServerResponse, code: ErrorCode, message: string, status = httpStatusOf(code)): void {
  sendError(res, status, { code, message });
}

/**
 * Reads the whole body, refusing more than `limit` bytes (at once), or an object of more than `keys.max` keys: from
 * the first bytes past that bound nothing more is kept, and the rest (at most `limit`) is only let through so that the
 * client reads the answer instead of a reset connection.
 */
function readBody(req: IncomingMessage, limit: number, keys: JsonKeyCounter): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooMany = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        reject(new BodyTooLarge(limit));
        return;
      }
      if (tooMany || keys.feed(chunk)) {
        tooMany = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooMany) reject(new TooManyKeys(`The request has an object with more than ${keys.max} keys; no request has more.`));
      else resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than the limit of ${limit} bytes.`);
  }
}

/**
 * Counts the keys of every JSON object in a body as its bytes arrive (strings and escapes skipped, across chunk
 * boundaries), so that a body with an object of more than `max` keys is refused from its first bytes past the bound,
 * before the rest is read or JSON.parse builds it (10⁶ keys take seconds to parse and hundreds of MiB to hold).
 */
export class JsonKeyCounter {
  /** Per open container: its key count so far, or −1 for an array. */
  readonly #open: number[] = [];
  #inString = false;
  #escaped = false;
  constructor(readonly max: number) {}

  /** Feeds the next bytes; true once an object has more than `max` keys. */
  feed(bytes: Uint8Array): boolean {
    const open = this.#open;
    for (const byte of bytes) {
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (byte === 0x5c) this.#escaped = true; // backslash
        else if (byte === 0x22) this.#inString = false;
        continue;
      }
      if (byte === 0x22) this.#inString = true;
      else if (byte === 0x7b) open.push(0); // {
      else if (byte === 0x5b) open.push(-1); // [
      else if (byte === 0x7d || byte === 0x5d) open.pop(); // } ]
      else if (byte === 0x3a && open.length > 0 && open[open.length - 1]! >= 0) {
        // A colon at object level ends a key.
        if (++open[open.length - 1]! > this.max) return true;
      }
    }
    return false;
  }
}

class TooManyKeys extends Error {}

/** Why a request's body was cut off: it did not arrive in time. */
class BodyTimeout extends Error {}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const maxJson = options.maxJsonBytes ?? 32 * 1024 * 1024;
  const maxUpload = options.maxUploadBytes ?? 1024 * 1024 * 1024;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const bodyTimeoutMs = options.bodyTimeoutMs ?? 30_000;
  const minUploadRate = options.minUploadBytesPerSecond ?? 1024 * 1024;
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  const lingerMs = options.lingerMs ?? 500;
  const streams = new Set<ServerResponse>();
  /** Connections whose authorised request is being answered (or that carry an event stream): silence is expected. */
  const busy = new Set<Socket>();
  let port = options.port ?? 0;

  /**
   * Answers a request without reading its body, and closes the connection: `Connection: close`, then a half-close
   * once the answer is out, and the socket destroyed `lingerMs` later (so that a client still sending can read it).
   */
  const refuse = (req: IncomingMessage, res: ServerResponse, code: ErrorCode, message: string, status = httpStatusOf(code)) => {
    const socket = req.socket;
    res.shouldKeepAlive = false;
    res.setHeader('Connection', 'close');
    res.on('finish', () => {
      socket.end();
      setTimeout(() => socket.destroy(), lingerMs).unref();
    });
    fail(res, code, message, status);
  };

  /**
   * Bounds the arrival of `req`'s body: `bodyTimeoutMs`, plus one second per `perSecond` bytes received when given
   * (uploads). Past that the client gets 408 and the connection is closed; the readers of the body see an error.
   * Returns the function that ends the guard once the body is in.
   */
  const guardBody = (req: IncomingMessage, res: ServerResponse, perSecond: number | null): (() => void) => {
    const started = performance.now();
    // Counted on the socket: a 'data' listener on the request would start the body flowing before its reader is ready.
    const startBytes = req.socket.bytesRead;
    let received = 0;
    let done = false;
    const allowed = () => bodyTimeoutMs + (perSecond === null ? 0 : (received / perSecond) * 1000);
    const expire = () => {
      received = req.socket.bytesRead - startBytes;
      const left = allowed() - (performance.now() - started);
      if (left > 0) {
        timer = setTimeout(expire, left);
        return;
      }
      stop();
      const error = new BodyTimeout(
        `The request body did not arrive in time (${received} bytes in ${Math.round(performance.now() - started)} ms; the limit is ${bodyTimeoutMs} ms` +
          `${perSecond === null ? '' : ` plus 1 s per ${perSecond} bytes`}).`,
      );
      if (!res.headersSent) refuse(req, res, 'INVALID_ARGUMENT', error.message, 408);
      // The readers of the body (readBody, an upload's file) stop with this error once the answer is out.
      res.on('finish', () => req.destroy(error));
      if (res.headersSent && res.writableFinished) req.destroy(error);
    };
    let timer = setTimeout(expire, bodyTimeoutMs);
    const stop = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
    };
    req.once('end', stop);
    req.once('close', stop);
    return stop;
  };

  const originOk = (req: IncomingMessage): boolean => {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    try {
      const parsed = new URL(origin);
      return parsed.protocol === 'http:' && isAllowedHostHeader(parsed.host, host, port) && parsed.host === req.headers.host;
    } catch {
      return false;
    }
  };

  const tokenOf = (req: IncomingMessage, url: URL, allowQuery: boolean): string | null => {
    const header = req.headers.authorization;
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      return match ? match[1]! : null;
    }
    return allowQuery ? url.searchParams.get('token') : null;
  };

  const handleEvents = (req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(': connected\n\n');
    streams.add(res);
    const unsubscribe = options.events.onAny((event, payload) => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatMs);
    heartbeat.unref();
    const stop = () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    };
    req.on('close', stop);
    res.on('close', stop);
  };

  const handleUpload = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const name = url.searchParams.get('name');
    if (!name || name.length > 200) {
      refuse(req, res, 'INVALID_ARGUMENT', "POST /api/upload needs ?name=<file name> (1 to 200 characters).");
      return;
    }
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > maxUpload) {
      refuse(req, res, 'INVALID_ARGUMENT', `Upload '${name}' is larger than the limit of ${maxUpload} bytes.`, 413);
      return;
    }
    const received = guardBody(req, res, minUploadRate);
    try {
      const ref = await options.files.storeStream(name, req, maxUpload);
      received();
      sendJson(res, 200, ref);
    } catch (error) {
      received();
      if (res.headersSent) return;
      const payload = toErrorPayload(error);
      if (payload.message.includes('larger than the limit')) refuse(req, res, payload.code, payload.message, 413);
      else sendError(res, httpStatusOf(payload.code), payload);
    }
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const name = url.pathname.slice('/api/'.length);
    const isEvents = name === 'events';
    const given = tokenOf(req, url, isEvents);
    if (!given || !tokensEqual(given, options.token)) {
      refuse(req, res, 'UNAUTHORIZED', given ? 'Wrong access token.' : 'Missing access token: send `Authorization: Bearer <token>`.');
      return;
    }
    if (isEvents) {
      if (req.method !== 'GET') return refuse(req, res, 'INVALID_ARGUMENT', 'Use GET for /api/events.', 405);
      markBusy(req, res);
      return handleEvents(req, res);
    }
    if (req.method !== 'POST') return refuse(req, res, 'INVALID_ARGUMENT', `Use POST for /api/${name.slice(0, 100)}.`, 405);
    if (name === 'upload') return handleUpload(req, res, url);

    let body: Buffer;
    const received = guardBody(req, res, null);
    try {
      body = await readBody(req, maxJson, new JsonKeyCounter(MAX_KEYS_PER_OBJECT));
    } catch (error) {
      received();
      if (error instanceof BodyTooLarge) return refuse(req, res, 'INVALID_ARGUMENT', error.message, 413);
      if (error instanceof TooManyKeys) return fail(res, 'INVALID_ARGUMENT', `Invalid request for '${name.slice(0, 100)}': ${error.message}`);
      if (error instanceof BodyTimeout || res.headersSent) return;
      throw error;
    }
    received();
    // The whole request is in: what follows is ours to answer, however long it takes.
    markBusy(req, res);
    let request: unknown = {};
    if (body.length > 0) {
      let text: string;
      try {
        // Strict: invalid bytes would otherwise become U+FFFD and be stored as such (a name turned into "���").
        text = new TextDecoder('utf-8', { fatal: true }).decode(body);
      } catch {
        return fail(res, 'INVALID_ARGUMENT', 'The request body is not valid UTF-8; JSON requests must be UTF-8 text.');
      }
      try {
        request = JSON.parse(text);
      } catch (error) {
        return fail(res, 'INVALID_ARGUMENT', `The request body is not valid JSON: ${(error as Error).message}`);
      }
    }
    const envelope = await options.dispatch(name, request);
    if (envelope.ok) sendJson(res, 200, envelope.value);
    else sendError(res, httpStatusOf(envelope.error.code), envelope.error);
  };

  /** Exempts the connection from the idle timeout until the answer to `req` is complete. */
  const markBusy = (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    busy.add(socket);
    res.once('close', () => busy.delete(socket));
  };

  const handleStatic = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(req, res, 'INVALID_ARGUMENT', 'Method not allowed.', 405);
    const file = await readStaticFile(options.rendererDir, url.pathname);
    if (!file) return fail(res, 'NOT_FOUND', `Not found: ${url.pathname.slice(0, 200)}`);
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': file.contentType,
      'Content-Length': String(file.body.length),
      'Cache-Control': file.path.endsWith('.html') ? 'no-store' : 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  };

  const server = createServer((req, res) => {
    const route = async () => {
      if (!isAllowedHostHeader(req.headers.host, host, port)) {
        return refuse(req, res, 'FORBIDDEN', `Host ${JSON.stringify(String(req.headers.host ?? '').slice(0, 100))} is not this server's address.`);
      }
      if (!originOk(req)) {
        return refuse(req, res, 'FORBIDDEN', `Origin ${JSON.stringify(String(req.headers.origin).slice(0, 100))} is not allowed.`);
      }
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return handleApi(req, res, url);
      return handleStatic(req, res, url);
    };
    route().catch((error: unknown) => {
      // The message only (no stack) goes to the client.
      if (!res.headersSent) sendError(res, 500, toErrorPayload(error));
      else res.destroy();
    });
  });
  server.headersTimeout = Math.min(30_000, idleTimeoutMs);
  // Bodies are bounded by guardBody (uploads may take long, event streams never end), not by Node's requestTimeout.
  server.requestTimeout = 0;
  server.keepAliveTimeout = Math.min(5_000, idleTimeoutMs);
  server.timeout = idleTimeoutMs;
  server.on('timeout', (socket: Socket) => {
    if (!busy.has(socket)) socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const hostInUrl = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const origin = `http://${hostInUrl}:${port}`;

  return {
    server,
    host,
    port,
    origin,
    url: `${origin}/#token=${options.token}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of streams) stream.end();
        streams.clear();
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
