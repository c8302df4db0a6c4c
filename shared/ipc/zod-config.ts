/**
 * Imported before any schema is built (first import of schemas.ts). The renderer runs under
 * `script-src 'self'` (no 'unsafe-eval'); zod decides at schema construction whether it may compile
 * parsers with `new Function`, and that probe alone is reported as a CSP violation even though zod
 * catches the error. Jitless parsing avoids the probe everywhere.
 */
import { z } from 'zod';

z.config({ jitless: true });
