import { describe, expect, it } from 'vitest';
import { installSessionSecurity } from '../../src-main/electron/session-security.ts';
import { CONTENT_SECURITY_POLICY } from '../../src-main/server/security-headers.ts';

function fakeSession() {
  const captured: Record<string, any> = {};
  const session = {
    setPermissionRequestHandler: (h: unknown) => (captured.request = h),
    setPermissionCheckHandler: (h: unknown) => (captured.check = h),
    setDevicePermissionHandler: (h: unknown) => (captured.device = h),
    webRequest: { onHeadersReceived: (h: unknown) => (captured.headers = h) },
  };
  return { session, captured };
}

describe('session security', () => {
  it('denies every permission request and check', () => {
    const { session, captured } = fakeSession();
    installSessionSecurity(session as never);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      let granted: boolean | undefined;
      captured.request({}, permission, (answer: boolean) => (granted = answer), {});
      expect([permission, granted]).toEqual([permission, false]);
      expect(captured.check({}, permission, 'app://workbench', {})).toBe(false);
    }
    expect(captured.device({ deviceType: 'usb' })).toBe(false);
  });

  it('adds the same Content-Security-Policy as the browser mode to every response', () => {
    const { session, captured } = fakeSession();
    installSessionSecurity(session as never);
    let result: any;
    captured.headers({ responseHeaders: { 'X-Other': ['1'] } }, (r: unknown) => (result = r));
    expect(result).toEqual({ responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
});
