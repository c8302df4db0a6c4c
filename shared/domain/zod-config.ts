/**
 * Imported first by every module that builds zod schemas (./schemas/*, and the IPC layer's schemas and
 * contract.ts) and by the renderer's client (shared/ipc/client.ts), so it runs before any schema is built and every
 * consumer (renderer, preload, main, tests) gets it without configuring zod itself.
 * The renderer runs under `script-src 'self'` (no 'unsafe-eval'); zod decides at schema construction
 * whether it may compile parsers with `new Function`, and that probe alone is reported as a CSP violation
 * even though zod catches the error. Jitless parsing avoids the probe everywhere.
 */
import { z } from 'zod';

z.config({ jitless: true });
