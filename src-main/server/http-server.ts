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
 * `{"error": {"code", "message"}}`.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import type { ErrorCode, ErrorPayload } from '../../shared/errors.ts';
import { toErrorPayload } from '../../shared/errors.ts';
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
}

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
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, error: ErrorPayload): void {
  sendJson(res, status, { error });
}

function fail(res: ServerResponse, code: ErrorCode, message: string, status = httpStatusOf(code)): void {
  sendError(res, status, { code, message });
}

/** Reads the whole body, refusing more than `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLarge(limit));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge(limit));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than the limit of ${limit} bytes.`);
  }
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const maxJson = options.maxJsonBytes ?? 32 * 1024 * 1024;
  const maxUpload = options.maxUploadBytes ?? 1024 * 1024 * 1024;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const streams = new Set<ServerResponse>();
  let port = options.port ?? 0;

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
      fail(res, 'INVALID_ARGUMENT', "POST /api/upload needs ?name=<file name> (1 to 200 characters).");
      req.resume();
      return;
    }
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > maxUpload) {
      fail(res, 'INVALID_ARGUMENT', `Upload '${name}' is larger than the limit of ${maxUpload} bytes.`, 413);
      req.resume();
      return;
    }
    try {
      const ref = await options.files.storeStream(name, req, maxUpload);
      sendJson(res, 200, ref);
    } catch (error) {
      const payload = toErrorPayload(error);
      sendError(res, payload.message.includes('larger than the limit') ? 413 : httpStatusOf(payload.code), payload);
    }
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const name = url.pathname.slice('/api/'.length);
    const isEvents = name === 'events';
    const given = tokenOf(req, url, isEvents);
    if (!given || !tokensEqual(given, options.token)) {
      req.resume();
      fail(res, 'UNAUTHORIZED', given ? 'Wrong access token.' : 'Missing access token: send `Authorization: Bearer <token>`.');
      return;
    }
    if (isEvents) {
      if (req.method !== 'GET') return fail(res, 'INVALID_ARGUMENT', 'Use GET for /api/events.', 405);
      return handleEvents(req, res);
    }
    if (req.method !== 'POST') {
      req.resume();
      return fail(res, 'INVALID_ARGUMENT', `Use POST for /api/${name.slice(0, 100)}.`, 405);
    }
    if (name === 'upload') return handleUpload(req, res, url);

    let body: Buffer;
    try {
      body = await readBody(req, maxJson);
    } catch (error) {
      if (error instanceof BodyTooLarge) return fail(res, 'INVALID_ARGUMENT', error.message, 413);
      throw error;
    }
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

  const handleStatic = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      req.resume();
      return fail(res, 'INVALID_ARGUMENT', 'Method not allowed.', 405);
    }
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
        req.resume();
        return fail(res, 'FORBIDDEN', `Host ${JSON.stringify(String(req.headers.host ?? '').slice(0, 100))} is not this server's address.`);
      }
      if (!originOk(req)) {
        req.resume();
        return fail(res, 'FORBIDDEN', `Origin ${JSON.stringify(String(req.headers.origin).slice(0, 100))} is not allowed.`);
      }
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return handleApi(req, res, url);
      return handleStatic(req, res, url);
    };
    route().catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 500, toErrorPayload(error));
      else res.destroy();
    });
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 0; // uploads and the event stream may take long; idle sockets still time out

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
