/**
 * The desktop app's main process. Start-up order (electron/fiddle's rule: everything is registered
 * before the window can use it):
 *   0. before ready: app:// registered as a privileged scheme; the single-instance lock taken
 *   1. open and migrate the database, start the job runner (createWorkbench)
 *   2. session rules (permissions denied, CSP), the app:// protocol handler
 *   3. the IPC gateway (one handler per contract channel) and event forwarding
 *   4. the application menu, then the window
 */
import { app, BrowserWindow, ipcMain, Menu, protocol, session } from 'electron';
import { join } from 'node:path';
import workerPath from '../jobs/worker.ts?modulePath';
import { APP_NAME, defaultDatabasePath } from '../storage/paths.ts';
import { createWorkbench, type Workbench } from '../services/workbench.ts';
import { handleAppProtocol, registerAppScheme } from './app-protocol.ts';
import { createDesktopDialogs } from './dialogs.ts';
import { registerIpcGateway, sendEvent } from './ipc-gateway.ts';
import { buildMenuTemplate } from './menu.ts';
import { installSessionSecurity } from './session-security.ts';
import { createMainWindow } from './window.ts';

const outDir = join(import.meta.dirname, '..');
const preloadPath = join(outDir, 'preload', 'preload.cjs');
const rendererDir = join(outDir, 'renderer');
const projectRoot = join(outDir, '..');

app.setName(APP_NAME);
registerAppScheme(protocol);

let mainWindow: BrowserWindow | null = null;
let workbench: Workbench | null = null;

async function start(): Promise<void> {
  const dbPath = process.env.METRIC_WORKBENCH_DB || defaultDatabasePath();
  // The sample CSVs are not bundled into out/main: read them from the checkout, or from resources/ when packaged.
  process.env.METRIC_WORKBENCH_SAMPLES_DIR ??= app.isPackaged ? join(process.resourcesPath, 'samples') : join(projectRoot, 'src-main', 'samples', 'data');
  workbench = await createWorkbench({
    dbPath,
    mode: 'electron',
    workerUrl: workerPath,
    dialogs: createDesktopDialogs(() => mainWindow),
  });

  installSessionSecurity(session.defaultSession);
  handleAppProtocol(protocol, rendererDir);

  registerIpcGateway(ipcMain, workbench.dispatch, {
    isOurContents: (contents) => mainWindow !== null && !mainWindow.isDestroyed() && contents === mainWindow.webContents,
  });
  workbench.events.onAny((event, payload) => {
    if (mainWindow && !mainWindow.isDestroyed()) sendEvent(mainWindow.webContents, event, payload as never);
  });

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      buildMenuTemplate({
        appName: APP_NAME,
        platform: process.platform,
        developer: !app.isPackaged,
        send: (command) => workbench?.events.emit('app.command', { command }),
      }),
    ),
  );

  mainWindow = createMainWindow(preloadPath);
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => app.quit());
  let closing = false;
  app.on('will-quit', (event) => {
    if (closing || !workbench) return;
    closing = true;
    event.preventDefault();
    void workbench.close().finally(() => app.quit());
  });
  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      console.error(`Metric Workbench could not start: ${(error as Error).stack ?? String(error)}`);
      app.exit(1);
    });
}
