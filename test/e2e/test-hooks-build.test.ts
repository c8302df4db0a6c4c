import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from 'vite';
import { E2E_RENDERER_DIR, ensureRendererBuilt } from '../../src-main/server/main.ts';
import { ROOT } from './harness.ts';

/** Every JavaScript file a renderer build emitted, concatenated. */
function bundleText(dir: string): string {
  const assets = join(dir, 'assets');
  return readdirSync(assets).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(assets, f), 'utf8')).join('\n');
}

describe('test hooks only in test builds (issue 11, item 4)', () => {
  it('the app build has no window.__workbench; the end-to-end build has it', async () => {
    const out = mkdtempSync(join(tmpdir(), 'renderer-build-'));
    try {
      const previous = process.env.WORKBENCH_TEST_HOOKS;
      delete process.env.WORKBENCH_TEST_HOOKS;
      try {
        await build({ configFile: join(ROOT, 'vite.renderer.config.ts'), logLevel: 'silent', build: { outDir: out, emptyOutDir: true } });
      } finally {
        if (previous !== undefined) process.env.WORKBENCH_TEST_HOOKS = previous;
      }
      const app = bundleText(out);
      expect(app).toContain('Metric Workbench');
      expect(app).not.toContain('__workbench');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
    ensureRendererBuilt(E2E_RENDERER_DIR, () => {});
    expect(bundleText(E2E_RENDERER_DIR)).toContain('__workbench');
  });
});
