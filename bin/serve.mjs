#!/usr/bin/env node
// `npm run serve`: Metric Workbench in the browser. Like bin/workbench.mjs it runs the TypeScript
// sources through tsx, so it works right after `npm ci` (the renderer is built on first use).
import '../src-main/launcher/require-node.mjs';

// After a burst of requests glibc keeps the freed 64 KiB socket read buffers in its heap, fragmented, so never given
// back (RSS +35 MiB for good after three 12 MB bodies). From its mmap threshold of 64 KiB up each such buffer is a
// mapping of its own, returned to the system when freed. glibc reads the variable when the process starts, so the
// server replaces itself once (same pid, same arguments) with it set; an explicit setting is left alone.
if (process.platform === 'linux' && process.env.MALLOC_MMAP_THRESHOLD_ === undefined && typeof process.execve === 'function') {
  process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], { ...process.env, MALLOC_MMAP_THRESHOLD_: '65536' });
}
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src-main/server/main.ts');
process.exitCode = await main(process.argv.slice(2));
