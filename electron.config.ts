/**
 * The one build configuration of the desktop app, read by `electron-vite build --config electron.config.ts`
 * (`npm run build`):
 *   main      src-main/electron/main.ts        → out/main/index.js (ESM); the job worker
 *             (src-main/jobs/worker.ts, imported with `?modulePath`) becomes its own chunk
 *   preload   src-main/electron/preload.ts     → out/preload/preload.cjs (CommonJS: a sandboxed preload
 *             cannot load ES modules; every dependency is bundled in, since it cannot require node_modules)
 *   renderer  src-renderer (vite.renderer.config.ts, shared with `npm run build:renderer`) → out/renderer
 */
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { rendererConfig } from './vite.renderer.config.ts';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      rollupOptions: { input: { index: resolve(root, 'src-main/electron/main.ts') } },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      externalizeDeps: false,
      rollupOptions: {
        input: { preload: resolve(root, 'src-main/electron/preload.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    ...rendererConfig,
    build: {
      ...rendererConfig.build,
      rolldownOptions: { ...rendererConfig.build.rolldownOptions, input: resolve(rendererConfig.root, 'index.html') },
    },
  },
});
