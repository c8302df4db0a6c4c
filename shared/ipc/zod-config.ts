/**
 * Imported first by schemas.ts, contract.ts and client.ts, so it runs before any schema is built and every
 * consumer of shared/ipc (renderer, preload, main, tests) gets it without configuring zod itself.
 * The renderer runs under `script-src 'self'` (no 'unsafe-eval'); zod decides at schema construction
 * whether it may compile parsers with `new Function`, and that probe alone is reported as a CSP violation
 * even though zod catches the error. Jitless parsing avoids the probe everywhere.
 */
import { z } from 'zod';

z.config({ jitless: true });
