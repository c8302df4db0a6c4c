import { beforeEach, describe, expect, it, vi } from 'vitest';

const created: { options: Record<string, any>; contents: FakeContents; loaded: string[] }[] = [];
const opened: string[] = [];

class FakeContents {
  handlers = new Map<string, (...args: any[]) => void>();
  openHandler: ((details: { url: string }) => { action: string }) | null = null;
  on(event: string, handler: (...args: any[]) => void) {
    this.handlers.set(event, handler);
    return this;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.openHandler = handler;
  }
}

vi.mock('electron', () => ({
  BrowserWindow: class {
    webContents = new FakeContents();
    constructor(options: Record<string, any>) {
      created.push({ options, contents: this.webContents, loaded: (this.loaded = []) });
    }
    loaded: string[];
    once() {}
    loadURL(url: string) {
      this.loaded.push(url);
      return Promise.resolve();
    }
  },
  shell: { openExternal: (url: string) => (opened.push(url), Promise.resolve()) },
}));

const { createMainWindow } = await import('../../src-main/electron/window.ts');

function navigate(contents: FakeContents, event: string, url: string): boolean {
  let prevented = false;
  contents.handlers.get(event)!({ preventDefault: () => (prevented = true) }, url);
  return prevented;
}

describe('the main window', () => {
  beforeEach(() => {
    created.length = 0;
    opened.length = 0;
  });

  it('is created with every hardening option and loads app://workbench', () => {
    createMainWindow('/app/out/preload/preload.cjs');
    expect(created).toHaveLength(1);
    expect(created[0]!.options.webPreferences).toEqual({
      preload: '/app/out/preload/preload.cjs',
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
    });
    expect(created[0]!.loaded).toEqual(['app://workbench/index.html']);
  });

  it('denies every new window and opens only http(s) links externally', () => {
    createMainWindow('/p.cjs');
    const { contents } = created[0]!;
    for (const url of ['https://example.org/paper.pdf', 'http://example.org/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'https://user:pw@example.org/']) {
      expect(contents.openHandler!({ url })).toEqual({ action: 'deny' });
    }
    expect(opened).toEqual(['https://example.org/paper.pdf', 'http://example.org/']);
  });

  it('blocks navigation away from the app, redirects and webviews', () => {
    createMainWindow('/p.cjs');
    const { contents } = created[0]!;
    expect(navigate(contents, 'will-navigate', 'app://workbench/index.html#/label')).toBe(false);
    expect(navigate(contents, 'will-navigate', 'https://example.org/')).toBe(true);
    expect(navigate(contents, 'will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(navigate(contents, 'will-redirect', 'https://example.org/')).toBe(true);
    expect(navigate(contents, 'will-redirect', 'app://workbench/index.html')).toBe(false);
    let prevented = false;
    contents.handlers.get('will-attach-webview')!({ preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    expect(opened).toEqual(['https://example.org/']);
  });
});
