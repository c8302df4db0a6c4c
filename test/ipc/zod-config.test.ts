import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The renderer's CSP (script-src 'self', no 'unsafe-eval') reports zod's `new Function` probe as a
 * violation. shared/domain/zod-config.ts must switch zod to jitless before it builds any schema, for every consumer: this
 * file imports nothing from zod or shared/ipc statically, so the first schema is built under the trap below.
 */
describe('zod under the strict CSP', () => {
  it('builds and uses the contract without ever constructing a Function', async () => {
    const RealFunction = globalThis.Function;
    const constructed: unknown[][] = [];
    globalThis.Function = new Proxy(RealFunction, {
      construct(target, args, newTarget) {
        constructed.push(args);
        return Reflect.construct(target, args, newTarget) as object;
      },
      apply(target, thisArg, args) {
        constructed.push(args);
        return Reflect.apply(target, thisArg, args) as unknown;
      },
    });
    try {
      // What the renderer imports: the client (which pulls in the contract and its schemas).
      const { createClient } = await import('../../shared/ipc/client.ts');
      const { parseResponse } = await import('../../shared/ipc/validate.ts');
      const { z } = await import('zod');
      expect(z.config().jitless).toBe(true);
      const client = createClient({
        kind: 'http',
        upload: async () => ({ ok: true, value: { fileId: 'f', name: 'a.csv', size: 1 } }),
        invoke: async () => ({ ok: true, value: { jobs: [{ jobId: 'j', kind: 'learn', datasetId: 1, status: 'queued', runIds: [1] }] } }),
        subscribe: () => () => undefined,
      });
      await expect(client['jobs.list']({})).resolves.toEqual({ jobs: [{ jobId: 'j', kind: 'learn', datasetId: 1, status: 'queued', runIds: [1] }] });
      expect(parseResponse('app.info', { version: '1', mode: 'browser', dbPath: 'x', cores: 2, platform: 'linux' }).cores).toBe(2);
    } finally {
      globalThis.Function = RealFunction;
    }
    expect(constructed).toEqual([]);
  });

  it('configures zod as the first import of every shared module that builds schemas or is an entry point', () => {
    const shared = join(import.meta.dirname, '..', '..', 'shared');
    const schemaModules = readdirSync(join(shared, 'domain', 'schemas')).map((file) => join('domain', 'schemas', file));
    expect(schemaModules.length).toBeGreaterThan(0);
    for (const [file, expected] of [
      ...schemaModules.map((file) => [file, "import '../zod-config.ts';"]),
      ['ipc/schemas.ts', "import '../domain/zod-config.ts';"],
      ['ipc/contract.ts', "import '../domain/zod-config.ts';"],
      ['ipc/client.ts', "import '../domain/zod-config.ts';"],
    ] as const) {
      const source = readFileSync(join(shared, file), 'utf8');
      const firstImport = /^import\s[^;]*;/m.exec(source)?.[0];
      expect(firstImport, file).toBe(expected);
    }
  });
});
