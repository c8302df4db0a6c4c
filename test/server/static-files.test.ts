import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveStaticPath } from '../../src-main/server/static-files.ts';

describe('resolveStaticPath', () => {
  const root = resolve('/srv/renderer');
  it('maps URL paths inside the root', () => {
    expect(resolveStaticPath(root, '/')).toBe(join(root, 'index.html'));
    expect(resolveStaticPath(root, '/assets/app.js')).toBe(join(root, 'assets', 'app.js'));
    expect(resolveStaticPath(root, '/assets//app%20x.js')).toBe(join(root, 'assets', 'app x.js'));
  });
  it('refuses anything that could leave the root', () => {
    for (const path of ['/..', '/../etc/passwd', '/%2e%2e/etc/passwd', '/assets/%2e%2e/%2e%2e/x', '/a/..%2f..%2fx', '/..\\x', '/%5c..%5cx', '/x%00.js', '/%E0%A4%A', '/C:/Windows', '/./index.html']) {
      expect([path, resolveStaticPath(root, path)]).toEqual([path, null]);
    }
  });
});
