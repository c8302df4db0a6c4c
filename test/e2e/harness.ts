/**
 * End-to-end harness: the browser mode on a random port with a temporary database, driven by Debian's
 * Chromium through playwright-core. The specs in test/e2e use {@link startApp}; where an Electron binary is
 * installed, {@link electronTarget} says so and {@link startElectronApp} drives the real desktop app
 * through Playwright's Electron support instead (it cannot run on machines without the binary).
 *
 *   const app = await startApp();            // server + Chromium, page opened at http://127.0.0.1:P/#token=…
 *   await app.page.getByRole('tab', { name: 'Datasets' }).click();
 *   await app.screenshot('datasets');        // → test-output/screenshots/datasets.png
 *   expect(app.problems()).toEqual([]);      // console errors, page errors, CSP violations
 *   await app.close();
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, _electron, type BrowserContext, type ElectronApplication, type Page } from 'playwright-core';
import type { Envelope } from '../../shared/ipc/contract.ts';
import { E2E_RENDERER_DIR, ensureRendererBuilt, serve, type ServeHandle } from '../../src-main/server/main.ts';

export const ROOT = join(import.meta.dirname, '..', '..');
export const SCREENSHOT_DIR = join(ROOT, 'test-output', 'screenshots');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface AppHarness {
  /** The address with the token: http://127.0.0.1:PORT/#token=… */
  url: string;
  origin: string;
  token: string;
  dbPath: string;
  handle: ServeHandle;
  context: BrowserContext;
  page: Page;
  /** Calls a channel in-process (for seeding data and checking results), bypassing the browser. */
  call(channel: string, request?: unknown): Promise<unknown>;
  /** Console errors, uncaught page errors and CSP violations seen so far. */
  problems(): string[];
  /** Saves a full-page screenshot as test-output/screenshots/NAME.png and returns its path. */
  screenshot(name: string, page?: Page): Promise<string>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Runs before the page opens (e.g. add a sample dataset through `call`). */
  seed?: (call: AppHarness['call']) => Promise<void>;
  viewport?: { width: number; height: number };
  /** Open the page at this hash route after the token, e.g. '/label'. */
  colorScheme?: 'light' | 'dark';
  /**
   * Draw scrollbars as a desktop browser does. Headless Chromium hides them (Playwright passes
   * --hide-scrollbars), so a spec that checks a scrollbar is really there asks for them.
   */
  showScrollbars?: boolean;
}

/** Waits until Debian's Chromium is installed (it may still be arriving through apt), up to `timeoutMs`. */
export async function waitForChromium(timeoutMs = 120_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(CHROMIUM_PATH)) {
    if (Date.now() > deadline) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  return CHROMIUM_PATH;
}

/** Records console errors, page errors and CSP violations of a page. */
export function watchProblems(page: Page, sink: string[]): void {
  page.on('console', (message) => {
    if (message.type() === 'error') sink.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => sink.push(`pageerror: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) sink.push(`http ${response.status()}: ${response.request().method()} ${new URL(response.url()).pathname}`);
  });
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? 'failed';
    // Requests still in flight when a page navigates or reloads (and the event stream, when a reader stops) are aborted on purpose.
    if (!reason.includes('ERR_ABORTED')) sink.push(`requestfailed: ${request.url()} ${reason}`);
  });
}

const CSP_PROBE = `(() => {
  document.addEventListener('securitypolicyviolation', (e) => {
    console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline'));
  });
})();`;

export async function startApp(options: StartOptions = {}): Promise<AppHarness> {
  await waitForChromium();
  // The test build (window.__workbench hooks compiled in), rebuilt when the renderer's sources changed.
  ensureRendererBuilt(E2E_RENDERER_DIR, (line) => console.info(line));
  const dir = mkdtempSync(join(tmpdir(), 'workbench-e2e-'));
  const dbPath = join(dir, 'workbench.sqlite');
  const token = randomBytes(18).toString('base64url');
  const handle = await serve({ port: 0, host: '127.0.0.1', dbPath, token, rendererDir: E2E_RENDERER_DIR, concurrency: 1 });
  const call = async (channel: string, request: unknown = {}) => {
    const envelope: Envelope<unknown> = await handle.workbench.dispatch(channel, request);
    if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.code}: ${envelope.error.message}`);
    return envelope.value;
  };
  let context: BrowserContext | undefined;
  try {
    if (options.seed) await options.seed(call);
    context = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: options.viewport ?? { width: 1400, height: 900 },
      colorScheme: options.colorScheme ?? 'light',
      acceptDownloads: true,
      ...(options.showScrollbars ? { ignoreDefaultArgs: ['--hide-scrollbars'] } : {}),
    });
  } catch (error) {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const problems: string[] = [];
  await context.addInitScript(CSP_PROBE);
  const page = context.pages()[0] ?? (await context.newPage());
  watchProblems(page, problems);
  context.on('page', (p) => watchProblems(p, problems));
  const url = handle.server.url;
  await page.goto(url, { waitUntil: 'load' });

  return {
    url,
    origin: handle.server.origin,
    token,
    dbPath,
    handle,
    context,
    page,
    call,
    problems: () => [...problems],
    async screenshot(name, target = page) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const path = join(SCREENSHOT_DIR, `${name.replace(/[^A-Za-z0-9_-]+/g, '-')}.png`);
      await target.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await context?.close().catch(() => undefined);
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The real desktop app, where an Electron binary exists.
// ---------------------------------------------------------------------------------------------

export type ElectronTarget = { available: true; executable: string } | { available: false; reason: string };

/** Whether the specs can also target the desktop app, and if not, why (never triggers a download). */
export function electronTarget(): ElectronTarget {
  const dir = join(ROOT, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) {
    return { available: false, reason: `Electron's binary is not installed (${pathFile} is missing), so only the browser mode can be tested here.` };
  }
  const executable = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(executable)) return { available: false, reason: `Electron's binary ${executable} is missing.` };
  if (!existsSync(join(ROOT, 'out', 'main', 'index.js'))) {
    return { available: false, reason: 'The desktop app is not built: run `npm run build` first.' };
  }
  return { available: true, executable };
}

/** Launches the built desktop app with a temporary database and returns its first window. */
export async function startElectronApp(): Promise<{ app: ElectronApplication; page: Page; close(): Promise<void> }> {
  const target = electronTarget();
  if (!target.available) throw new Error(target.reason);
  const dir = mkdtempSync(join(tmpdir(), 'workbench-electron-'));
  const app = await _electron.launch({
    executablePath: target.executable,
    args: [ROOT],
    env: { ...process.env, METRIC_WORKBENCH_DB: join(dir, 'workbench.sqlite') } as Record<string, string>,
  });
  const page = await app.firstWindow();
  return {
    app,
    page,
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
