import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

/**
 * `WORKBENCH_TEST_HOOKS=1` makes the end-to-end test build: the same renderer with its `window.__workbench`
 * hooks (src-renderer/src/lib/app/test-hooks.ts) compiled in, written to out/renderer-e2e. Every other build
 * (npm start, npm run build, npm run build:renderer) has none.
 */
export const TEST_HOOKS_BUILD = process.env.WORKBENCH_TEST_HOOKS === '1';

/**
 * The renderer alone (browser mode and tests). electron.config.ts builds the same renderer for the
 * desktop app; both read this one definition so they cannot drift.
 */
export const rendererConfig = {
  root: resolve(import.meta.dirname, 'src-renderer'),
  base: './',
  plugins: [svelte({ configFile: resolve(import.meta.dirname, 'svelte.config.js') })],
  define: { __WORKBENCH_TEST_HOOKS__: JSON.stringify(TEST_HOOKS_BUILD) },
  build: {
    outDir: resolve(import.meta.dirname, TEST_HOOKS_BUILD ? 'out/renderer-e2e' : 'out/renderer'),
    emptyOutDir: true,
    minify: true,
    rolldownOptions: {
      output: {
        // chart.js (with its matrix plugin) is about half of the bundle and changes far less often than
        // the app: its own chunk keeps both under the 500 kB warning and caches separately.
        codeSplitting: {
          groups: [{ name: 'chart', test: /node_modules[\\/](chart\.js|chartjs-chart-matrix|@kurkle)[\\/]/ }],
        },
      },
    },
  },
};

export default defineConfig(rendererConfig);
