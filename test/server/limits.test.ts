/**
 * The browser-mode server's limits against slow and oversized clients, with real sockets and short limits given
 * through the options: slow bodies are closed with or without a token, a refused request's body is not read, silent
 * connections are closed but a long answer is not cut, and error messages stay short.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../shared/errors.ts';
import { MAX_ERROR_MESSAGE, JsonKeyCounter, startHttpServer, type RunningServer } from '../../src-main/server/http-server.ts';
import { createGateway } from '../../src-main/services/gateway.ts';
import { createEventHub } from '../../src-main/services/workbench.ts';
import { createFileRegistry, type FileRegistry } from '../../src-main/services/uploads.ts';
import { exchange as rawExchange, postHead } from '../helpers/raw-http.ts';
import { api } from './helpers.ts';

const TOKEN = 'limits-token-0123456789abcdef';
const IDLE_MS = 300;
let dir: string;
let server: RunningServer;
let files: FileRegistry;
/** Bytes each closed server-side connection had read, in order of closing. */
const bytesReadOnClose: number[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'http-limits-'));
  files = createFileRegistry();
  const dispatch = createGateway({
    'jobs.cancel': async ({ jobId }: { jobId: string }) => {
      if (jobId === 'slow') await new Promise((resolve) => setTimeout(resolve, 3 * IDLE_MS));
      if (jobId === 'long-error') throw new WorkbenchError('NOT_FOUND', `No job ${'x'.repeat(5000)}.`);
      return { cancelled: jobId === 'slow' };
    },
  } as never);
  server = await startHttpServer({
    dispatch,
    events: createEventHub(),
    files,
    token: TOKEN,
    rendererDir: dir,
    bodyTimeoutMs: 400,
    idleTimeoutMs: IDLE_MS,
    lingerMs: 50,
    minUploadBytesPerSecond: 1024 * 1024,
  });
  server.server.on('connection', (socket: Socket) => socket.on('close', () => bytesReadOnClose.push(socket.bytesRead)));
});

afterAll(async () => {
  await server.close();
  await files.close();
  rmSync(dir, { recursive: true, force: true });
});

const exchange = (head: string, chunk: Buffer, everyMs: number, maxBytes?: number) => rawExchange(server.port, head, chunk, everyMs, maxBytes);
const head = (path: string, length: number, token: string | null) => postHead(server.port, path, length, token);

const statusOf = (response: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1]);
const bodyOf = (response: string) => JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4)) as { error: { code: string; message: string } };

