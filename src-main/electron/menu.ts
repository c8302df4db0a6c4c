/** The application menu. Commands that concern the UI are forwarded to the renderer as `app.command` events. */
import type { MenuItemConstructorOptions } from 'electron';
import type { EventOf } from '../../shared/ipc/contract.ts';

export type MenuCommand = EventOf<'app.command'>['command'];

export interface MenuOptions {
  appName: string;
  platform: NodeJS.Platform;
  /** Show developer tools entries (not in packaged builds). */
  developer: boolean;
  send(command: MenuCommand): void;
}

export function buildMenuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const isMac = options.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [];
  if (isMac) {
    template.push({
      label: options.appName,
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }
  template.push({
    label: 'File',
    submenu: [
      { label: 'Import Dataset…', accelerator: 'CmdOrCtrl+O', click: () => options.send('import-dataset') },
      { type: 'separator' },
      isMac ? { role: 'close' } : { role: 'quit' },
    ],
  });
  template.push({
    label: 'Edit',
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  });
  template.push({
    label: 'View',
    submenu: [
      ...(options.developer ? ([{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as MenuItemConstructorOptions[]) : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  });
  template.push({ label: 'Window', submenu: isMac ? [{ role: 'minimize' }, { role: 'zoom' }, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }] });
  template.push({
    label: 'Help',
    submenu: [
      { label: 'Guided Example', click: () => options.send('guided-example') },
      ...(isMac ? [] : ([{ type: 'separator' }, { label: `About ${options.appName}`, click: () => options.send('about') }] as MenuItemConstructorOptions[])),
    ],
  });
  return template;
}
