/**
 * Files the renderer may refer to by id only. The renderer never hands main a path: in the desktop
 * app a path comes from main's own open dialog ({@link FileRegistry.registerPath}); in browser mode the
 * content is uploaded and written to a private temporary folder ({@link FileRegistry.storeStream}).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { base64ToBytes } from '../../shared/ipc/base64.ts';
import { requireDialogs, type Handler, type WorkbenchDialogs } from './ports.ts';

export interface FileRef {
  fileId: string;
  name: string;
  size: number;
}

export interface RegisteredFile extends FileRef {
  path: string;
}

export interface FileRegistry {
  /**
   * A file main was given by the user themself: chosen in main's native dialog, or named on the `workbench` command
   * line. With `{ mustExist: false }` (the CLI), a path that is missing or not a file is still registered (size 0),
   * so the reader that opens it reports the problem in its own words (the importer's "cannot read the file: no such
   * file", naming the path).
   * @throws ValidationError for a folder, or the file system's error for a missing file (unless `mustExist: false`).
   */
  registerPath(path: string, options?: { mustExist?: boolean }): Promise<FileRef>;
  storeBytes(name: string, bytes: Uint8Array): Promise<FileRef>;
  /** Streams an upload to disk; refuses more than `maxBytes`. */
  storeStream(name: string, stream: Readable, maxBytes?: number): Promise<FileRef>;
  /** @throws NotFoundError for an unknown id. */
  resolve(fileId: string): RegisteredFile;
  /** Deletes uploaded copies. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

/** Keeps the base name, replaces anything unusual by `_`, and never starts with a dot. */
export function safeFileName(name: string): string {
  const base = basename(name.replace(/\\/g, '/'))
    .replace(/[^A-Za-z0-9._ ()+-]/g, '_')
    .replace(/^[.\s]+/, '')
    .slice(-200);
  return base.length > 0 ? base : 'upload';
}

export function createFileRegistry(): FileRegistry {
  const files = new Map<string, RegisteredFile>();
  let dir: string | null = null;
  const uploadDir = async () => (dir ??= await mkdtemp(join(tmpdir(), 'metric-workbench-uploads-')));
  const newId = () => randomBytes(12).toString('hex');

  const add = (file: RegisteredFile): FileRef => {
    files.set(file.fileId, file);
    return { fileId: file.fileId, name: file.name, size: file.size };
  };

  const slot = async (name: string) => {
    const fileId = newId();
    const folder = join(await uploadDir(), fileId);
    await mkdir(folder, { mode: 0o700 });
    const safe = safeFileName(name);
    return { fileId, safe, path: join(folder, safe) };
  };

  return {
    async registerPath(path, { mustExist = true } = {}) {
      const info = await stat(path).catch((error: unknown) => {
        if (mustExist) throw error;
        return null;
      });
      if (info === null || !info.isFile()) {
        if (mustExist) throw new ValidationError(`'${basename(path)}' is not a file.`);
        return add({ fileId: newId(), name: basename(path), size: 0, path });
      }
      return add({ fileId: newId(), name: basename(path), size: info.size, path });
    },
    async storeBytes(name, bytes) {
      const { fileId, safe, path } = await slot(name);
      await writeFile(path, bytes, { mode: 0o600 });
      return add({ fileId, name: safe, size: bytes.length, path });
    },
    async storeStream(name, stream, maxBytes = DEFAULT_MAX_UPLOAD_BYTES) {
      const { fileId, safe, path } = await slot(name);
      let size = 0;
      await new Promise<void>((resolvePromise, reject) => {
        const out = createWriteStream(path, { mode: 0o600 });
        const fail = (error: Error) => {
          stream.unpipe(out);
          out.destroy();
          stream.resume();
          reject(error);
        };
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) fail(new ValidationError(`Upload '${safe}' is larger than the limit of ${maxBytes} bytes.`));
        });
        stream.on('error', fail);
        out.on('error', fail);
        out.on('finish', () => resolvePromise());
        stream.pipe(out);
      }).catch(async (error: unknown) => {
        await rm(join(path, '..'), { recursive: true, force: true });
        throw error;
      });
      return add({ fileId, name: safe, size, path });
    },
    resolve(fileId) {
      const file = files.get(fileId);
      if (!file) throw new NotFoundError(`Unknown file id '${fileId}': upload or choose the file again.`);
      return file;
    },
    async close() {
      files.clear();
      if (dir) await rm(dir, { recursive: true, force: true });
      dir = null;
    },
  };
}

/** The `files.*` channels: a file the user chose in the native dialog, or one uploaded as base64. */
export function createFilesService({ files, dialogs }: { files: FileRegistry; dialogs: WorkbenchDialogs | null }) {
  const openDialog: Handler<'files.openDialog'> = async ({ purpose }) => {
    const native = requireDialogs(dialogs, 'files.openDialog', 'choose or drop the file in the page (it is uploaded to POST /api/upload)');
    const path = await native.openFile(purpose ?? 'dataset');
    return path === null ? { cancelled: true as const } : files.registerPath(path);
  };

  const upload: Handler<'files.upload'> = async ({ name, base64 }) => {
    let bytes: Uint8Array;
    try {
      bytes = base64ToBytes(base64);
    } catch (error) {
      throw new ValidationError(`files.upload: 'base64' is not valid base64: ${(error as Error).message}`);
    }
    return files.storeBytes(name, bytes);
  };

  return { openDialog, upload };
}
