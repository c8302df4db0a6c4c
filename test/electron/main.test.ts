import { beforeEach, describe, expect, it, vi } from 'vitest';

/** Start-up order of src-main/electron/main.ts, with Electron and the workbench mocked. */
const state = vi.hoisted(() => ({
  order: [] as string[],
  lock: true,
  workbenchOptions: null as null | Record<string, unknown>,
  windows: [] as { options: any }[],
  menuSends: [] as unknown[],
}));

vi.mock('electron', () => {
  const contents = { on() {}, setWindowOpenHandler() {}, send() {}, isDestroyed: () => false };
  return {
    app: {
      isPackaged: false,
      setName: (name: string) => state.order.push(`setName:${name}`),
      requestSingleInstanceLock: () => (state.order.push('lock'), state.lock),
      quit: () => state.order.push('quit'),
      exit: (code: number) => state.order.push(`exit:${code}`),
      on: (event: string) => state.order.push(`app.on:${event}`),
      whenReady: () => (state.order.push('whenReady'), Promise.resolve()),
    },
    protocol: {
      registerSchemesAsPrivileged: () => state.order.push('registerScheme'),
      handle: (scheme: string) => state.order.push(`protocol.handle:${scheme}`),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: () => state.order.push('permissions'),
        setPermissionCheckHandler: () => undefined,
        setDevicePermissionHandler: () => undefined,
        webRequest: { onHeadersReceived: () => state.order.push('csp') },
      },
    },
    ipcMain: { handle: (channel: string) => state.order.push(`ipc:${channel}`), removeHandler: () => undefined },
    Menu: {
      buildFromTemplate: (template: unknown) => template,
      setApplicationMenu: () => state.order.push('menu'),
    },
    dialog: {},
    shell: {},
    BrowserWindow: class {
      webContents = contents;
      constructor(options: unknown) {
        state.order.push('window');
        state.windows.push({ options });
      }
      once() {}
      on() {}
      loadURL(url: string) {
        state.order.push(`load:${url}`);
        return Promise.resolve();
      }
      isDestroyed() {
        return false;
      }
    },
  };
});

vi.mock('../../src-main/jobs/worker.ts?modulePath', () => ({ default: '/bundle/out/main/worker.js' }));

vi.mock('../../src-main/services/workbench.ts', () => ({
  createWorkbench: async (options: Record<string, unknown>) => {
    state.order.push('workbench');
    state.workbenchOptions = options;
    return {
      dispatch: async () => ({ ok: true, value: null }),
      events: { onAny: () => () => undefined, emit: (event: string, payload: unknown) => state.menuSends.push([event, payload]) },
      close: async () => undefined,
    };
  },
}));

async function startMain(): Promise<void> {
  vi.resetModules();
  await import('../../src-main/electron/main.ts');
  await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('Electron main start-up', () => {
  beforeEach(() => {
    state.order.length = 0;
    state.windows.length = 0;
    state.lock = true;
    state.workbenchOptions = null;
  });

  it('registers the scheme before ready, then: database + runner, session rules, protocol, IPC, menu, window', async () => {
    await startMain();
    const order = state.order.filter((s) => !s.startsWith('ipc:') || s === 'ipc:app.info');
    expect(order).toEqual([
      'setName:Metric Workbench',
      'registerScheme',
      'lock',
      'app.on:second-instance',
      'app.on:window-all-closed',
      'app.on:will-quit',
      'whenReady',
      'workbench',
      'permissions',
      'csp',
      'protocol.handle:app',
      'ipc:app.info',
      'menu',
      'window',
      'load:app://workbench/index.html',
    ]);
    expect(state.order.filter((s) => s.startsWith('ipc:')).length).toBeGreaterThan(20);
    expect(state.workbenchOptions).toMatchObject({ mode: 'electron', workerUrl: '/bundle/out/main/worker.js' });
    expect(state.windows[0]!.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(String(state.windows[0]!.options.webPreferences.preload)).toMatch(/preload[\\/]preload\.cjs$/);
  });

  it('quits at once when another instance holds the lock', async () => {
    state.lock = false;
    await startMain();
    expect(state.order).toEqual(['setName:Metric Workbench', 'registerScheme', 'lock', 'quit']);
  });
});
