import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, createHttpTransport } from '../../shared/ipc/client.ts';
import type { EventName } from '../../shared/ipc/contract.ts';
import { isAllowedHostHeader, startHttpServer, type RunningServer } from '../../src-main/server/http-server.ts';
import { CONTENT_SECURITY_POLICY } from '../../src-main/server/security-headers.ts';
import { createGateway } from '../../src-main/services/gateway.ts';
import { createEventHub } from '../../src-main/services/workbench.ts';
import { createFileRegistry, type FileRegistry } from '../../src-main/services/uploads.ts';
import { api, rawRequest } from './helpers.ts';

const TOKEN = 'test-token-0123456789abcdef';
let dir: string;
let server: RunningServer;
let files: FileRegistry;
const events = createEventHub();
const calls: unknown[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'http-server-'));
  const renderer = join(dir, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Metric Workbench</title>');
  writeFileSync(join(renderer, 'assets', 'app.js'), 'export {}');
  writeFileSync(join(dir, 'secret.txt'), 'outside');
  files = createFileRegistry();
  const dispatch = createGateway({
    'jobs.cancel': ({ jobId }: { jobId: string }) => (calls.push(jobId), { cancelled: jobId === 'known' }),
  } as never);
  server = await startHttpServer({ dispatch, events, files, token: TOKEN, rendererDir: renderer, heartbeatMs: 50 });
});

