import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, isAppUrl, registerAppScheme, serveAppRequest } from '../../src-main/electron/app-protocol.ts';
import { CONTENT_SECURITY_POLICY } from '../../src-main/server/security-headers.ts';

let dir: string;
let renderer: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'app-protocol-'));
  renderer = join(dir, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>x</title>');
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'outside');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('app:// protocol', () => {
  it('registers app as a standard, secure scheme', () => {
    const calls: unknown[] = [];
    registerAppScheme({ registerSchemesAsPrivileged: (schemes) => calls.push(schemes) });
    expect(calls).toEqual([[{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]]);
  });

  it('recognises only app://workbench URLs as the app', () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(isAppUrl('app://workbench/assets/x.js')).toBe(true);
    expect(isAppUrl('app://evil/index.html')).toBe(false);
    expect(isAppUrl('file:///work/out/renderer/index.html')).toBe(false);
    expect(isAppUrl('https://workbench/')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
    expect(isAppUrl(undefined)).toBe(false);
  });

  it('serves files from the renderer folder with the CSP header', async () => {
    const index = await serveAppRequest(renderer, 'app://workbench/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await index.text()).toBe('<!doctype html><title>x</title>');
    const script = await serveAppRequest(renderer, 'app://workbench/assets/app.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1)');
  });

  it('refuses traversal, other hosts, missing files and other methods', async () => {
    for (const url of [
      'app://workbench/../secret.txt',
      'app://workbench/%2e%2e/secret.txt',
      'app://workbench/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://workbench/..%5csecret.txt',
      'app://workbench/missing.js',
      'app://other/index.html',
      'app://workbench/assets',
    ]) {
      const response = await serveAppRequest(renderer, url);
      expect([url, response.status]).toEqual([url, 404]);
      expect(await response.text()).toBe('Not found');
    }
    expect((await serveAppRequest(renderer, APP_ENTRY_URL, 'POST')).status).toBe(405);
  });
});