describe('HTTP server limits', () => {
  it('answers 408 and closes a connection whose body trickles in (1 byte at a time), with a token', async () => {
    const { response } = await exchange(head('/api/jobs.cancel', 1000, TOKEN), Buffer.from('{'), 50);
    expect(statusOf(response)).toBe(408);
    expect(response).toMatch(/\r\nConnection: close\r\n/i);
    expect(bodyOf(response).error.message).toMatch(/^The request body did not arrive in time \(\d+ bytes in \d+ ms; the limit is 400 ms\)\.$/);
  });

  it('closes an upload that trickles in, measured against its rate allowance', async () => {
    const { response } = await exchange(head('/api/upload?name=slow.csv', 1_000_000, TOKEN), Buffer.from('a,b\n'), 50);
    expect(statusOf(response)).toBe(408);
    expect(bodyOf(response).error.message).toContain('plus 1 s per 1048576 bytes');
  });

  it('answers 401 to a request without a token and closes it without reading its body', async () => {
    const before = bytesReadOnClose.length;
    const { response, sent } = await exchange(head('/api/jobs.cancel', 1024 ** 3, null), Buffer.alloc(64 * 1024, 0x20), 0, 1024 ** 3);
    expect(statusOf(response)).toBe(401);
    expect(bodyOf(response).error.code).toBe('UNAUTHORIZED');
    expect(sent).toBeLessThan(1024 ** 3);
    await expect.poll(() => bytesReadOnClose.length).toBeGreaterThan(before);
    // Node's parser stops reading a request nobody consumes after its first buffers: far below the 1 GiB declared.
    expect(bytesReadOnClose.at(-1)!).toBeLessThan(4 * 1024 * 1024);
  });

  it('closes a slow body without a token at once (401), not after the body timeout', async () => {
    const { response } = await exchange(head('/api/jobs.cancel', 1000, null), Buffer.from('{'), 50);
    expect(statusOf(response)).toBe(401);
  });

  it('closes a connection that sends nothing', async () => {
    const { response } = await exchange('', Buffer.alloc(0), 0, 0);
    expect(response).toBe('');
  });

  it('does not cut an authorised request whose answer takes longer than the idle timeout', async () => {
    const slow = await api(server.port, TOKEN, 'jobs.cancel', { jobId: 'slow' });
    expect([slow.status, JSON.parse(slow.body)]).toEqual([200, { cancelled: true }]);
  });

  it('answers a request with 10^6 unknown keys with a short message, keeping nothing past the bound', async () => {
    const keys = Array.from({ length: 1_000_000 }, (_, k) => `"k${k}":0`).join(',');
    const response = await api(server.port, TOKEN, 'jobs.cancel', `{"jobId":"known",${keys}}`);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toEqual({
      error: { code: 'INVALID_ARGUMENT', message: `Invalid request for 'jobs.cancel': The request has an object with more than 1000 keys; no request has more.` },
    });
    // Below that bound the schema names the first unknown keys and counts the rest.
    const some = await api(server.port, TOKEN, 'jobs.cancel', `{"jobId":"known",${Array.from({ length: 500 }, (_, k) => `"k${k}":0`).join(',')}}`);
    expect(JSON.parse(some.body)).toEqual({
      error: { code: 'INVALID_ARGUMENT', message: `Invalid request for 'jobs.cancel': (root): Unrecognized keys: "k0", "k1", "k2" and 497 more` },
    });
  });

  it('counts keys per object in the raw bytes, skipping strings and escapes, across chunk boundaries', () => {
    const bytes = (text: string) => new TextEncoder().encode(text);
    /** Whether the counter trips, fed in one piece and byte by byte. */
    const trips = (text: string, max: number) => {
      const whole = new JsonKeyCounter(max).feed(bytes(text));
      const counter = new JsonKeyCounter(max);
      const split = [...bytes(text)].some((b) => counter.feed(Uint8Array.of(b)));
      expect(split).toBe(whole);
      return whole;
    };
    const tricky = String.raw`{"a:b":"x\"y:z","c":[{"d":1},{"d":2}],"e":"\\","f":"\\\"g:h"}`;
    expect(Object.keys(JSON.parse(tricky) as object)).toEqual(['a:b', 'c', 'e', 'f']);
    expect(trips(tricky, 4)).toBe(false);
    expect(trips(tricky, 3)).toBe(true);
    expect(trips('{"a":1,"b":{"c":2,"d":3}}', 2)).toBe(false);
    expect(trips('{"a":1,"b":{"c":2,"d":3,"e":4}}', 2)).toBe(true);
    expect(trips('[{"a":1},{"a":1},{"a":1}]', 1)).toBe(false);
  });

  it('cuts a long error message, saying how much was left out', async () => {
    const response = await api(server.port, TOKEN, 'jobs.cancel', { jobId: 'long-error' });
    const { message } = (JSON.parse(response.body) as { error: { message: string } }).error;
    expect(response.status).toBe(404);
    expect(message.length).toBeLessThanOrEqual(MAX_ERROR_MESSAGE);
    expect(message).toMatch(/^No job x+ … \(\d+ more characters\)$/);
    expect(message.length + Number(/\((\d+) more/.exec(message)![1]) - ' … (NNNN more characters)'.length).toBe(`No job ${'x'.repeat(5000)}.`.length);
  });
});