afterAll(async () => {
  await server.close();
  await files.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('browser-mode HTTP server', () => {
  it('listens on 127.0.0.1 and prints the address with the token', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${TOKEN}`);
  });

  it('serves the renderer with the CSP and refuses paths outside it', async () => {
    const index = await rawRequest(server.port, { path: '/' });
    expect(index.status).toBe(200);
    expect(index.body).toBe('<!doctype html><title>Metric Workbench</title>');
    expect(index.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['x-frame-options']).toBe('DENY');
    expect((await rawRequest(server.port, { path: '/assets/app.js' })).headers['content-type']).toBe('text/javascript; charset=utf-8');
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/nope.js']) {
      const response = await rawRequest(server.port, { path });
      expect([path, response.status]).toEqual([path, 404]);
      expect(response.body).not.toContain('outside');
    }
  });

  it('answers a valid call and validates the payload (400 naming the field)', async () => {
    const ok = await api(server.port, TOKEN, 'jobs.cancel', { jobId: 'known' });
    expect([ok.status, JSON.parse(ok.body)]).toEqual([200, { cancelled: true }]);
    const bad = await api(server.port, TOKEN, 'jobs.cancel', { jobId: 5 });
    expect([bad.status, JSON.parse(bad.body)]).toEqual([
      400,
      { error: { code: 'INVALID_ARGUMENT', message: "Invalid request for 'jobs.cancel': jobId: Invalid input: expected string, received number" } },
    ]);
    const notJson = await api(server.port, TOKEN, 'jobs.cancel', '{"jobId":');
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).error.code).toBe('INVALID_ARGUMENT');
    expect(JSON.parse(notJson.body).error.message).toMatch(/^The request body is not valid JSON: /);
    const unknown = await api(server.port, TOKEN, 'fs.readFile', {});
    expect([unknown.status, JSON.parse(unknown.body)]).toEqual([404, { error: { code: 'NOT_FOUND', message: "Unknown channel 'fs.readFile'." } }]);
    const get = await rawRequest(server.port, { path: '/api/jobs.cancel', headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(get.status).toBe(405);
  });

  it('answers 401 to a missing or wrong token', async () => {
    const missing = await api(server.port, null, 'jobs.cancel', { jobId: 'known' });
    expect([missing.status, JSON.parse(missing.body)]).toEqual([
      401,
      { error: { code: 'UNAUTHORIZED', message: 'Missing access token: send `Authorization: Bearer <token>`.' } },
    ]);
    const wrong = await api(server.port, `${TOKEN}x`, 'jobs.cancel', { jobId: 'known' });
    expect([wrong.status, JSON.parse(wrong.body)]).toEqual([401, { error: { code: 'UNAUTHORIZED', message: 'Wrong access token.' } }]);
    const basic = await api(server.port, null, 'jobs.cancel', {}, { Authorization: `Basic ${TOKEN}` });
    expect(basic.status).toBe(401);
    // The token in the query is accepted for the event stream only.
    const query = await rawRequest(server.port, { method: 'POST', path: `/api/jobs.cancel?token=${TOKEN}`, body: '{"jobId":"known"}' });
    expect(query.status).toBe(401);
  });

  it('answers 403 to a foreign Host or Origin, even with the right token', async () => {
    const p = server.port;
    const cases: Record<string, string>[] = [
      { Host: `evil.example:${p}` },
      { Host: `127.0.0.1:${p + 1}` },
      { Host: 'localhost' },
      { Origin: 'http://evil.example' },
      { Origin: `http://localhost:${p}` },
      { Origin: `https://127.0.0.1:${p}` },
      { Origin: 'null' },
    ];
    for (const headers of cases) {
      const response = await api(p, TOKEN, 'jobs.cancel', { jobId: 'known' }, headers);
      expect([headers, response.status, JSON.parse(response.body).error.code]).toEqual([headers, 403, 'FORBIDDEN']);
    }
    const page = await rawRequest(p, { path: '/', headers: { Host: `rebind.example:${p}` } });
    expect(page.status).toBe(403);
    const sameOrigin = await api(p, TOKEN, 'jobs.cancel', { jobId: 'known' }, { Origin: `http://127.0.0.1:${p}` });
    expect(sameOrigin.status).toBe(200);
    const viaLocalhost = await api(p, TOKEN, 'jobs.cancel', { jobId: 'known' }, { Host: `localhost:${p}`, Origin: `http://localhost:${p}` });
    expect(viaLocalhost.status).toBe(200);
  });

  it('stores uploads under an opaque id and refuses uploads without a name', async () => {
    const up = await rawRequest(server.port, {
      method: 'POST',
      path: '/api/upload?name=../../etc/my%20data.csv',
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/octet-stream' },
      body: 'a,b\n1,2\n',
    });
    expect(up.status).toBe(200);
    const ref = JSON.parse(up.body) as { fileId: string; name: string; size: number };
    expect(ref).toEqual({ fileId: expect.stringMatching(/^[0-9a-f]{24}$/), name: 'my data.csv', size: 8 });
    expect(files.resolve(ref.fileId).path.startsWith(tmpdir())).toBe(true);
    const noName = await rawRequest(server.port, { method: 'POST', path: '/api/upload', headers: { Authorization: `Bearer ${TOKEN}` }, body: 'x' });
    expect([noName.status, JSON.parse(noName.body).error.message]).toEqual([400, 'POST /api/upload needs ?name=<file name> (1 to 200 characters).']);
    const noToken = await rawRequest(server.port, { method: 'POST', path: '/api/upload?name=a.csv', body: 'x' });
    expect(noToken.status).toBe(401);
  });

  it('streams contract events to an authorised client', async () => {
    const client = createClient(createHttpTransport({ token: TOKEN, baseUrl: server.origin }));
    const seen: unknown[] = [];
    const off = client.subscribe('constraints.changed', (payload) => seen.push(payload));
    await new Promise((resolve) => setTimeout(resolve, 200));
    events.emit('constraints.changed', { datasetId: 3, count: 7 });
    events.emit('dataset.deleted' as EventName, { id: 3 } as never);
    for (let k = 0; k < 50 && seen.length === 0; k++) await new Promise((resolve) => setTimeout(resolve, 20));
    off();
    expect(seen).toEqual([{ datasetId: 3, count: 7 }]);
    await expect(client['jobs.cancel']({ jobId: 'other' })).resolves.toEqual({ cancelled: false });
    const unauthorised = await rawRequest(server.port, { path: '/api/events?token=wrong' });
    expect(unauthorised.status).toBe(401);
  });
});

describe('Host header rule', () => {
  it('accepts our own address only (and IP literals when bound to all interfaces)', () => {
    expect(isAllowedHostHeader('127.0.0.1:8080', '127.0.0.1', 8080)).toBe(true);
    expect(isAllowedHostHeader('localhost:8080', '127.0.0.1', 8080)).toBe(true);
    expect(isAllowedHostHeader('127.0.0.1:8081', '127.0.0.1', 8080)).toBe(false);
    expect(isAllowedHostHeader('attacker.example:8080', '127.0.0.1', 8080)).toBe(false);
    expect(isAllowedHostHeader(undefined, '127.0.0.1', 8080)).toBe(false);
    expect(isAllowedHostHeader('192.168.1.5:8080', '0.0.0.0', 8080)).toBe(true);
    expect(isAllowedHostHeader('attacker.example:8080', '0.0.0.0', 8080)).toBe(false);
    expect(isAllowedHostHeader('10.0.0.2:8080', '10.0.0.2', 8080)).toBe(true);
    expect(isAllowedHostHeader('localhost:8080', '10.0.0.2', 8080)).toBe(false);
  });
});
