import { describe, expect, it } from 'vitest';
import { DEFAULT_RENDERER_DIR, parseServeArgs } from '../../src-main/server/main.ts';

describe('npm run serve arguments', () => {
  it('defaults to 127.0.0.1, any free port and a fresh random token per start', () => {
    const a = parseServeArgs([], {});
    const b = parseServeArgs([], {});
    if (a === 'help' || b === 'help') throw new Error('unexpected help');
    expect(a).toMatchObject({ host: '127.0.0.1', port: 0, rendererDir: DEFAULT_RENDERER_DIR });
    expect(a.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(a.token).not.toBe(b.token);
    expect(a.dbPath).toMatch(/Metric Workbench[\\/]workbench\.sqlite$/);
  });

  it('takes --port, --db, --token and --host, and the token and database from the environment', () => {
    const options = parseServeArgs(['--port', '8123', '--db', '/tmp/x.sqlite', '--token', 'abcdefghijklmnop-1', '--host', '0.0.0.0'], {});
    expect(options).toMatchObject({ port: 8123, dbPath: '/tmp/x.sqlite', token: 'abcdefghijklmnop-1', host: '0.0.0.0' });
    const fromEnv = parseServeArgs([], { METRIC_WORKBENCH_TOKEN: 'token-from-environment', METRIC_WORKBENCH_DB: '/tmp/env.sqlite' });
    expect(fromEnv).toMatchObject({ token: 'token-from-environment', dbPath: '/tmp/env.sqlite' });
    expect(parseServeArgs(['--help'], {})).toBe('help');
  });

  it('refuses bad values with a clear message', () => {
    expect(() => parseServeArgs(['--port', '70000'], {})).toThrow("--port must be an integer from 0 to 65535, got '70000'.");
    expect(() => parseServeArgs(['--token', 'short'], {})).toThrow('The token must be 16 to 200 characters of letters, digits, _ and - (it goes into a URL).');
    expect(() => parseServeArgs(['--token', 'has spaces in it, sorry'], {})).toThrow('The token must be 16 to 200 characters');
    expect(() => parseServeArgs(['--bogus'], {})).toThrow("Unknown option '--bogus'");
  });
});
