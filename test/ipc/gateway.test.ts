import { describe, expect, it } from 'vitest';
import { ERROR_CODE_LIST, NotFoundError } from '../../shared/errors.ts';
import { createGateway, httpStatusOf } from '../../src-main/services/gateway.ts';

describe('the gateway shared by IPC and HTTP', () => {
  const internal: [string, string][] = [];
  const dispatch = createGateway(
    {
      'jobs.cancel': ({ jobId }: { jobId: string }) => {
        if (jobId === 'boom') throw new Error('disk on fire');
        if (jobId === 'gone') throw new NotFoundError('No job gone.');
        if (jobId === 'liar') return { cancelled: 'maybe' } as never;
        return { cancelled: true, internalDetail: '/home/user/secret' } as never;
      },
      'app.info': () => ({ version: '1', mode: 'browser', dbPath: ':memory:', cores: 1, platform: 'linux' }),
    } as never,
    { onInternalError: (channel, error) => internal.push([channel, (error as Error).message]) },
  );

  it('validates, calls the handler and strips fields the contract does not declare', async () => {
    await expect(dispatch('jobs.cancel', { jobId: 'ok' })).resolves.toEqual({ ok: true, value: { cancelled: true } });
    await expect(dispatch('app.info', undefined)).resolves.toMatchObject({ ok: true, value: { mode: 'browser' } });
  });

  it('maps typed errors to their code and anything else to INTERNAL (logged)', async () => {
    await expect(dispatch('jobs.cancel', { jobId: 'gone' })).resolves.toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No job gone.' } });
    await expect(dispatch('jobs.cancel', { jobId: 'boom' })).resolves.toEqual({ ok: false, error: { code: 'INTERNAL', message: 'disk on fire' } });
    await expect(dispatch('jobs.cancel', { jobId: 'liar' })).resolves.toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: "Invalid response from 'jobs.cancel': cancelled: Invalid input: expected boolean, received string" },
    });
    await expect(dispatch('__proto__', {})).resolves.toEqual({ ok: false, error: { code: 'NOT_FOUND', message: "Unknown channel '__proto__'." } });
    await expect(dispatch('constructor', {})).resolves.toEqual({ ok: false, error: { code: 'NOT_FOUND', message: "Unknown channel 'constructor'." } });
    expect(internal).toEqual([
      ['jobs.cancel', 'disk on fire'],
      ['jobs.cancel', "Invalid response from 'jobs.cancel': cancelled: Invalid input: expected boolean, received string"],
    ]);
  });

  it('gives every error code an HTTP status', () => {
    expect(Object.fromEntries(ERROR_CODE_LIST.map((c) => [c, httpStatusOf(c)]))).toEqual({
      INVALID_ARGUMENT: 400,
      NOT_FOUND: 404,
      IMPORT_FAILED: 400,
      CONSTRAINT_INVALID: 400,
      DATABASE_TOO_NEW: 500,
      DATABASE_READ_ONLY: 503,
      DATABASE_TRUNCATED: 503,
      DATABASE_DAMAGED: 503,
      DATABASE_DISK_FULL: 503,
      EXPORT_FAILED: 500,
      DATASET_DAMAGED: 500,
      NON_PSD: 422,
      NUMERICAL: 422,
      JOB_CANCELLED: 409,
      JOB_FAILED: 422,
      UNAUTHORIZED: 401,
      FORBIDDEN: 403,
      INTERNAL: 500,
    });
  });
});
