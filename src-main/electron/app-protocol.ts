/**
 * The desktop app loads its renderer from `app://workbench/…` instead of `file://`: a custom scheme
 * registered as standard + secure before `ready`, served by {@link handleAppProtocol} from out/renderer
 * with the same CSP and headers as the browser mode, and refusing any path that would leave that folder.
 */
import type { Protocol } from 'electron';
import { SECURITY_HEADERS } from '../server/security-headers.ts';
import { readStaticFile } from '../server/static-files.ts';

export const APP_SCHEME = 'app';
export const APP_HOST = 'workbench';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** True for URLs of our own renderer (used to check IPC senders and navigations). */
export function isAppUrl(url: string | null | undefined): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Must run before `app` is ready. `standard` gives the scheme an origin; `secure` makes it a secure context. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

/** Answers one app:// request: the file, 404 for anything else (other hosts, traversal, missing files). */
export async function serveAppRequest(rendererDir: string, url: string, method = 'GET'): Promise<Response> {
  const headers = { ...SECURITY_HEADERS };
  if (method !== 'GET' && method !== 'HEAD') return new Response('Method not allowed', { status: 405, headers });
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return new Response('Bad request', { status: 400, headers });
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return new Response('Not found', { status: 404, headers });
  const file = await readStaticFile(rendererDir, parsed.pathname);
  if (!file) return new Response('Not found', { status: 404, headers });
  return new Response(new Uint8Array(file.body), {
    status: 200,
    headers: { ...headers, 'Content-Type': file.contentType, 'Cache-Control': 'no-cache' },
  });
}

export function handleAppProtocol(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(rendererDir, request.url, request.method));
}
