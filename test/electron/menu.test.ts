import { describe, expect, it } from 'vitest';
import { buildMenuTemplate, type MenuCommand } from '../../src-main/electron/menu.ts';

type Item = { label?: string; role?: string; click?: () => void; submenu?: Item[] };

function find(items: Item[], label: string): Item | undefined {
  for (const item of items) {
    if (item.label === label) return item;
    const inner = item.submenu && find(item.submenu, label);
    if (inner) return inner;
  }
  return undefined;
}

describe('application menu', () => {
  it('has File, Edit, View, Window and Help, with Help → Guided Example sending a renderer command', () => {
    const sent: MenuCommand[] = [];
    const template = buildMenuTemplate({ appName: 'Metric Workbench', platform: 'linux', developer: false, send: (c) => sent.push(c) }) as Item[];
    expect(template.map((m) => m.label)).toEqual(['File', 'Edit', 'View', 'Window', 'Help']);
    find(template, 'Guided Example')!.click!();
    find(template, 'Import Dataset…')!.click!();
    expect(sent).toEqual(['guided-example', 'import-dataset']);
    expect(find(template, 'Edit')!.submenu!.map((i) => i.role).filter(Boolean)).toEqual(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']);
    expect(JSON.stringify(template)).not.toContain('toggleDevTools');
  });

  it('adds the app menu on macOS and developer tools in development', () => {
    const template = buildMenuTemplate({ appName: 'Metric Workbench', platform: 'darwin', developer: true, send: () => undefined }) as Item[];
    expect(template[0]!.label).toBe('Metric Workbench');
    expect(JSON.stringify(template)).toContain('toggleDevTools');
  });
});
