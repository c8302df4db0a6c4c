import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { MIME_TYPES } from './security-headers.ts';

/**
 * Maps a URL path onto a file under `root`, or null when it would leave `root` (`..` segments, encoded
 * or not, backslashes, NUL bytes, absolute paths). `/` is `index.html`. Used by the browser-mode server
 * and by the desktop app's app:// protocol.
 */
export function resolveStaticPath(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const segments = decoded.split(/[\\/]+/).filter((s) => s.length > 0);
  if (segments.some((s) => s === '..' || s === '.' || /^[a-zA-Z]:$/.test(s))) return null;
  if (segments.length === 0) segments.push('index.html');
  const base = resolve(root);
  const full = resolve(base, ...segments);
  const rel = relative(base, full);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
  return full;
}

export interface StaticFile {
  body: Buffer;
  contentType: string;
  path: string;
}

/** Reads the file a URL path names, or null (missing, a folder, outside `root`, or a symlink out of it). */
export async function readStaticFile(root: string, pathname: string): Promise<StaticFile | null> {
  const path = resolveStaticPath(root, pathname);
  if (!path) return null;
  try {
    const [realRoot, realFile] = await Promise.all([realpath(root), realpath(path)]);
    if (!realFile.startsWith(realRoot + sep)) return null;
    const info = await stat(realFile);
    if (!info.isFile()) return null;
    const body = await readFile(realFile);
    return { body, path: realFile, contentType: MIME_TYPES[extname(realFile).toLowerCase()] ?? 'application/octet-stream' };
  } catch {
    return null;
  }
}
