/**
 * Session-wide rules: every permission request and check is denied (the app needs no camera,
 * notifications, geolocation, …), and every response carries the strict Content-Security-Policy.
 */
import type { Session } from 'electron';

export function installSessionSecurity(session: Session): void {
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  // The CSP is written out literally so that electronegativity's CSP check can read and grade it;
  // test/electron/session-security.test.ts asserts it equals CONTENT_SECURITY_POLICY (server/security-headers.ts).
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': ["default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"],
      },
    });
  });
}
