/**
 * The one application window, created with every hardening option written inline (so that reviewers
 * and electronegativity can read them), plus the navigation rules for its web contents.
 */
import { BrowserWindow, shell, type WebContents } from 'electron';
import { APP_ENTRY_URL, isAppUrl } from './app-protocol.ts';
import { isSafeExternalUrl } from './external-links.ts';

/** Opens an http(s) link in the system browser; anything else is ignored. */
export function openExternalSafely(url: string): boolean {
  if (!isSafeExternalUrl(url)) return false;
  // electronegativity OPEN_EXTERNAL_JS_CHECK (MEDIUM, tentative) — accepted: the URL is checked by
  // isSafeExternalUrl just above (http/https with a host, no credentials), so no file:, smb:, custom
  // scheme or javascript: URL can reach the shell.
  void shell.openExternal(url);
  return true;
}

/**
 * Denies every new window and every navigation away from app://workbench; http(s) links the user
 * clicks open in the system browser instead. Webviews are refused.
 */
export function hardenWebContents(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    openExternalSafely(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function createMainWindow(preload: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Metric Workbench',
    backgroundColor: '#1e1e1e',
    webPreferences: {
      // electronegativity PRELOAD_JS_CHECK (MEDIUM, review) — accepted: the preload is our own bundled
      // script (out/preload/preload.cjs), runs sandboxed with context isolation, and exposes only
      // `window.workbench` built from the contract: invoke for contract channels, on for contract events.
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  hardenWebContents(window.webContents);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_ENTRY_URL);
  return window;
}
