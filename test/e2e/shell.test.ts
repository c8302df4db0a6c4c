import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src-main/server/security-headers.ts';
import { electronTarget, startApp, startElectronApp, type AppHarness } from './harness.ts';

/** The shell in browser mode: the server serves the built app, the page loads cleanly and talks to the API. */
let app: AppHarness;
const apiResponses: { url: string; status: number }[] = [];

beforeAll(async () => {
  app = await startApp({ seed: async (call) => void (await call('samples.add', { name: 'iris' })) });
  app.page.on('response', (response) => {
    if (response.url().includes('/api/')) apiResponses.push({ url: new URL(response.url()).pathname, status: response.status() });
  });
  await app.page.reload({ waitUntil: 'load' });
  await app.page.waitForResponse((r) => r.url().includes('/api/'), { timeout: 30_000 }).catch(() => undefined);
});

afterAll(async () => {
  await app?.close();
});

describe('browser mode shell', () => {
  it('serves the built renderer with the strict CSP', async () => {
    const response = await fetch(`${app.origin}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const html = await response.text();
    expect(html).toContain('<title>Metric Workbench</title>');
    const script = /src="\.?\/?(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const js = await fetch(`${app.origin}/${script}`);
    expect([js.status, js.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
  });

  it('loads the page with no console errors, page errors or CSP violations, and the app calls the API', async () => {
    await app.page.waitForFunction(() => document.querySelector('#app')?.children.length, undefined, { timeout: 30_000 });
    await app.page.waitForTimeout(500);
    expect(await app.page.title()).toBe('Metric Workbench');
    expect(apiResponses.length).toBeGreaterThan(0);
    expect(apiResponses.filter((r) => r.status !== 200)).toEqual([]);
    await app.screenshot('shell-browser-mode');
    expect(app.problems()).toEqual([]);
  });

  it('answers API calls made from the page with the token, and refuses them without it', async () => {
    const result = await app.page.evaluate(async () => {
      const token = /token=([A-Za-z0-9_-]+)/.exec(location.hash)?.[1] ?? '';
      const call = (channel: string, body: unknown, auth: boolean) =>
        fetch(`/api/${channel}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify(body),
        }).then(async (r) => ({ status: r.status, body: await r.json() }));
      return {
        info: await call('app.info', {}, true),
        datasets: await call('datasets.list', {}, true),
        noToken: await call('datasets.list', {}, false),
        bad: await call('datasets.get', { id: -1 }, true),
      };
    });
    expect(result.info).toMatchObject({ status: 200, body: { mode: 'browser', dbPath: app.dbPath } });
    expect(result.datasets.body.datasets.map((d: { name: string }) => d.name)).toEqual(['iris']);
    expect(result.noToken).toEqual({ status: 401, body: { error: { code: 'UNAUTHORIZED', message: 'Missing access token: send `Authorization: Bearer <token>`.' } } });
    expect(result.bad).toEqual({
      status: 400,
      body: { error: { code: 'INVALID_ARGUMENT', message: "Invalid request for 'datasets.get': id: Too small: expected number to be >=1" } },
    });
    // Only the two refusals this test asked for.
    expect(app.problems().filter((p) => p.startsWith('http '))).toEqual(['http 401: POST /api/datasets.list', 'http 400: POST /api/datasets.get']);
    expect(app.problems().filter((p) => !p.startsWith('http ') && !p.includes('status of 40'))).toEqual([]);
  });

  it('streams events to the page', async () => {
    const received = app.page.evaluate(async () => {
      const token = /token=([A-Za-z0-9_-]+)/.exec(location.hash)?.[1] ?? '';
      const controller = new AbortController();
      const response = await fetch('/api/events', { headers: { Authorization: `Bearer ${token}` }, signal: controller.signal });
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      const deadline = Date.now() + 10_000;
      while (!text.includes('event: constraints.changed') && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      controller.abort();
      return text;
    });
    await app.page.waitForTimeout(300);
    const dataset = ((await app.call('datasets.list')) as { datasets: { id: number }[] }).datasets[0]!;
    await app.call('constraints.set', { datasetId: dataset.id, i: 3, j: 4, kind: 'must' });
    expect(await received).toContain(`event: constraints.changed\ndata: {"datasetId":${dataset.id},"count":1}\n\n`);
  });

  it('says whether the same specs can target the desktop app', async () => {
    const target = electronTarget();
    if (!target.available) {
      // No Electron binary on this machine: say so (the reason names what is missing) and test the browser mode only.
      console.info(`e2e: ${target.reason}`);
      expect(target.reason).toMatch(/Electron|npm run build/);
      return;
    }
    const desktop = await startElectronApp();
    try {
      expect(await desktop.page.title()).toBe('Metric Workbench');
      expect(await desktop.page.evaluate(() => typeof (window as { workbench?: unknown }).workbench)).toBe('object');
      expect(await desktop.page.evaluate(() => typeof (window as { require?: unknown }).require)).toBe('undefined');
    } finally {
      await desktop.close();
    }
  });
});
