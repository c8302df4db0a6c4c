import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotFoundError } from '../../shared/errors.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type RunningServer } from '../../src-main/server/http-server.ts';
import { createGateway } from '../../src-main/services/gateway.ts';
import { createEventHub } from '../../src-main/services/workbench.ts';
import { createFileRegistry, type FileRegistry } from '../../src-main/services/uploads.ts';
import { api, rawRequest } from './helpers.ts';

const TOKEN = 'test-token-0123456789abcdef';
let dir: string;
let server: RunningServer;
let files: FileRegistry;
const received: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'request-encoding-'));
  files = createFileRegistry();
  const dispatch = createGateway({
    'datasets.rename': ({ name }: { id: number; name: string }) => {
      received.push(name);
      throw new NotFoundError(`No dataset to rename to '${name}'.`);
    },
  } as never);
  server = await startHttpServer({ dispatch, events: createEventHub(), files, token: TOKEN, rendererDir: dir, heartbeatMs: 50 });
});

afterAll(async () => {
  await server.close();
  await files.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('JSON request bodies', () => {
  it('refuse bytes that are not UTF-8 with 400, and reach no handler', async () => {
    const body = Buffer.concat([Buffer.from('{"id":1,"name":"'), Buffer.from([0xe9, 0x74, 0xe9]), Buffer.from('"}')]);
    const raw = await rawRequest(server.port, {
      method: 'POST',
      path: '/api/datasets.rename',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
      body,
    });
    expect(raw.status).toBe(400);
    expect(JSON.parse(raw.body)).toEqual({
      error: { code: 'INVALID_ARGUMENT', message: 'The request body is not valid UTF-8; JSON requests must be UTF-8 text.' },
    });
    expect(received).toEqual([]);
  });

  it('accept the same name sent as UTF-8', async () => {
    const ok = await api(server.port, TOKEN, 'datasets.rename', { id: 1, name: 'été' });
    expect([ok.status, JSON.parse(ok.body)]).toEqual([404, { error: { code: 'NOT_FOUND', message: "No dataset to rename to 'été'." } }]);
    expect(received).toEqual(['été']);
  });
});
